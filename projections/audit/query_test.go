package audit_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/audit"
)

func TestParseQuery(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	t.Run("reads every parameter", func(t *testing.T) {
		id := uuid.MustParse("0190f3a2-7c4e-7abc-8def-0123456789ab")
		q, err := audit.ParseQuery(audit.Params{Entity: "assessment/2025-64.03", Region: "64.03", Actor: " op-berau ",
			Type: "assessment.answer_submitted, assessment.answer_verified", EventID: id.String(), From: "2025-08-06", To: "2025-08-07T10:00:00Z"})
		if err != nil {
			t.Fatal(err)
		}
		want := audit.Query{EntityType: domain.AggregateAssessment, EntityID: "2025-64.03", Region: "64.03", Actor: "op-berau",
			Types: []string{"assessment.answer_submitted", "assessment.answer_verified"}, EventID: id,
			From: time.Date(2025, 8, 6, 0, 0, 0, 0, wib), To: time.Date(2025, 8, 7, 10, 0, 0, 0, time.UTC)}
		if q.EntityType != want.EntityType || q.EntityID != want.EntityID || q.Region != want.Region || q.Actor != want.Actor ||
			!slices.Equal(q.Types, want.Types) || q.EventID != want.EventID || !q.From.Equal(want.From) || !q.To.Equal(want.To) {
			t.Errorf("got %+v\nwant %+v", q, want)
		}
	})

	t.Run("a date is a whole day in WIB, as for as_of", func(t *testing.T) {
		q, err := audit.ParseQuery(audit.Params{Region: "64.03", From: "2025-08-06", To: "2025-08-06"})
		if err != nil {
			t.Fatal(err)
		}
		if !q.From.Equal(time.Date(2025, 8, 6, 0, 0, 0, 0, wib)) || !q.To.Equal(time.Date(2025, 8, 7, 0, 0, 0, 0, wib).Add(-time.Nanosecond)) {
			t.Errorf("6 August is %v .. %v", q.From, q.To)
		}
	})

	for _, tc := range []struct {
		name   string
		p      audit.Params
		fields []string
	}{
		{"nothing to follow", audit.Params{Type: "innovation.proposed"}, []string{"entity"}},
		{"an entity without an id", audit.Params{Entity: "innovation/"}, []string{"entity"}},
		{"an entity of an unknown type", audit.Params{Entity: "kabupaten/64.03"}, []string{"entity"}},
		{"an unknown region", audit.Params{Region: "99.99"}, []string{"region"}},
		{"an unknown event type", audit.Params{Region: "64.03", Type: "innovation.proposed,innovation.deleted"}, []string{"type"}},
		{"an event id that is no UUID", audit.Params{Region: "64.03", EventID: "nope"}, []string{"event_id"}},
		{"dates that are none", audit.Params{Region: "64.03", From: "kemarin", To: "2025-13-01"}, []string{"from", "to"}},
		{"a window that ends before it starts", audit.Params{Actor: "op", From: "2025-03-01", To: "2025-02-01"}, []string{"to"}},
		{"every problem at once", audit.Params{Entity: "x", Region: "99.99", EventID: "y"}, []string{"entity", "region", "event_id"}},
	} {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			_, err := audit.ParseQuery(tc.p)
			var de *domain.Error
			if !domain.IsCode(err, domain.CodeInvalid) || !errors.As(err, &de) {
				t.Fatalf("got %v, want a CodeInvalid error", err)
			}
			var fields []string
			for _, p := range de.Problems {
				fields = append(fields, p.Field)
			}
			if !slices.Equal(fields, tc.fields) {
				t.Errorf("problems about %v (%v), want %v", fields, de.Problems, tc.fields)
			}
		})
	}
}
