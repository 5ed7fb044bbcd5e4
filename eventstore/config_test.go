package eventstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/eventstore/storetest"
	"github.com/jejak-id/jejak/natsinfra"
)

func TestConfig(t *testing.T) {
	t.Run("reports every problem at once", func(t *testing.T) {
		err := eventstore.Config{
			Stream: "bad name", SubjectPrefix: "jejak.*", Replicas: 7,
			DuplicateWindow: time.Millisecond, MaxCommitBytes: 10,
		}.Validate()
		if err == nil {
			t.Fatal("no error")
		}
		for _, want := range []string{"stream name", "subject prefix", "replicas", "duplicate window", "max commit bytes", "codec"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
	})
	t.Run("the defaults are valid given a codec", func(t *testing.T) {
		if err := (eventstore.Config{Codec: MustCodec(t)}).Validate(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestStreamConfig(t *testing.T) {
	server := MustStartEmbedded(t, t.TempDir())
	t.Cleanup(server.Shutdown)
	store, err := eventstore.Open(context.Background(), server.Conn(), eventstore.Config{Codec: MustCodec(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	js, _ := jetstream.New(server.Conn())
	stream, err := js.Stream(context.Background(), eventstore.DefaultStream)
	if err != nil {
		t.Fatal(err)
	}
	cfg := stream.CachedInfo().Config
	if cfg.Storage != jetstream.FileStorage || !cfg.DenyDelete || !cfg.DenyPurge || !cfg.AllowDirect ||
		cfg.MaxAge != 0 || cfg.MaxMsgs != -1 || cfg.MaxBytes != -1 || cfg.Replicas != 1 ||
		cfg.Subjects[0] != "jejak.events.>" {
		t.Fatalf("stream config %+v", cfg)
	}
	t.Run("messages carry the concurrency check and nothing else", func(t *testing.T) {
		storetest.MustAppend(t, store, storetest.NewCommit("18.04", 0, "a", "b"))
		msg, err := stream.GetLastMsgForSubject(context.Background(), "jejak.events.region.18_04")
		if err != nil {
			t.Fatal(err)
		}
		// No Nats-Msg-Id: the concurrency check makes retries safe (the
		// behaviour suite's retry cases) without the server's dedupe work;
		// no readable summary either: the body says what the commit is.
		for key := range msg.Header { // a direct get adds Nats-Stream, Nats-Sequence...
			if strings.HasPrefix(key, "Jejak-") || key == jetstream.MsgIDHeader {
				t.Errorf("header %s: %v", key, msg.Header)
			}
		}
		if msg.Header.Get(jetstream.ExpectedLastSubjSeqHeader) != "0" {
			t.Fatalf("headers %v", msg.Header)
		}
	})
	t.Run("reopening updates the stream in place", func(t *testing.T) {
		again, err := eventstore.Open(context.Background(), server.Conn(), eventstore.Config{
			Codec: MustCodec(t), DuplicateWindow: time.Minute,
		})
		if err != nil {
			t.Fatal(err)
		}
		again.Close()
	})
}

func TestEmbeddedListens(t *testing.T) {
	server, err := natsinfra.StartEmbedded(natsinfra.EmbeddedConfig{DataDir: t.TempDir(), ListenAddr: "127.0.0.1:-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Shutdown()
	if server.ClientURL() == "" {
		t.Fatal("no client URL while listening")
	}
	nc, err := natsinfra.Dial(natsinfra.ConnConfig{URL: server.ClientURL(), Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if _, err := eventstore.Open(context.Background(), nc, eventstore.Config{Codec: MustCodec(t)}); err != nil {
		t.Fatal(err)
	}
}

// MustCodec returns a codec for the behaviour suite's events.
func MustCodec(tb testing.TB) *eventstore.Codec {
	tb.Helper()
	codec, err := eventstore.NewCodec(storetest.Specs())
	if err != nil {
		tb.Fatal(err)
	}
	return codec
}
