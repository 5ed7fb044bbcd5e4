package api

import (
	"net/http"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/index"
)

// historyStepJSON is one change of a region's IID in a year (riwayat skor).
type historyStepJSON struct {
	Position     uint64           `json:"position"`
	OccurredAt   time.Time        `json:"occurred_at"`
	EventID      string           `json:"event_id"`
	Type         string           `json:"type"`
	Actor        historyActorJSON `json:"actor"`
	Indicator    string           `json:"indicator,omitempty"`
	InnovationID string           `json:"innovation_id,omitempty"`
	Events       int              `json:"events"`
	Verified     beforeAfterJSON  `json:"verified"`
	Provisional  beforeAfterJSON  `json:"provisional"`
}

// historyActorJSON names who made a change; the user is shown only to those
// who may read the audit trail (a person's name is not a published result).
type historyActorJSON struct {
	User string      `json:"user,omitempty"`
	Role domain.Role `json:"role"`
}

type beforeAfterJSON struct {
	Before float64 `json:"before"`
	After  float64 `json:"after"`
}

// getScoreHistory serves every change of a region's verified and
// provisional IID in a year, oldest first. It reads like the score: as_of
// and min_position are honoured and unpublished years need a scoped role.
func (s *Server) getScoreHistory(w http.ResponseWriter, r *http.Request) error {
	year, g, err := pathYearRegion(r)
	if err != nil {
		return err
	}
	ix, pos, live, err := s.resultsAt(r, year, g.Code)
	if err != nil {
		return err
	}
	var steps []index.ScoreStep
	if live {
		steps, err = ix.History(year, g.Code)
	} else {
		steps, err = ix.HistoryAt(year, g.Code, pos)
	}
	if err != nil {
		return err
	}
	auditor := authorize(r, domain.ActionReadAudit, "") == nil
	items := make([]historyStepJSON, 0, len(steps))
	for _, st := range steps {
		a := historyActorJSON{Role: st.Actor.Role}
		if auditor {
			a.User = st.Actor.UserID
		}
		items = append(items, historyStepJSON{Position: st.Position, OccurredAt: st.At, EventID: st.EventID.String(), Type: st.Type,
			Actor: a, Indicator: st.Indicator, InnovationID: st.InnovationID, Events: st.Events,
			Verified:    beforeAfterJSON{Before: st.VerifiedBefore.Float64(), After: st.VerifiedAfter.Float64()},
			Provisional: beforeAfterJSON{Before: st.ProvisionalBefore.Float64(), After: st.ProvisionalAfter.Float64()}})
	}
	writeJSON(w, http.StatusOK, map[string]any{"position": pos, "year": year, "region": g.Code, "items": items})
	return nil
}
