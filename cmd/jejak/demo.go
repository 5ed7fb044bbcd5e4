package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/jejak-id/jejak/sampledata"
)

// loadDemo writes the demo history (data contoh) through the domain service.
func loadDemo(ctx context.Context, a *App) error {
	start := time.Now()
	sum, err := sampledata.LoadDemo(ctx, a.Service, sampledata.DemoOptions{})
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	fmt.Fprintf(os.Stderr, "data contoh dimuat: %d daerah, %d inovasi, %d sesi, %d jawaban (%d peristiwa) dalam %s\n",
		sum.Regions, sum.Innovations, sum.Sessions, sum.Answers, sum.Events, time.Since(start).Round(time.Millisecond))
	return nil
}
