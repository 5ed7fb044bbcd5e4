package eventstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/eventstore/storetest"
	"github.com/jejak-id/jejak/natsinfra"
)

func TestStoreBehaviour(t *testing.T) {
	storetest.Run(t, storetest.Harness{NewBackend: func(t testing.TB) storetest.Backend {
		return newBackend(t)
	}})
}

// The JetStream backend restarts its server, so the restart case runs.
var _ storetest.Restarter = (*backend)(nil)

// backend is one embedded server over a temp dir.
type backend struct {
	dir    string
	server *natsinfra.Embedded
	stores []domain.EventStore
	window time.Duration
}

func newBackend(t testing.TB) *backend {
	b := &backend{dir: t.TempDir()}
	b.server = MustStartEmbedded(t, b.dir)
	t.Cleanup(b.shutdown)
	return b
}

func (b *backend) shutdown() {
	for _, s := range b.stores {
		s.Close()
	}
	b.stores = nil
	b.server.Shutdown()
}

func (b *backend) Open(t testing.TB, o storetest.StoreOptions) domain.EventStore {
	t.Helper()
	codec, err := eventstore.NewCodec(o.Specs)
	if err != nil {
		t.Fatal(err)
	}
	s, err := eventstore.Open(context.Background(), b.server.Conn(), eventstore.Config{
		Codec: codec, MaxCommitBytes: o.MaxCommitBytes, DuplicateWindow: o.DuplicateWindow,
	})
	if err != nil {
		t.Fatal(err)
	}
	b.stores = append(b.stores, s)
	return s
}

func (b *backend) Restart(t testing.TB) {
	t.Helper()
	b.shutdown()
	b.server = MustStartEmbedded(t, b.dir)
}

// ForgetCommand probes the server's dedupe table without writing: a publish
// carrying the command id and an expected last msg id that never matches is
// answered "duplicate" while the id is remembered, and rejected (nothing
// stored) once the window has passed.
func (b *backend) ForgetCommand(t testing.TB, id uuid.UUID) {
	t.Helper()
	js, err := jetstream.New(b.server.Conn())
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		msg := nats.NewMsg(eventstore.DefaultSubjectPrefix + ".probe.window")
		msg.Header.Set(jetstream.MsgIDHeader, id.String())
		msg.Header.Set(jetstream.ExpectedLastMsgIDHeader, "never-"+uuid.NewString())
		ack, err := js.PublishMsg(context.Background(), msg)
		if err == nil && ack.Duplicate {
			continue
		}
		var apiErr *jetstream.APIError
		if errors.As(err, &apiErr) {
			return
		}
		t.Fatalf("probe: ack %+v, err %v", ack, err)
	}
	t.Fatal("the server still remembers the command id after 10s")
}

// MustStartEmbedded starts an embedded server over dir, shut down with the test.
func MustStartEmbedded(tb testing.TB, dir string) *natsinfra.Embedded {
	tb.Helper()
	e, err := natsinfra.StartEmbedded(natsinfra.EmbeddedConfig{DataDir: dir})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}
