package eventstore

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
)

// FuzzEnvelope feeds the store's message decoder (the body of one stream
// message: envelope, events, schema versions, upcasters, domain events)
// with anything: it returns events or an error, never panics.
func FuzzEnvelope(f *testing.F) {
	// the messages of a store written by the release before schema v2
	if file, err := os.Open("../app/testdata/history-v1.jsonl"); err == nil {
		sc := bufio.NewScanner(file)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var m struct{ Body json.RawMessage }
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				f.Add([]byte(m.Body))
				f.Add([]byte(strings.ReplaceAll(string(m.Body), `"schema_version":1`, `"schema_version":2`)))
			}
		}
		file.Close()
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"events":[{"type":"innovation.proposed","schema_version":2,"data":null}]}`))
	codec, err := NewCodec(domain.EventSpecs(), domain.EventUpcasters()...)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := decodeCommit(&jetstream.RawStreamMsg{Sequence: 7, Time: time.Unix(0, 0), Data: body})
		if err != nil {
			return
		}
		n := 0
		err = recordedEvents(codec, &c.env, c.seq, c.at, 0, func(ev domain.RecordedEvent) error {
			if ev.Data == nil || ev.Position != 7 || ev.Index != n {
				t.Fatalf("event %d: %+v", n, ev)
			}
			n++
			return nil
		})
		if err == nil && n != len(c.env.Events) {
			t.Fatalf("%d events of %d", n, len(c.env.Events))
		}
	})
}

// FuzzAggregateID: an id the port accepts maps to one subject token that
// is safe in a NATS subject and maps back to the id.
func FuzzAggregateID(f *testing.F) {
	for _, s := range []string{"18.04", "2025-18.04", "0190a5e2-7c1d-7b3e-8f00-000000000001", "a*b", "a>b", "a b", "_x", "a_b", "", "."} {
		f.Add(s)
	}
	subj := subjects{prefix: DefaultSubjectPrefix}
	f.Fuzz(func(t *testing.T, id string) {
		if !domain.ValidAggregateID(id) {
			return
		}
		s := subj.aggregate(domain.AggregateInnovation, id)
		token := strings.TrimPrefix(s, DefaultSubjectPrefix+".innovation.")
		if strings.ContainsAny(token, "*> \t\r\n.") || token == "" || strings.ReplaceAll(token, "_", ".") != id {
			t.Fatalf("id %q maps to subject %q", id, s)
		}
	})
}
