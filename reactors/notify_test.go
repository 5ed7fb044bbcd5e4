package reactors_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/reactors"
)

func TestNotifier(t *testing.T) {
	t.Run("records one notification per submitted evidence, also when the commit is delivered again", func(t *testing.T) {
		h := mustHarness(t)
		res := h.submit(t, "18.04", "8")
		notes := reactors.NewNotifications(h.records(t, natsinfra.NotificationBucket))
		var calls atomic.Int32
		reactor := counted(notes.Reactor(), &calls)

		stop, sub := h.run(t, reactor)
		waitAcked(t, sub, reactors.NotifierConsumer, res.Position)
		stop()
		// Forget what the durable consumer acked: the server delivers every
		// commit again, as after a crash before the acks.
		js, err := jetstream.New(h.storage.Conn)
		if err != nil {
			t.Fatal(err)
		}
		if err := js.DeleteConsumer(context.Background(), eventstore.DefaultStream, reactors.NotifierConsumer); err != nil {
			t.Fatal(err)
		}
		_, sub = h.run(t, reactor)
		waitAcked(t, sub, reactors.NotifierConsumer, res.Position)

		if got := calls.Load(); got != 4 { // period opened + answer, twice
			t.Fatalf("reactor called %d times, want 4", got)
		}
		list, err := notes.List(context.Background(), reactors.NotificationFilter{Audience: domain.RoleVerifier, Region: "18.04", Year: 2025})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 {
			t.Fatalf("%d notifications, want 1: %+v", len(list), list)
		}
		n := list[0]
		if n.ID != res.EventIDs[len(res.EventIDs)-1].String() || n.Link != "/#/antrian?region=18.04&year=2025" ||
			n.Indicator != "8" || n.By != "operator.18.04" || n.Position != res.Position {
			t.Fatalf("notification %+v", n)
		}
	})
	t.Run("lists by region, newest first", func(t *testing.T) {
		h := mustHarness(t)
		h.submit(t, "18.04", "1")
		h.submit(t, "18.01", "1")
		last := h.submit(t, "18.04", "12")
		notes := reactors.NewNotifications(h.records(t, natsinfra.NotificationBucket))
		_, sub := h.run(t, notes.Reactor())
		waitAcked(t, sub, reactors.NotifierConsumer, last.Position)

		list, err := notes.List(context.Background(), reactors.NotificationFilter{Region: "18.04"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Indicator != "12" || list[1].Indicator != "1" {
			t.Fatalf("notifications %+v", list)
		}
		if all, _ := notes.List(context.Background(), reactors.NotificationFilter{Limit: 1}); len(all) != 1 || all[0].ID != list[0].ID {
			t.Fatalf("limit 1: %+v", all)
		}
	})
}
