package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jejak-id/jejak/app"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve [flags]", `Run the HTTP API (/api/v1) and the dashboard (/). Without --nats-url, an
embedded NATS server keeps the events in <data>/nats; with it, Jejak joins an
external server or cluster.`, stderr)
	var cfg app.Config
	var sf storeFlags
	sf.register(fs)
	fs.StringVar(&cfg.Addr, "addr", ":8080", "HTTP listen address")
	fs.BoolVar(&cfg.Demo, "demo", false, "load the demo data (data contoh) into an empty store")
	fs.StringVar(&cfg.TokenKey, "token-key", "", "Ed25519 token signing key (PEM); default <data>/keys/token-ed25519.pem, created on first run")
	acceptKeys := fs.String("token-accept-keys", "", "comma-separated PEM files of further Ed25519 keys whose tokens are accepted (key rotation)")
	fs.DurationVar(&cfg.SnapshotEvery, "snapshot-every", 6*time.Hour, "store a snapshot of the index this often (0: only on demand)")
	fs.DurationVar(&cfg.CheckpointEvery, "checkpoint-every", 30*time.Second, "save the projections' checkpoint at least this often while they move")
	fs.Uint64Var(&cfg.CheckpointCommits, "checkpoint-commits", 2000, "and after at most this many commits, so a restart replays little")
	fs.StringVar(&cfg.Webhooks, "webhooks", "", "JSON file of webhook subscribers ([{id, url, secret, types}]); empty: none")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg.Storage = app.StorageConfig(sf)
	if *acceptKeys != "" {
		cfg.TokenAcceptKeys = strings.Split(*acceptKeys, ",")
	}
	cfg.Version, cfg.Console = version, stderr
	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	cfg.Logger = slog.New(handler)
	cfg.Storage.NATS.Name = "jejak-" + hostname()

	jejak, err := app.Start(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Jejak %s siap di %s (dashboard) — Ctrl+C untuk berhenti\n", version, jejak.URL())
	if cfg.Demo {
		fmt.Fprintf(stdout, "Token admin contoh: jejak token issue --role admin --data %s\n", cfg.Storage.DataDir)
	}
	err = jejak.Wait(ctx)
	cfg.Logger.Info("shutting down")
	closeStart := time.Now()
	_ = jejak.Close()
	cfg.Logger.Info("stopped", "took", time.Since(closeStart).Round(time.Millisecond))
	return err
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "host"
	}
	return h
}
