package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve [flags]", `Run the HTTP API (/api/v1) and the dashboard (/). Without --nats-url, an
embedded NATS server keeps the events in <data>/nats; with it, Jejak joins an
external server or cluster.`, stderr)
	var cfg Config
	fs.StringVar(&cfg.Addr, "addr", ":8080", "HTTP listen address")
	fs.StringVar(&cfg.DataDir, "data", "./jejak-data", "data directory (embedded NATS storage, signing key)")
	fs.BoolVar(&cfg.Demo, "demo", false, "load the demo data (data contoh) into an empty store")
	fs.StringVar(&cfg.NATS.URL, "nats-url", "", "external NATS server(s), comma separated; empty: embedded server")
	fs.StringVar(&cfg.NATS.CredsFile, "nats-creds", "", "NATS user credentials file (JWT)")
	fs.StringVar(&cfg.NATS.NKeyFile, "nats-nkey", "", "NATS nkey seed file")
	fs.StringVar(&cfg.NATS.User, "nats-user", "", "NATS user name")
	fs.StringVar(&cfg.NATS.Password, "nats-password", "", "NATS password")
	fs.StringVar(&cfg.NATS.CAFile, "nats-ca", "", "CA certificate to verify the NATS server (TLS)")
	fs.StringVar(&cfg.NATS.CertFile, "nats-cert", "", "client certificate for NATS (TLS)")
	fs.StringVar(&cfg.NATS.KeyFile, "nats-key", "", "client key for NATS (TLS)")
	fs.StringVar(&cfg.NATSListen, "nats-listen", "", "let the embedded server also listen here (e.g. 127.0.0.1:4222) for the nats CLI")
	fs.IntVar(&cfg.Replicas, "replicas", 1, "stream replicas (1 embedded, 3 in a cluster)")
	fs.StringVar(&cfg.TokenKey, "token-key", "", "Ed25519 token signing key (PEM); default <data>/keys/token-ed25519.pem, created on first run")
	fs.DurationVar(&cfg.SnapshotEvery, "snapshot-every", 6*time.Hour, "store a snapshot of the index this often (0: only on demand)")
	fs.StringVar(&cfg.Webhooks, "webhooks", "", "JSON file of webhook subscribers ([{id, url, secret, types}]); empty: none")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	cfg.Logger = slog.New(handler)
	cfg.NATS.Name = "jejak-" + hostname()

	app, err := Start(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Jejak %s siap di %s (dashboard) — Ctrl+C untuk berhenti\n", version, app.URL())
	if cfg.Demo {
		fmt.Fprintf(stdout, "Token admin contoh: jejak token issue --role admin --data %s\n", cfg.DataDir)
	}
	err = app.Wait(ctx)
	cfg.Logger.Info("shutting down")
	closeStart := time.Now()
	_ = app.Close()
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
