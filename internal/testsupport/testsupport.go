// Package testsupport holds what Jejak's tests share: the real storage (an
// embedded nats-server on file storage in a temporary directory, opened
// through the composition root), a settable clock, the 2025 calendar, and
// the usual actors. It is imported by _test packages only.
package testsupport

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/personal"
)

// MustStorage opens the event store on an embedded nats-server with file
// storage in a fresh temporary directory, exactly as `jejak serve` does, and
// closes it when the test ends.
func MustStorage(tb testing.TB) *app.Storage {
	tb.Helper()
	return MustStorageIn(tb, tb.TempDir())
}

// MustStorageIn is MustStorage on a given data directory (to reopen the
// same files after a restart).
func MustStorageIn(tb testing.TB, dir string) *app.Storage {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := app.OpenStorage(ctx, app.StorageConfig{DataDir: dir, Replicas: 1}, nil)
	if err != nil {
		tb.Fatalf("testsupport: open storage: %v", err)
	}
	tb.Cleanup(st.Close)
	return st
}

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Day parses a date (2025-06-20) as midnight UTC; it panics on a typo, which
// is a bug in the test.
func Day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Schedule2025 is the real calendar of the 2025 assessment (docs/DOMAIN.md §7.2):
// penjaringan 20 June to 23 August, pleno on 26 November, the award on 9
// December.
func Schedule2025() []domain.PhaseWindow {
	return []domain.PhaseWindow{
		{Phase: domain.PhasePenjaringan, Start: Day("2025-06-20"), End: Day("2025-08-23")},
		{Phase: domain.PhasePengukuran, Start: Day("2025-09-01"), End: Day("2025-10-31")},
		{Phase: domain.PhasePresentasi, Start: Day("2025-11-04"), End: Day("2025-11-06")},
		{Phase: domain.PhaseValidasiLapangan, Start: Day("2025-11-11"), End: Day("2025-11-21")},
		{Phase: domain.PhasePleno, Start: Day("2025-11-26"), End: Day("2025-11-26")},
		{Phase: domain.PhasePublished, Start: Day("2025-12-09"), End: Day("2025-12-31")},
	}
}

// The usual actors.
var (
	Admin       = domain.Actor{UserID: "admin", Role: domain.RoleAdmin}
	Coordinator = domain.Actor{UserID: "kemendagri", Role: domain.RoleCoordinator}
	Verifier    = domain.Actor{UserID: "verifikator", Role: domain.RoleVerifier}
	Auditor     = domain.Actor{UserID: "auditor", Role: domain.RoleAuditor}
)

// Operator is the operator of a region.
func Operator(region string) domain.Actor {
	return domain.Actor{UserID: "operator." + region, Role: domain.RoleOperator, Region: region}
}

// CommandIDs hands out distinct, deterministic command ids.
type CommandIDs struct {
	mu sync.Mutex
	n  uint64
}

// Next returns the next command id.
func (c *CommandIDs) Next() uuid.UUID {
	c.mu.Lock()
	c.n++
	n := c.n
	c.mu.Unlock()
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte{byte(n >> 56), byte(n >> 48), byte(n >> 40), byte(n >> 32), byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

// People is a vault of personal data keys in memory (a random master key),
// for services that record attendance in tests.
func People() *personal.Vault { return personal.Ephemeral() }
