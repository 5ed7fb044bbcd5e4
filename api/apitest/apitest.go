// Package apitest starts a complete Jejak for tests through the composition
// root (package app), exactly as `jejak serve` does: an embedded nats-server
// on file storage in a temporary directory, the event store, the domain
// service with a settable clock, the projections and the HTTP API on a
// loopback port. Everything stops in tb.Cleanup.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api"
	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
	"github.com/jejak-id/jejak/merklelog"
	"github.com/jejak-id/jejak/projections"
)

// Options tune Start. The zero value is a stack whose clock stands at
// DefaultNow and whose reads wait at most one second for min_position.
type Options struct {
	// Now is the initial time of the stack's clock (DefaultNow when zero).
	Now time.Time
	// WaitTimeout bounds min_position waits (default 1s, so that a test of
	// the 504 answer stays quick).
	WaitTimeout time.Duration
	// MaxBodyBytes bounds request bodies (the server's default when zero).
	MaxBodyBytes int64
	// Logger hears the stack's logs, the access log among them (nil: none).
	Logger *slog.Logger
	// Past and AnonPastPerMinute bound time travel (app.Config).
	Past              projections.PastConfig
	AnonPastPerMinute int
	// EvidenceLimits bound evidence uploads (the API's defaults when zero).
	EvidenceLimits api.EvidenceLimits
}

// DefaultNow is 15 May 2025, 09:00 WIB: during penjaringan of a period
// scheduled like Schedule2025.
var DefaultNow = time.Date(2025, 5, 15, 9, 0, 0, 0, time.FixedZone("WIB", 7*3600))

// Stack is a running Jejak for one test: the App and its parts.
type Stack struct {
	*app.App
	tb     testing.TB
	URL    string // the API's base URL
	Client *http.Client
	Clock  *Clock
}

// Clock is a settable clock, safe for concurrent use.
type Clock = testsupport.Clock

// Start starts a stack with default options; see StartWith.
func Start(tb testing.TB) *Stack { return StartWith(tb, Options{}) }

// StartWith starts a stack and registers its shutdown with tb.Cleanup. It
// fails the test when any part does not start.
func StartWith(tb testing.TB, opts Options) *Stack {
	tb.Helper()
	if opts.Now.IsZero() {
		opts.Now = DefaultNow
	}
	if opts.WaitTimeout == 0 {
		opts.WaitTimeout = time.Second
	}
	clock := testsupport.NewClock(opts.Now)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := app.Start(ctx, app.Config{Addr: "127.0.0.1:0", Storage: app.StorageConfig{DataDir: tb.TempDir()},
		Now: clock.Now, Version: "test", WaitTimeout: opts.WaitTimeout, MaxBodyBytes: opts.MaxBodyBytes, NoReactors: true,
		Logger: opts.Logger, Past: opts.Past, AnonPastPerMinute: opts.AnonPastPerMinute, EvidenceLimits: opts.EvidenceLimits})
	if err != nil {
		tb.Fatalf("apitest: start: %v", err)
	}
	tb.Cleanup(func() { _ = a.Close() })
	// Exports open their buckets in the background; tests use them at once.
	if err := a.WaitStarted(ctx); err != nil {
		tb.Fatalf("apitest: start: %v", err)
	}
	return &Stack{App: a, tb: tb, URL: a.URL(), Client: &http.Client{}, Clock: clock}
}

// Token signs a 24-hour token for a user with role and region ("" for
// national scope).
func (s *Stack) Token(user string, role domain.Role, region string) string {
	s.tb.Helper()
	tok, err := s.Tokens.Issue(domain.Actor{UserID: user, Role: role, Region: region}, 24*time.Hour)
	if err != nil {
		s.tb.Fatalf("apitest: issue token for %s/%s: %v", role, user, err)
	}
	return tok
}

// Request is one HTTP call. Body is marshalled as JSON unless it is a
// string or []byte, which are sent as they are.
type Request struct {
	Method string
	Path   string
	Token  string
	Body   any
	Header map[string]string
}

// Response is a read HTTP answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it cannot.
func (r Response) JSON(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("apitest: decode %q: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r Response) Map(tb testing.TB) map[string]any {
	tb.Helper()
	var m map[string]any
	r.JSON(tb, &m)
	return m
}

// Position is the "position" member of a JSON answer (0 when absent).
func (r Response) Position() uint64 {
	var v struct {
		Position uint64 `json:"position"`
	}
	_ = json.Unmarshal(r.Body, &v)
	return v.Position
}

// NewRequest builds the *http.Request of req against the stack.
func (s *Stack) NewRequest(req Request) *http.Request {
	s.tb.Helper()
	var body io.Reader
	switch b := req.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			s.tb.Fatalf("apitest: marshal body: %v", err)
		}
		body = bytes.NewReader(data)
	}
	r, err := http.NewRequest(req.Method, s.URL+req.Path, body)
	if err != nil {
		s.tb.Fatalf("apitest: %s %s: %v", req.Method, req.Path, err)
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if req.Token != "" {
		r.Header.Set("Authorization", "Bearer "+req.Token)
	}
	for k, v := range req.Header {
		r.Header.Set(k, v)
	}
	return r
}

// Do sends req and reads the whole answer.
func (s *Stack) Do(req Request) Response {
	s.tb.Helper()
	return s.Send(s.NewRequest(req))
}

// Send sends an already built request and reads the whole answer.
func (s *Stack) Send(r *http.Request) Response {
	s.tb.Helper()
	res, err := s.Client.Do(r)
	if err != nil {
		s.tb.Fatalf("apitest: %s %s: %v", r.Method, r.URL.Path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		s.tb.Fatalf("apitest: read %s %s: %v", r.Method, r.URL.Path, err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// MustDo sends req and fails the test unless the status is 2xx.
func (s *Stack) MustDo(req Request) Response {
	s.tb.Helper()
	res := s.Do(req)
	if res.Status < 200 || res.Status > 299 {
		s.tb.Fatalf("apitest: %s %s: status %d: %s", req.Method, req.Path, res.Status, res.Body)
	}
	return res
}

// Head is the stream position of the latest commit (0 when empty). Every
// successful append moves it; a refused command leaves it unchanged.
func (s *Stack) Head() uint64 {
	s.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h, err := s.Store.Head(ctx)
	if err != nil {
		s.tb.Fatalf("apitest: head: %v", err)
	}
	return h
}

// EventCount reads the whole store and counts its events.
func (s *Stack) EventCount() int {
	s.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n := 0
	if err := s.Store.Read(ctx, 0, func(domain.RecordedEvent) error { n++; return nil }); err != nil {
		s.tb.Fatalf("apitest: read events: %v", err)
	}
	return n
}

// WaitForProjections blocks until the projections have applied position,
// failing the test after five seconds.
func (s *Stack) WaitForProjections(position uint64) {
	s.tb.Helper()
	if err := s.Views.Runner.WaitFor(context.Background(), position, 5*time.Second); err != nil {
		s.tb.Fatalf("apitest: projections at %d: %v", position, err)
	}
}

// Seal seals a head of the Merkle log at once (whatever the seal
// interval) and returns the latest head, which must hold position.
func (s *Stack) Seal(position uint64) merklelog.Head {
	s.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	log := s.Log()
	if log == nil {
		s.tb.Fatal("apitest: the Merkle log is not running")
	}
	if _, _, err := log.Sealer.SealNow(ctx); err != nil {
		s.tb.Fatalf("apitest: seal: %v", err)
	}
	head, ok, err := log.Heads.Latest(ctx)
	if err != nil || !ok || head.Size < position {
		s.tb.Fatalf("apitest: no head holding position %d after sealing: %+v %v", position, head, err)
	}
	return head
}
