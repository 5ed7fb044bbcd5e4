package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jejak-id/jejak/api"
	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/merklelog"
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
	fs.StringVar(&cfg.PersonalKey, "personal-key", "", "master key of personal data (base64, 32 bytes); default <data>/keys/personal-master.key, created on first run; every replica needs the same one")
	acceptKeys := fs.String("token-accept-keys", "", "comma-separated PEM files of further Ed25519 keys whose tokens are accepted (key rotation)")
	fs.DurationVar(&cfg.SnapshotEvery, "snapshot-every", 6*time.Hour, "store a snapshot of the index this often (0: only on demand)")
	fs.DurationVar(&cfg.CheckpointEvery, "checkpoint-every", 30*time.Second, "save the projections' checkpoint at least this often while they move")
	fs.Uint64Var(&cfg.CheckpointCommits, "checkpoint-commits", 2000, "and after at most this many commits, so a restart replays little")
	fs.StringVar(&cfg.Webhooks, "webhooks", "", "JSON file of webhook subscribers ([{id, url, secret, types}]); empty: none")
	fs.StringVar(&cfg.SealKey, "seal-key", "", "Ed25519 sealing key of the Merkle log (signed-note format); default <data>/keys/seal.key, created on first run")
	fs.StringVar(&cfg.SealOrigin, "seal-origin", "", "name of the log for a sealing key created on first run (default "+merklelog.DefaultOrigin+")")
	var trusted keyFiles
	fs.Var(&trusted, "seal-trusted", "public keys of replaced sealing keys whose heads are still accepted (files; default <data>/keys/seal-trusted.pub)")
	fs.DurationVar(&cfg.SealEvery, "seal-every", 10*time.Second, "append a signed tree head this often when there are new commits (0: no Merkle log)")
	fs.Uint64Var(&cfg.SealMaxCommits, "seal-max-commits", 10_000, "seal at once when this many commits wait unsealed")
	fs.Uint64Var(&cfg.Past.Every, "past-every", 20_000, "time travel: keep an index snapshot every this many commits, so a past state replays at most that many")
	pastMiB := fs.Int64("past-memory-mib", 1024, "time travel: memory for past states and their snapshots (MiB, estimated; least recently used dropped first)")
	fs.IntVar(&cfg.Past.MaxComputing, "past-computing", 2, "time travel: distinct past states computed at once (beyond: 503 with Retry-After)")
	fs.IntVar(&cfg.AnonPastPerMinute, "anon-past-per-minute", 6, "time travel: past states a visitor without a token may have computed a minute")
	fs.Int64Var(&cfg.EvidenceLimits.MaxFileBytes, "evidence-max-file", api.DefaultMaxEvidenceFileBytes, "largest evidence file accepted, in bytes")
	fs.Int64Var(&cfg.EvidenceLimits.MaxRequestBytes, "evidence-max-request", api.DefaultMaxEvidenceRequestBytes, "most evidence bytes accepted in one upload request")
	fs.StringVar(&cfg.EvidenceLimits.SpoolDir, "evidence-spool-dir", "", "directory that holds uploaded PDFs while they are checked (default: the system's temporary directory)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg.Storage = app.StorageConfig(sf)
	cfg.Past.MaxBytes = *pastMiB << 20
	if *acceptKeys != "" {
		cfg.TokenAcceptKeys = strings.Split(*acceptKeys, ",")
	}
	cfg.SealTrusted, cfg.NoSeal = trusted, cfg.SealEvery == 0
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
