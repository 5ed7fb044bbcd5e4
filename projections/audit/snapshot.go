package audit

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jejak-id/jejak/domain"
)

// auditState is the audit projection's serialised form.
type auditState struct {
	ByRegion map[string][]string // region -> sorted "type/id"
	ByActor  map[string][]string
	Recent   []Entry            // oldest first
	RecentBy map[string][]Entry // per region ("" national), oldest first
	Log      []byte             // the event log (eventLog.encode)
}

func refsOut(m map[string]map[aggregateRef]bool) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, refs := range m {
		list := make([]string, 0, len(refs))
		for r := range refs {
			list = append(list, string(r.Type)+"/"+r.ID)
		}
		slices.Sort(list)
		out[k] = list
	}
	return out
}

func refsIn(m map[string][]string) map[string]map[aggregateRef]bool {
	out := make(map[string]map[aggregateRef]bool, len(m))
	for k, list := range m {
		refs := make(map[aggregateRef]bool, len(list))
		for _, s := range list {
			typ, id, _ := strings.Cut(s, "/")
			refs[aggregateRef{domain.AggregateType(typ), id}] = true
		}
		out[k] = refs
	}
	return out
}

// Snapshot serialises the audit index deterministically.
func (a *Trails) Snapshot() ([]byte, error) {
	a.mu.RLock()
	st := auditState{ByRegion: refsOut(a.byRegion), ByActor: refsOut(a.byActor), Recent: oldestFirst(a.recent),
		RecentBy: make(map[string][]Entry, len(a.recentBy)), Log: a.log.encode()}
	for region, w := range a.recentBy {
		st.RecentBy[region] = oldestFirst(w)
	}
	data, err := json.Marshal(st)
	a.mu.RUnlock()
	return data, err
}

// Restore replaces the audit index with a snapshot.
func (a *Trails) Restore(data []byte) error {
	var st auditState
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("audit restore: %w", err)
	}
	log, err := decodeEventLog(st.Log)
	if err != nil {
		return fmt.Errorf("audit restore: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.log = log
	a.byRegion, a.byActor = refsIn(st.ByRegion), refsIn(st.ByActor)
	a.recent = &window{restored: st.Recent}
	a.recentBy = make(map[string]*window, len(st.RecentBy))
	for region, list := range st.RecentBy {
		a.recentBy[region] = &window{restored: list}
	}
	a.last.valid = false
	return nil
}

func oldestFirst(w *window) []Entry {
	list := w.latest()
	slices.Reverse(list)
	return list
}
