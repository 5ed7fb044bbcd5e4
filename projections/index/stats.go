package index

import (
	"time"

	"github.com/jejak-id/jejak/domain"
)

// Stats are the counts the dashboard charts: the innovation funnel, Bimtek
// activity and the verification queue.
type Stats struct {
	Region string `json:"region,omitempty"`
	Year   int    `json:"year,omitempty"`
	// Stages counts innovations by stage (the funnel).
	Stages map[domain.Stage]int `json:"stages"`
	// ByUnit and ByAffair count innovations by stage per OPD and per affair.
	ByUnit   map[string]map[domain.Stage]int `json:"by_unit"`
	ByAffair map[string]map[domain.Stage]int `json:"by_affair"`
	// Bimtek counts sessions, attendance and distinct participants per
	// month ("2025-08").
	Bimtek map[string]BimtekMonth `json:"bimtek"`
	// Queue counts answers by verification status.
	Queue         map[domain.AnswerStatus]int `json:"queue"`
	OldestPending *time.Time                  `json:"oldest_pending,omitempty"`
	Innovations   int                         `json:"innovations"`
}

// BimtekMonth is Bimtek activity in one month.
type BimtekMonth struct {
	Sessions     int `json:"sessions"`
	Attendance   int `json:"attendance"`
	Participants int `json:"participants"`
}

// Stats counts for one region ("" = national) and year (0 = all years; the
// funnel counts innovations proposed up to the end of that year).
func (x *Index) Stats(region string, year int) Stats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	st := Stats{Region: region, Year: year, Stages: map[domain.Stage]int{}, ByUnit: map[string]map[domain.Stage]int{},
		ByAffair: map[string]map[domain.Stage]int{}, Bimtek: map[string]BimtekMonth{}, Queue: map[domain.AnswerStatus]int{}}
	count := func(m map[string]map[domain.Stage]int, k string, s domain.Stage) {
		if m[k] == nil {
			m[k] = map[domain.Stage]int{}
		}
		m[k][s]++
	}
	for _, inn := range x.state.Innovations {
		if region != "" && inn.Region != region {
			continue
		}
		if year != 0 && inn.ProposedOn.Year() > year {
			continue
		}
		st.Innovations++
		st.Stages[inn.Stage]++
		if region != "" {
			count(st.ByUnit, inn.Unit, inn.Stage)
		}
		count(st.ByAffair, string(inn.Affair), inn.Stage)
	}
	for _, s := range x.state.Sessions {
		if (region != "" && s.Region != region) || (year != 0 && s.Date.Year() != year) {
			continue
		}
		month := s.Date.UTC().Format("2006-01")
		m := st.Bimtek[month]
		m.Sessions++
		m.Attendance += len(s.Attendees)
		people := map[string]bool{}
		for _, a := range s.Attendees {
			people[a.person()] = true
		}
		m.Participants += len(people)
		st.Bimtek[month] = m
	}
	for _, a := range x.state.Assessments {
		if (region != "" && a.Region != region) || (year != 0 && a.Year != year) {
			continue
		}
		for _, ans := range a.Answers {
			st.Queue[ans.Status]++
			if ans.Status == domain.AnswerPending && (st.OldestPending == nil || ans.SubmittedAt.Before(*st.OldestPending)) {
				t := ans.SubmittedAt
				st.OldestPending = &t
			}
		}
	}
	return st
}
