package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/jejak-id/jejak/app"
)

// storeFlags say where the event store is: an embedded server on a data
// directory, or an external server or cluster.
type storeFlags app.StorageConfig

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.DataDir, "data", "./jejak-data", "data directory (embedded NATS storage, signing key)")
	fs.StringVar(&f.NATS.URL, "nats-url", "", "external NATS server(s), comma separated; empty: embedded server in --data")
	fs.StringVar(&f.NATS.CredsFile, "nats-creds", "", "NATS user credentials file (JWT)")
	fs.StringVar(&f.NATS.NKeyFile, "nats-nkey", "", "NATS nkey seed file")
	fs.StringVar(&f.NATS.User, "nats-user", "", "NATS user name")
	fs.StringVar(&f.NATS.Password, "nats-password", "", "NATS password")
	fs.StringVar(&f.NATS.CAFile, "nats-ca", "", "CA certificate to verify the NATS server (TLS)")
	fs.StringVar(&f.NATS.CertFile, "nats-cert", "", "client certificate for NATS (TLS)")
	fs.StringVar(&f.NATS.KeyFile, "nats-key", "", "client key for NATS (TLS)")
	fs.StringVar(&f.Listen, "nats-listen", "", "let the embedded server also listen here (e.g. 127.0.0.1:4222) for the nats CLI")
	fs.IntVar(&f.Replicas, "replicas", 1, "stream replicas (1 embedded, 3 in a cluster)")
}

// openStore opens the event store the flags describe.
func openStore(ctx context.Context, f storeFlags) (*app.Storage, error) {
	return app.OpenStorage(ctx, app.StorageConfig(f), nil)
}

// openOffline opens the store with its projections caught up, showing the
// replay as a progress bar.
func openOffline(ctx context.Context, f storeFlags, stderr io.Writer) (*app.Offline, error) {
	bar := newProgress(stderr, "memutar ulang peristiwa")
	var last int
	off, err := app.OpenOffline(ctx, app.StorageConfig(f), func(done, total int) { last = total; bar.Update(done, total) },
		func(err error) { fmt.Fprintln(stderr, "jejak:", err) })
	if err == nil {
		bar.Done(last, last)
	}
	return off, err
}
