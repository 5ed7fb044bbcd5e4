package domain_test

import (
	"context"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
)

// TestTodayInIndonesia: at 18:00 UTC it is already the next day from WIB to
// WIT. A date left out is WIB's day; that day (and WIT's) is not in the
// future, the day after WIT's is.
func TestTodayInIndonesia(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC) // 01:00 WIB, 03:00 WIT on the 28th
	if got := domain.Today(now); !got.Equal(testsupport.Day("2026-11-28")) {
		t.Fatalf("Today(%s) = %s, want 2026-11-28", now, got)
	}
	s := domain.NewService(MustMemoryStore(t), func() time.Time { return now })
	_, id, err := s.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.01", Details: details()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartTrial(ctx, domain.StageCommand{CommandMeta: meta(operator), InnovationID: id, On: testsupport.Day("2026-11-28")}); err != nil {
		t.Fatalf("a trial started today in Indonesia (2026-11-28, 17:00 on the 27th in UTC): %v", err)
	}
	_, err = s.StartImplementation(ctx, domain.StageCommand{CommandMeta: meta(operator), InnovationID: id, On: testsupport.Day("2026-11-29")})
	wantCode(t, err, domain.CodeInvalid)

	// an hour before midnight WIT, WIT's day is still the 28th
	late := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	s = domain.NewService(MustMemoryStore(t), func() time.Time { return late })
	_, _, err = s.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.01", Details: details(), On: testsupport.Day("2026-11-29")})
	wantCode(t, err, domain.CodeInvalid)
}
