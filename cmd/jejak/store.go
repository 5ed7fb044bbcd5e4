package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/nats-io/nats.go"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/natsinfra"
)

// storeFlags say where the event store is: an embedded server on a data
// directory, or an external server or cluster.
type storeFlags struct {
	DataDir  string
	NATS     natsinfra.ConnConfig
	Listen   string
	Replicas int
}

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

// openedStore is an open event store and what must be closed with it.
type openedStore struct {
	Store    *eventstore.Store
	Conn     *nats.Conn
	embedded *natsinfra.Embedded
	lock     *os.File
}

// openStore opens the event store f describes. An embedded server takes a
// lock on the data directory, so two processes never run JetStream on the
// same files.
func openStore(ctx context.Context, f storeFlags, log func(string, ...any)) (*openedStore, error) {
	o := &openedStore{}
	var err error
	if f.NATS.URL == "" {
		if o.lock, err = lockDataDir(f.DataDir); err != nil {
			return nil, err
		}
		o.embedded, err = natsinfra.StartEmbedded(natsinfra.EmbeddedConfig{DataDir: filepath.Join(f.DataDir, "nats"), ListenAddr: f.Listen})
		if err != nil {
			o.Close()
			return nil, err
		}
		o.Conn = o.embedded.Conn()
		if u := o.embedded.ClientURL(); u != "" && log != nil {
			log("embedded NATS listening", "url", u)
		}
	} else if o.Conn, err = natsinfra.Dial(f.NATS); err != nil {
		return nil, err
	}
	codec, err := eventstore.NewCodec(domain.EventSpecs())
	if err != nil {
		o.Close()
		return nil, err
	}
	if o.Store, err = eventstore.Open(ctx, o.Conn, eventstore.Config{Replicas: f.Replicas, Codec: codec}); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

// Close closes the store, the connection or embedded server, and the lock.
func (o *openedStore) Close() {
	if o.Store != nil {
		_ = o.Store.Close()
	}
	if o.embedded != nil {
		o.embedded.Shutdown()
	} else if o.Conn != nil {
		_ = o.Conn.Drain()
	}
	if o.lock != nil {
		_ = o.lock.Close()
	}
}

// lockDataDir takes an exclusive lock on <dir>/jejak.lock.
func lockDataDir(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, "jejak.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another jejak process uses %s; stop it, or point this command at its NATS server with --nats-url (jejak serve --nats-listen 127.0.0.1:4222)", dir)
		}
		return nil, err
	}
	return f, nil
}
