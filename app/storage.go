package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/nats-io/nats.go"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/natsinfra"
)

// StorageConfig says where the event store is: an embedded server on a
// data directory, or an external server or cluster.
type StorageConfig struct {
	DataDir  string               // embedded server's files (<DataDir>/nats), the lock, keys
	NATS     natsinfra.ConnConfig // URL empty: embedded server
	Listen   string               // embedded server's optional client port, for the nats CLI
	Replicas int                  // stream and bucket replicas (1 embedded, 3 in a cluster)
}

// Validate reports every problem at once.
func (c StorageConfig) Validate() error {
	var errs []error
	if c.NATS.URL == "" && c.DataDir == "" {
		errs = append(errs, errors.New("--data is required for the embedded server"))
	}
	if c.Replicas < 1 || c.Replicas > 5 {
		errs = append(errs, errors.New("--replicas must be 1 to 5"))
	}
	if c.NATS.URL != "" {
		if err := c.NATS.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Storage is an open event store and what must be closed with it: the NATS
// connection, the embedded server if there is one, the data directory lock.
type Storage struct {
	Store    *eventstore.Store
	Conn     *nats.Conn
	Replicas int
	embedded *natsinfra.Embedded
	lock     *os.File
}

// OpenStorage opens the event store f describes: it starts the embedded
// server (or dials the external one), makes the codec of every domain event
// and opens the stream. An embedded server takes a lock on the data
// directory, so two processes never run JetStream on the same files. log,
// if set, hears where the embedded server listens.
func OpenStorage(ctx context.Context, f StorageConfig, log func(string, ...any)) (*Storage, error) {
	o, err := OpenConnection(f, log)
	if err != nil {
		return nil, err
	}
	codec, err := eventstore.NewCodec(domain.EventSpecs(), domain.EventUpcasters()...)
	if err != nil {
		o.Close()
		return nil, err
	}
	if o.Store, err = eventstore.Open(ctx, o.Conn, eventstore.Config{Replicas: o.Replicas, Codec: codec}); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

// OpenConnection starts the embedded server (or dials the external one)
// without touching any stream: what a restore needs. Store is nil.
func OpenConnection(f StorageConfig, log func(string, ...any)) (*Storage, error) {
	if f.Replicas == 0 {
		f.Replicas = 1
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	o := &Storage{Replicas: f.Replicas}
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
	return o, nil
}

// Reader opens a second connection to the same server (in process for the
// embedded one, dialled again for an external one) with an event store on
// it, for bulk reads that must not queue behind the appends'
// acknowledgements on the main connection. close closes both.
func (o *Storage) Reader(ctx context.Context, f StorageConfig) (store *eventstore.Store, conn *nats.Conn, close func(), err error) {
	if o.embedded != nil {
		conn, err = o.embedded.Connect(nats.Name("jejak-log"))
	} else {
		cfg := f.NATS
		cfg.Name = cmp.Or(cfg.Name, "jejak") + "-log"
		conn, err = natsinfra.Dial(cfg)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	codec, err := eventstore.NewCodec(domain.EventSpecs())
	if err == nil {
		store, err = eventstore.Open(ctx, conn, eventstore.Config{Replicas: o.Replicas, Codec: codec})
	}
	if err != nil {
		conn.Close()
		return nil, nil, nil, err
	}
	return store, conn, func() { _ = store.Close(); conn.Close() }, nil
}

// Embedded is the embedded server, nil when the store is on an external one.
func (o *Storage) Embedded() *natsinfra.Embedded { return o.embedded }

// Close closes the store, the connection or embedded server, and the lock.
func (o *Storage) Close() {
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
