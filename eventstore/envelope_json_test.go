package eventstore

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/uuid"
)

// awkward strings: everything encoding/json escapes or replaces.
var awkward = []string{"", "plain", "Dinas Kesehatan", "18.04", "a\"quote", `back\slash`, "<b>&amp;</b>",
	"tab\tnew\nline\r", "\x00\x01\x1f", "del\x7f", "Bahasa Indonésia", "日本", "\u2028\u2029", "bad\xffutf8", "\xc3"}

func randomEnvelope(r *rand.Rand) *envelope {
	pick := func() string { return awkward[r.IntN(len(awkward))] }
	env := &envelope{
		CommandID: uuid.New(), AggregateType: pick(), AggregateID: pick(), FromVersion: r.Uint64() >> r.IntN(64),
		Actor:         wireActor{UserID: pick(), Role: pick(), Region: pick()},
		CorrelationID: pick(), CausationID: pick(),
		OccurredAt: time.Unix(r.Int64N(1<<35), r.Int64N(1e9)*int64(r.IntN(2))).UTC(),
	}
	for range 1 + r.IntN(3) {
		data, _ := json.Marshal(map[string]any{"Text": pick(), "N": r.IntN(1000), "List": []string{pick()}, "Nested": map[string]any{"x": nil}})
		env.Events = append(env.Events, wireEvent{ID: uuid.Must(uuid.NewV7()), Type: pick(), SchemaVersion: r.IntN(5), Data: data})
	}
	return env
}

func TestEnvelopeEncoding(t *testing.T) {
	t.Run("is byte for byte what encoding/json writes", func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		for range 2000 {
			env := randomEnvelope(r)
			want, err := json.Marshal(env)
			if err != nil {
				t.Fatal(err)
			}
			got, err := env.appendJSON(nil)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("encoded\n%s\nwant\n%s (%v)", got, want, err)
			}
		}
	})
	t.Run("refuses times encoding/json refuses", func(t *testing.T) {
		env := randomEnvelope(rand.New(rand.NewPCG(3, 4)))
		env.OccurredAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		if _, err := json.Marshal(env); err == nil {
			t.Fatal("encoding/json accepts year 10000")
		}
		if _, err := env.appendJSON(nil); err == nil {
			t.Fatal("year 10000 encoded")
		}
	})
}

// decodeBoth decodes body with decodeEnvelope (with and without an
// interner) and with encoding/json, and fails unless they agree. The one
// allowed difference: decodeEnvelope leaves each event's data to be checked
// when the event is decoded, so it may accept a body whose data is not JSON.
func decodeBoth(t *testing.T, body []byte) {
	t.Helper()
	var want envelope
	wantErr := json.Unmarshal(body, &want)
	for _, in := range []*interner{nil, newInterner(4)} {
		got := envelope{Events: make([]wireEvent, 2, 4)} // dirty, reused memory
		got.Events[0].SchemaVersion, got.Events[1].Type = 9, "stale"
		got.Events = got.Events[:0]
		err := decodeEnvelope(body, &got, in)
		switch {
		case err != nil && wantErr == nil:
			t.Fatalf("decodeEnvelope failed (%v) where encoding/json decodes\n%q", err, body)
		case err == nil && wantErr != nil:
			valid := true
			for _, e := range got.Events {
				valid = valid && json.Valid(e.Data)
			}
			if valid {
				t.Fatalf("decodeEnvelope accepts what encoding/json refuses (%v)\n%q", wantErr, body)
			}
		case err == nil && !reflect.DeepEqual(normal(got), normal(want)):
			t.Fatalf("decoded\n%+v\nwant\n%+v\nfrom %q", got, want, body)
		}
	}
}

// normal makes empty and nil event lists and data compare equal.
func normal(e envelope) envelope {
	if len(e.Events) == 0 {
		e.Events = nil
	}
	for i := range e.Events {
		e.Events[i].Data = append(json.RawMessage{}, e.Events[i].Data...)
	}
	return e
}

func TestEnvelopeDecoding(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var bodies [][]byte
	for range 300 {
		body, err := randomEnvelope(r).appendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, body)
	}
	t.Run("reads what the store writes as encoding/json does", func(t *testing.T) {
		for _, body := range bodies {
			decodeBoth(t, body)
		}
	})
	t.Run("agrees with encoding/json on every prefix and on damaged bodies", func(t *testing.T) {
		for _, body := range bodies[:20] {
			for n := range len(body) {
				decodeBoth(t, body[:n])
			}
			for range 200 {
				damaged := bytes.Clone(body)
				const damage = `{}[],:"\ 0-1.eE9tfnulxa`
				damaged[r.IntN(len(damaged))] = damage[r.IntN(len(damage))]
				decodeBoth(t, damaged)
			}
		}
	})
	t.Run("agrees with encoding/json on forms it does not write", func(t *testing.T) {
		id, evID := uuid.NewString(), uuid.NewString()
		base := `{"command_id":"` + id + `","aggregate_type":"region","aggregate_id":"18.04","from_version":3,` +
			`"actor":{"user":"ani","role":"operator","region":"18.04"},"occurred_at":"2025-03-01T08:00:00Z",` +
			`"events":[{"id":"` + evID + `","type":"t","schema_version":1,"data":{"Text":"x"}}]}`
		for _, body := range []string{
			base,
			" \n" + strings.ReplaceAll(strings.ReplaceAll(base, ":", " : "), ",", " ,\n\t") + " \r\n",
			strings.Replace(base, `"aggregate_type"`, `"Aggregate_Type"`, 1), // encoding/json matches keys in any case
			strings.Replace(base, `"from_version":3`, `"from_version":3,"unknown":[1,{"a":"b"}]`, 1),
			strings.Replace(base, `"from_version":3`, `"from_version":null`, 1),
			strings.Replace(base, `"from_version":3`, `"from_version":3.0`, 1),
			strings.Replace(base, `"from_version":3`, `"from_version":-3`, 1),
			strings.Replace(base, `"from_version":3`, `"from_version":03`, 1),
			strings.Replace(base, `"from_version":3`, `"from_version":18446744073709551616`, 1),
			strings.Replace(base, `"from_version":3`, `"from_version":"3"`, 1),
			strings.Replace(base, `"user":"ani"`, `"user":"a\u006ei"`, 1),
			strings.Replace(base, `"user":"ani"`, `"user":"a\"ni"`, 1),
			strings.Replace(base, `"command_id":"`+id+`"`, `"command_id":"{`+id+`}"`, 1),
			strings.Replace(base, `"command_id":"`+id+`"`, `"command_id":"`+strings.ReplaceAll(id, "-", "")+`"`, 1),
			strings.Replace(base, `"command_id":"`+id+`"`, `"command_id":"nope"`, 1),
			strings.Replace(base, `08:00:00Z`, `08:00:00.5+07:00`, 1),
			strings.Replace(base, `08:00:00Z`, `08:00:00`, 1),
			strings.Replace(base, `"data":{"Text":"x"}`, `"data":"s\"}]}"`, 1),
			strings.Replace(base, `"data":{"Text":"x"}`, `"data":[1, 2,{"a":[]}]`, 1),
			strings.Replace(base, `"data":{"Text":"x"}`, `"data":true`, 1),
			strings.Replace(base, `"data":{"Text":"x"}`, `"data":-1.5e3`, 1),
			strings.Replace(base, `"data":{"Text":"x"}`, `"data":{"Text":"x"`, 1),
			strings.Replace(base, `"events":[`, `"events":[],"events":[`, 1),
			strings.Replace(base, `"events":[{`, `"events":null,"x":[{`, 1),
			strings.Replace(base, `}]}`, `},{"id":"`+evID+`","type":"u","schema_version":2,"data":null}]}`, 1),
			strings.Replace(base, `"schema_version":1`, `"schema_version":2147483648`, 1),
			base + "x", base + "{}", "null", "{}", "[]", "", `{"events":[]}`,
		} {
			decodeBoth(t, []byte(body))
		}
	})
}

func FuzzEnvelopeDecoding(f *testing.F) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 10 {
		body, _ := randomEnvelope(r).appendJSON(nil)
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) { decodeBoth(t, body) })
}

func TestInterner(t *testing.T) {
	in := newInterner(2)
	a := in.string([]byte("a"))
	if b := in.string([]byte("a")); unsafe.StringData(a) != unsafe.StringData(b) {
		t.Fatal("the same string was copied twice")
	}
	in.string([]byte("b"))
	in.string([]byte("c")) // over the bound: starts afresh
	if len(in.strings) != 1 {
		t.Fatalf("%d strings kept, bound 2", len(in.strings))
	}
	if got := (*interner)(nil).string([]byte("x")); got != "x" {
		t.Fatal(got)
	}
}
