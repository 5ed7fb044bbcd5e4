package eventstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
)

// ScoreSet is at schema version 2: v1 had "Value" as a 0-100 integer,
// v2 has "Score" as a fraction and a "Scale".
type ScoreSet struct {
	Score float64
	Scale string
}

func (ScoreSet) EventType() string { return "test.score-set" }

func scoreSpecs() []domain.EventSpec {
	return []domain.EventSpec{{Type: "test.score-set", Version: 2, New: func() domain.Event { return ScoreSet{} }}}
}

func scoreV1toV2() eventstore.Upcaster {
	return eventstore.Upcaster{Type: "test.score-set", From: 1, Upcast: func(data json.RawMessage) (json.RawMessage, error) {
		var v1 struct{ Value int }
		if err := json.Unmarshal(data, &v1); err != nil {
			return nil, err
		}
		return json.Marshal(ScoreSet{Score: float64(v1.Value) / 100, Scale: "fraction"})
	}}
}

func TestCodec(t *testing.T) {
	t.Run("reports every problem of the specs at once", func(t *testing.T) {
		_, err := eventstore.NewCodec([]domain.EventSpec{
			{Type: "", Version: 1},
			{Type: "test.score-set", Version: 0, New: func() domain.Event { return ScoreSet{} }},
			{Type: "test.nil-new", Version: 1},
		}, eventstore.Upcaster{Type: "test.unknown", From: 1, Upcast: func(d json.RawMessage) (json.RawMessage, error) { return d, nil }})
		if err == nil {
			t.Fatal("no error")
		}
		for _, want := range []string{"empty type", "version 0", "New is nil", "unknown event"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
	})
	t.Run("upcasts an old version on decode", func(t *testing.T) {
		codec, err := eventstore.NewCodec(scoreSpecs(), scoreV1toV2())
		if err != nil {
			t.Fatal(err)
		}
		e, err := codec.Decode("test.score-set", 1, []byte(`{"Value":75}`))
		if err != nil || e != (ScoreSet{Score: 0.75, Scale: "fraction"}) {
			t.Fatalf("decoded %#v, %v", e, err)
		}
	})
	t.Run("refuses unknown types, future versions and missing upcasters", func(t *testing.T) {
		codec, err := eventstore.NewCodec(scoreSpecs())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name    string
			version int
		}{{"test.nope", 1}, {"test.score-set", 3}, {"test.score-set", 1}} {
			if _, err := codec.Decode(c.name, c.version, []byte(`{}`)); err == nil {
				t.Errorf("%s v%d decoded without error", c.name, c.version)
			}
		}
	})
}

// TestSchemaEvolution writes a v1 event straight to the stream, as an
// older Jejak would have, and reads it back as v2 through the store.
func TestSchemaEvolution(t *testing.T) {
	server := MustStartEmbedded(t, t.TempDir())
	t.Cleanup(server.Shutdown)
	codec, err := eventstore.NewCodec(scoreSpecs(), scoreV1toV2())
	if err != nil {
		t.Fatal(err)
	}
	store, err := eventstore.Open(context.Background(), server.Conn(), eventstore.Config{Codec: codec})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	body := `{"command_id":"` + uuid.NewString() + `","aggregate_type":"region","aggregate_id":"18.04",` +
		`"from_version":0,"actor":{"user":"old","role":"system"},"occurred_at":"2024-01-02T03:04:05Z",` +
		`"events":[{"id":"` + uuid.Must(uuid.NewV7()).String() + `","type":"test.score-set","schema_version":1,"data":{"Value":40}}]}`
	js, err := jetstream.New(server.Conn())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(context.Background(), "jejak.events.region.18_04", []byte(body)); err != nil {
		t.Fatal(err)
	}

	events, err := store.Load(context.Background(), domain.AggregateRegion, "18.04", 0)
	if err != nil || len(events) != 1 {
		t.Fatalf("load: %v, %d events", err, len(events))
	}
	if e := events[0]; e.SchemaVersion != 1 || e.Data != (ScoreSet{Score: 0.4, Scale: "fraction"}) || e.Version != 1 {
		t.Fatalf("loaded %+v", e)
	}
	t.Run("new appends continue the history at the current version", func(t *testing.T) {
		res, err := store.Append(context.Background(), domain.Commit{
			CommandID: uuid.New(), AggregateType: domain.AggregateRegion, AggregateID: "18.04",
			ExpectedVersion: 1, Events: []domain.Event{ScoreSet{Score: 0.5, Scale: "fraction"}}, Actor: domain.System,
		})
		if err != nil || res.Version != 2 {
			t.Fatalf("append: %+v, %v", res, err)
		}
	})
	t.Run("an unknown event type on read is an error, not a silent skip", func(t *testing.T) {
		unknown := bytes.Replace([]byte(body), []byte("test.score-set"), []byte("test.gone"), 1)
		unknown = bytes.Replace(unknown, []byte(`"from_version":0`), []byte(`"from_version":2`), 1)
		if _, err := js.Publish(context.Background(), "jejak.events.region.18_04", unknown); err != nil {
			t.Fatal(err)
		}
		err := store.Read(context.Background(), 0, func(domain.RecordedEvent) error { return nil })
		if err == nil || !strings.Contains(err.Error(), `unknown event type "test.gone"`) {
			t.Fatalf("read gave %v", err)
		}
	})
}
