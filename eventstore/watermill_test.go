package eventstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/eventstore/storetest"
	"github.com/jejak-id/jejak/natsinfra"
)

func mustWatermillStore(tb testing.TB) (*natsinfra.Embedded, *eventstore.Store) {
	tb.Helper()
	e := MustStartEmbedded(tb, tb.TempDir())
	tb.Cleanup(e.Shutdown)
	store, err := eventstore.Open(context.Background(), e.Conn(), eventstore.Config{Codec: MustCodec(tb)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	return e, store
}

func mustSubscriber(tb testing.TB, store *eventstore.Store, cfg eventstore.SubscriberConfig) *eventstore.EventSubscriber {
	tb.Helper()
	sub, err := eventstore.NewEventSubscriber(store, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sub.Close() })
	return sub
}

func mustSubscribe(tb testing.TB, ctx context.Context, sub *eventstore.EventSubscriber, durable string) <-chan *message.Message {
	tb.Helper()
	ch, err := sub.Subscribe(ctx, durable)
	if err != nil {
		tb.Fatal(err)
	}
	return ch
}

// receive waits for the next message (or the channel's close: nil).
func receive(tb testing.TB, ch <-chan *message.Message) *message.Message {
	tb.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(20 * time.Second):
		tb.Fatal("no message within 20s")
		return nil
	}
}

func TestEventSubscriber(t *testing.T) {
	t.Run("delivers one message per commit that decodes to its events", func(t *testing.T) {
		_, store := mustWatermillStore(t)
		c := storetest.NewCommit("18.04", 0, "satu", "dua")
		res := storetest.MustAppend(t, store, c)
		sub := mustSubscriber(t, store, eventstore.SubscriberConfig{})
		ch := mustSubscribe(t, context.Background(), sub, "test-reactor")

		m := receive(t, ch)
		if m.UUID != c.CommandID.String() || m.Metadata.Get(eventstore.MetadataPosition) != "1" ||
			m.Metadata.Get(eventstore.MetadataSubject) != "jejak.events.region.18_04" ||
			m.Metadata.Get(eventstore.MetadataDelivery) != "1" {
			t.Fatalf("message %s %v", m.UUID, m.Metadata)
		}
		events, err := sub.Decode(m)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 2 || events[1].ID != res.EventIDs[1] || events[1].Position != 1 ||
			events[1].Data != (storetest.NoteWritten{Text: "dua"}) || events[0].RecordedAt.IsZero() {
			t.Fatalf("events %+v", events)
		}
		m.Ack()
		storetest.MustAppend(t, store, storetest.NewCommit("18.04", 2, "tiga"))
		if m := receive(t, ch); m.Metadata.Get(eventstore.MetadataPosition) != "2" {
			t.Fatalf("second message at %s", m.Metadata.Get(eventstore.MetadataPosition))
		}
	})
	t.Run("redelivers a nacked commit", func(t *testing.T) {
		_, store := mustWatermillStore(t)
		storetest.MustAppend(t, store, storetest.NewCommit("18.04", 0, "satu"))
		sub := mustSubscriber(t, store, eventstore.SubscriberConfig{NakDelay: time.Millisecond})
		ch := mustSubscribe(t, context.Background(), sub, "test-reactor")
		receive(t, ch).Nack()
		if m := receive(t, ch); m.Metadata.Get(eventstore.MetadataDelivery) != "2" || m.Metadata.Get(eventstore.MetadataPosition) != "1" {
			t.Fatalf("redelivery %v", m.Metadata)
		}
	})
	t.Run("a commit in hand when the subscription stops is delivered to the next one", func(t *testing.T) {
		_, store := mustWatermillStore(t)
		storetest.MustAppend(t, store, storetest.NewCommit("18.04", 0, "satu"))
		sub := mustSubscriber(t, store, eventstore.SubscriberConfig{})
		ctx, cancel := context.WithCancel(context.Background())
		ch := mustSubscribe(t, ctx, sub, "test-reactor")
		first := receive(t, ch)
		cancel()
		if m := receive(t, ch); m != nil {
			t.Fatalf("channel still open: %v", m)
		}
		ch = mustSubscribe(t, context.Background(), mustSubscriber(t, store, eventstore.SubscriberConfig{}), "test-reactor")
		m := receive(t, ch)
		if m.UUID != first.UUID || m.Metadata.Get(eventstore.MetadataDelivery) != "2" {
			t.Fatalf("got %s %v, want %s again", m.UUID, m.Metadata, first.UUID)
		}
		m.Ack()
		deadline := time.Now().Add(20 * time.Second)
		poll := time.NewTicker(5 * time.Millisecond)
		defer poll.Stop()
		for acked := uint64(0); acked < 1; <-poll.C {
			var err error
			if acked, err = sub.AckedThrough(context.Background(), "test-reactor"); err != nil {
				t.Fatal(err)
			}
			if time.Now().After(deadline) {
				t.Fatal("ack not recorded within 20s")
			}
		}
	})
	t.Run("a new durable with DeliverNew starts after the head", func(t *testing.T) {
		_, store := mustWatermillStore(t)
		storetest.MustAppend(t, store, storetest.NewCommit("18.04", 0, "lama"))
		sub := mustSubscriber(t, store, eventstore.SubscriberConfig{DeliverNew: true})
		ch := mustSubscribe(t, context.Background(), sub, "test-news-only")
		storetest.MustAppend(t, store, storetest.NewCommit("18.04", 1, "baru"))
		if m := receive(t, ch); m.Metadata.Get(eventstore.MetadataPosition) != "2" {
			t.Fatalf("first delivery at %s, want 2", m.Metadata.Get(eventstore.MetadataPosition))
		}
	})
	t.Run("refuses bad durable names and a closed subscriber", func(t *testing.T) {
		_, store := mustWatermillStore(t)
		sub := mustSubscriber(t, store, eventstore.SubscriberConfig{})
		if _, err := sub.Subscribe(context.Background(), "jejak.events"); !domain.IsCode(err, domain.CodeInvalid) {
			t.Fatalf("dotted name: %v", err)
		}
		sub.Close()
		if _, err := sub.Subscribe(context.Background(), "ok"); !domain.IsCode(err, domain.CodeUnavailable) {
			t.Fatalf("after close: %v", err)
		}
	})
}

func TestSubscriberConfigValidate(t *testing.T) {
	if err := (eventstore.SubscriberConfig{}).Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if err := (eventstore.SubscriberConfig{AckWait: time.Millisecond, NakDelay: -1}).Validate(); err == nil {
		t.Fatal("bad config accepted")
	}
}

func TestDeadLetters(t *testing.T) {
	e, _ := mustWatermillStore(t)
	dl, err := natsinfra.OpenDeadLetters(context.Background(), e.Conn(), 1)
	if err != nil {
		t.Fatal(err)
	}
	m := message.NewMessage("cmd-1", []byte(`{"x":1}`))
	m.Metadata.Set("reason_poisoned", "endpoint answered 503")
	if err := dl.Publish("jejak.deadletter.webhooks", m, m); err != nil {
		t.Fatal(err)
	}
	if err := dl.Publish("elsewhere", m); err == nil {
		t.Fatal("published outside jejak.deadletter.>")
	}
	got, err := dl.List(context.Background(), "jejak.deadletter.webhooks")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].UUID != "cmd-1" || got[0].Reason != "endpoint answered 503" || string(got[0].Payload) != `{"x":1}` {
		t.Fatalf("dead letters %+v (a repeat within the window is stored once)", got)
	}
	if other, _ := dl.List(context.Background(), "jejak.deadletter.notifications"); len(other) != 0 {
		t.Fatalf("filter: %+v", other)
	}
}

func TestRecords(t *testing.T) {
	e, _ := mustWatermillStore(t)
	ctx := context.Background()
	r, err := natsinfra.OpenRecords(ctx, e.Conn(), "TEST_RECORDS", 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Each(ctx, func(string, []byte) error { t.Fatal("record in a new bucket"); return nil }); err != nil {
		t.Fatalf("each on an empty bucket: %v", err)
	}
	if created, err := r.Create(ctx, "a.1", []byte("first")); err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	if created, err := r.Create(ctx, "a.1", []byte("second")); err != nil || created {
		t.Fatalf("create again: %v %v", created, err)
	}
	if v, ok, err := r.Get(ctx, "a.1"); err != nil || !ok || string(v) != "first" {
		t.Fatalf("get: %q %v %v", v, ok, err)
	}
	if _, ok, err := r.Get(ctx, "none"); err != nil || ok {
		t.Fatalf("get missing: %v %v", ok, err)
	}
	_, _ = r.Create(ctx, "b.2", []byte("x"))
	var keys []string
	if err := r.Each(ctx, func(k string, _ []byte) error { keys = append(keys, k); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0] != "a.1" || keys[1] != "b.2" {
		t.Fatalf("keys %v", keys)
	}
}
