package sampledata

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/jejak-id/jejak/projections/index"
)

// eventIDPattern matches the UUID v7 ids a store gives events: fresh on every
// append, so a state hash across two stores must ignore them.
var eventIDPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`)

// OrderFreeStateHash hashes the index state as far as it does not depend on
// the order in which concurrent writers' commits reached the stream: event
// ids are masked, and of the score history (which records every step in
// stream order, so two loads with different interleavings differ in their
// steps) only each region-year's final verified and provisional IID is kept,
// and of the ranking figures each one's last, without its position.
// Two loads of the same data by different paths must agree on it.
func OrderFreeStateHash(tb testing.TB, ix *index.Index) string {
	tb.Helper()
	data, err := ix.StateJSON()
	if err != nil {
		tb.Fatal(err)
	}
	var state map[string]json.RawMessage
	if err := json.Unmarshal(eventIDPattern.ReplaceAll(data, []byte("event-id")), &state); err != nil {
		tb.Fatal(err)
	}
	var history map[string][]struct{ Verified, Provisional int64 }
	if raw, ok := state["History"]; ok {
		if err := json.Unmarshal(raw, &history); err != nil {
			tb.Fatal(err)
		}
	}
	final := map[string][2]int64{}
	for key, steps := range history {
		if len(steps) > 0 {
			last := steps[len(steps)-1]
			final[key] = [2]int64{last.Verified, last.Provisional}
		}
	}
	delete(state, "History")
	// The ranking figures likewise: each region-year's last, without its
	// position.
	var figures map[string][]map[string]json.RawMessage
	if raw, ok := state["Figures"]; ok {
		if err := json.Unmarshal(raw, &figures); err != nil {
			tb.Fatal(err)
		}
	}
	finalFigures := map[string]map[string]json.RawMessage{}
	for key, steps := range figures {
		if len(steps) > 0 {
			last := steps[len(steps)-1]
			delete(last, "Position")
			finalFigures[key] = last
		}
	}
	delete(state, "Figures")
	out, err := json.Marshal(struct {
		State        map[string]json.RawMessage
		HistoryFinal map[string][2]int64
		FiguresFinal map[string]map[string]json.RawMessage
	}{state, final, finalFigures})
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(out)
	return hex.EncodeToString(sum[:])
}
