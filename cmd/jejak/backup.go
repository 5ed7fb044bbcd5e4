package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/jejak-id/jejak/app"
)

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup --out FILE [flags]", `Write an online backup of the event stream and every bucket (KV and object
stores) to FILE, using JetStream's stream snapshots while Jejak keeps
serving. The file is a tar: manifest.json (each stream's configuration,
state and SHA-256), then one server snapshot per stream. Checkpoints are
left out unless --checkpoints (they are rebuilt from the events). While
"jejak serve" runs on the embedded server, point this command at it with
--nats-url (serve --nats-listen 127.0.0.1:4222).`, stderr)
	var sf storeFlags
	sf.register(fs)
	out := fs.String("out", "", "backup file to write")
	checkpoints := fs.Bool("checkpoints", false, "include the projections' checkpoints")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(stderr, "jejak backup: --out is required")
		return errUsage
	}
	o, err := openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer o.Close()
	start := time.Now()
	m, err := app.Backup(ctx, o.Conn, *out, app.BackupOptions{Checkpoints: *checkpoints, Version: version,
		Progress: func(stream string, bytes int64) { fmt.Fprintf(stderr, "  %-32s %12d bytes\n", stream, bytes) }})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cadangan %s: %d stream, posisi peristiwa %d, dalam %s\n", *out, len(m.Streams), m.EventsPosition,
		time.Since(start).Round(time.Millisecond))
	return nil
}

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("restore FILE [flags]", `Restore a backup written by "jejak backup" into an empty store: the embedded
server's --data directory, or a server or cluster (--nats-url). Every entry
is checked against the manifest's SHA-256 first. A store that already holds
any of the backup's streams is refused unless --force, which deletes them
first. --replicas sets the replica count of every restored stream (a
single-node backup restored into a three-node cluster).`, stderr)
	var sf storeFlags
	sf.register(fs)
	force := fs.Bool("force", false, "replace streams that exist already")
	var file string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if file == "" {
		fmt.Fprintln(stderr, "jejak restore: give the backup file")
		return errUsage
	}
	replicas := 0
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "replicas" {
			replicas = sf.Replicas
		}
	})
	conn, err := app.OpenConnection(app.StorageConfig(sf), nil)
	if err != nil {
		return err
	}
	defer conn.Close()
	start := time.Now()
	m, err := app.Restore(ctx, conn.Conn, file, app.RestoreOptions{Force: *force, Replicas: replicas,
		Progress: func(stream string) { fmt.Fprintf(stderr, "  %s dipulihkan\n", stream) },
		Erasures: func(subjects []string) {
			fmt.Fprintf(stderr, "  %d penghapusan data pribadi dari penyimpanan lama dicatat lagi (erasures carried over; their keys are shredded at the next start)\n", len(subjects))
		}})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "dipulihkan dari %s: %d stream, posisi peristiwa %d (cadangan %s), dalam %s\n", file, len(m.Streams),
		m.EventsPosition, m.CreatedAt.Format(time.RFC3339), time.Since(start).Round(time.Millisecond))
	return nil
}
