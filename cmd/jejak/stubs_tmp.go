package main

import (
	"context"
	"errors"
	"io"
)

func runGenerate(context.Context, []string, io.Writer, io.Writer) error { return errors.New("not yet") }
func runBench(context.Context, []string, io.Writer, io.Writer) error    { return errors.New("not yet") }
func loadDemo(context.Context, *App) error                              { return nil }
