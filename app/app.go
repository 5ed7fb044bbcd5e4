// Package app is Jejak's composition root: the one place that wires the
// event store, the domain service, the projections, the reactors and the
// HTTP API together. cmd/jejak, the API test helpers, the benchmarks and the
// end-to-end tests all start Jejak through it.
package app

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/jejak-id/jejak/api"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/personal"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/export"
	"github.com/jejak-id/jejak/projections/snapshot"
	"github.com/jejak-id/jejak/reactors"
	"github.com/jejak-id/jejak/sampledata"
)

// Config is everything a running Jejak needs; flags and environment fill it.
type Config struct {
	Storage StorageConfig
	Addr    string // HTTP listen address ("127.0.0.1:0" picks a free port)
	Demo    bool   // load demo data into an empty store

	TokenKey string // Ed25519 PEM; default <data>/keys/token-ed25519.pem
	// PersonalKey is the master key of personal data (docs/PRIVACY.md);
	// default <data>/keys/personal-master.key, created on first start. Every
	// replica of a cluster needs the same one (`make credentials`).
	PersonalKey string
	// TokenAcceptKeys are PEM files of further keys whose tokens are
	// accepted (key rotation: the next key before it signs, the previous
	// one until its tokens expire).
	TokenAcceptKeys []string
	// CheckpointEvery is how often the projections' state is saved so a
	// restart resumes instead of replaying everything (default 30s), and
	// CheckpointCommits after how many commits at the latest (default
	// 2000). A checkpoint is also saved right after a start-up replay.
	CheckpointEvery   time.Duration
	CheckpointCommits uint64
	// SnapshotEvery is how often a snapshot of the index is stored (0: only
	// on demand).
	SnapshotEvery time.Duration
	// SealKey is the Merkle log's sealing key (Ed25519, signed-note format);
	// default <data>/keys/seal.key, created on first run with SealOrigin
	// as its name (merklelog.DefaultOrigin when empty).
	SealKey    string
	SealOrigin string
	// SealTrusted are files of public keys whose heads are accepted too
	// (keys the current one replaced); <data>/keys/seal-trusted.pub is read
	// when it exists.
	SealTrusted []string
	// SealEvery is the seal interval (default 10s); SealMaxCommits seals
	// early when that many commits wait (default 10,000). NoSeal turns the
	// Merkle log off.
	SealEvery      time.Duration
	SealMaxCommits uint64
	NoSeal         bool
	// Webhooks is a JSON file of webhook subscribers ([{id,url,secret,types}]); empty: none.
	Webhooks string

	// Version is reported by /healthz and written into exports.
	Version string
	// WaitTimeout bounds how long a read waits for min_position (the API's
	// default when zero); MaxBodyBytes bounds request bodies.
	WaitTimeout  time.Duration
	MaxBodyBytes int64
	// Past bounds time travel (projections.PastConfig; defaults for zero
	// fields); AnonPastPerMinute bounds the past states a visitor without a
	// token may have computed a minute (the API's default when zero).
	Past              projections.PastConfig
	AnonPastPerMinute int
	// EvidenceLimits bound evidence uploads (the API's defaults, 20 MiB a
	// file and 100 MiB a request, when zero).
	EvidenceLimits api.EvidenceLimits
	// NoReactors leaves out the notification and webhook reactors (tests
	// that do not exercise them start faster).
	NoReactors bool
	// Console hears the demo loader's progress lines (nil: nobody).
	Console io.Writer

	Logger *slog.Logger
	Now    func() time.Time
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.Addr == "" {
		errs = append(errs, errors.New("--addr is required"))
	}
	if err := c.Storage.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Past.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Demo && c.Storage.NATS.URL != "" {
		errs = append(errs, errors.New("--demo loads into the embedded store only; drop --nats-url or --demo"))
	}
	return errors.Join(errs...)
}

// App is a running Jejak: the store, the projections and the HTTP server.
// End-to-end tests start one with Start and stop it with Close.
type App struct {
	cfg     Config
	log     *slog.Logger
	storage *Storage
	conn    *nats.Conn
	Store   *eventstore.Store
	Service *domain.Service
	// People seals and opens personal data (the JEJAK_KEYS bucket).
	People *personal.Vault
	Views  *projections.Views
	Tokens *api.Tokens
	// Revocations is the replicated deny list of tokens (jejak token revoke).
	Revocations *natsinfra.Revocations
	Server      *api.Server
	Hub         *api.Hub
	// Metrics is the registry /metrics serves; parts wired later register
	// their collectors on it.
	Metrics *prometheus.Registry

	checkpoints *natsinfra.Blobs
	idempotency *natsinfra.IdempotencyKeys
	// Evidence holds the bytes of evidence files (JEJAK_EVIDENCE).
	Evidence *natsinfra.EvidenceObjects
	// rebuilding is true while the current projection version rebuilds
	// beside the previous one.
	rebuilding atomic.Bool

	Reactors      *reactors.Router
	Notifications *reactors.Notifications
	DeadLetters   *natsinfra.DeadLetters

	extrasMu  sync.Mutex
	snapshots *snapshot.Store
	merkle    *MerkleLog
	// started is closed once the snapshot and export stores and the
	// Merkle log are open.
	started chan struct{}

	// clock times the start-up's steps for the line that says ready.
	clock    *startClock
	listener net.Listener
	http     *http.Server
	handler  atomic.Pointer[handlerBox]
	ready    atomic.Bool // the projections caught up with the start-up head
	cancel   context.CancelFunc
	// stopWatch ends the deny list's watch on Close.
	stopWatch context.CancelFunc
	wg        sync.WaitGroup
	runErr    chan error
}

// Start opens the HTTP port at once, then the store (starting the embedded
// server when no URL is given), loads demo data when asked, restores and
// starts the projections, and returns once they have caught up with the
// store. Until then the port answers /healthz, and /readyz with why it is
// not ready yet.
func Start(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Storage.Replicas == 0 {
		cfg.Storage.Replicas = 1
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Console == nil {
		cfg.Console = io.Discard
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CheckpointEvery <= 0 {
		cfg.CheckpointEvery = 30 * time.Second
	}
	if cfg.CheckpointCommits == 0 {
		cfg.CheckpointCommits = 2000
	}
	a := &App{cfg: cfg, log: cfg.Logger, runErr: make(chan error, 1), started: make(chan struct{}), clock: newStartClock()}
	if err := a.open(ctx); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) open(ctx context.Context) error {
	cfg := a.cfg
	var err error
	// The port opens first: while the store opens and the projections are
	// restored and catch up, /healthz answers 200 and /readyz says why the
	// process is not ready yet.
	if err := a.listen(); err != nil {
		return err
	}
	cfg.Storage.NATS.Logger = a.log
	if err := a.patiently(ctx, "event store", func() (err error) {
		a.storage, err = OpenStorage(ctx, cfg.Storage, func(msg string, args ...any) { a.log.Info(msg, args...) })
		return err
	}); err != nil {
		return err
	}
	a.Store, a.conn = a.storage.Store, a.storage.Conn
	a.clock.mark("event store")
	a.Service = domain.NewService(a.Store, cfg.Now)
	if err := a.patiently(ctx, "personal data keys", func() (err error) {
		a.People, err = OpenPeople(ctx, a.conn, cfg.Storage.Replicas, PersonalKeyPath(cfg.PersonalKey, cfg.Storage.DataDir), nil)
		return err
	}); err != nil {
		return err
	}
	a.Service.People = a.People
	// Erasures in the log (a restored store, a shred cut short) are
	// carried out before anything reads, then followed live.
	var erasedTo uint64
	if err := a.patiently(ctx, "personal data erasures", func() (err error) {
		erasedTo, err = ShredErased(ctx, a.Store, a.People)
		return err
	}); err != nil {
		return fmt.Errorf("personal data erasures: %w", err)
	}
	keyPath := cfg.TokenKey
	if keyPath == "" {
		keyPath = filepath.Join(cfg.Storage.DataDir, "keys", "token-ed25519.pem")
	}
	key, err := api.LoadOrCreateKey(keyPath)
	if err != nil {
		return fmt.Errorf("token signing key: %w", err)
	}
	var accept []ed25519.PublicKey
	for _, path := range cfg.TokenAcceptKeys {
		pub, err := api.LoadPublicKey(path)
		if err != nil {
			return fmt.Errorf("accepted token key: %w", err)
		}
		accept = append(accept, pub)
	}
	if err := a.patiently(ctx, "token deny list", func() (err error) {
		a.Revocations, err = natsinfra.OpenRevocations(ctx, a.conn, cfg.Storage.Replicas)
		return err
	}); err != nil {
		return err
	}
	watchCtx, stopWatch := context.WithCancel(context.Background())
	a.stopWatch = stopWatch
	if err := a.Revocations.Watch(watchCtx); err != nil {
		return fmt.Errorf("token deny list: %w", err)
	}
	a.Tokens = api.NewTokensWith(api.TokenConfig{Signing: key, Accept: accept, Deny: a.Revocations, Now: cfg.Now})
	if err := a.patiently(ctx, "evidence bucket", func() (err error) {
		a.Evidence, err = natsinfra.OpenEvidence(ctx, a.conn, cfg.Storage.Replicas)
		return err
	}); err != nil {
		return err
	}

	a.clock.mark("buckets")
	if cfg.Demo {
		if err := a.loadDemo(ctx); err != nil {
			return err
		}
		a.clock.mark("demo")
	}

	a.Views = a.newViews()
	if err := a.patiently(ctx, "checkpoint bucket", func() (err error) {
		a.checkpoints, err = natsinfra.OpenBlobs(ctx, a.conn, natsinfra.CheckpointBucket, cfg.Storage.Replicas)
		return err
	}); err != nil {
		return err
	}
	previous, err := a.restoreProjections(ctx)
	if err != nil {
		return err
	}
	a.clock.mark("checkpoint restore")
	head, err := a.Store.Head(ctx)
	if err != nil {
		return err
	}
	a.Hub = api.NewHub()
	if err := a.patiently(ctx, "idempotency keys", func() (err error) {
		a.idempotency, err = natsinfra.OpenIdempotencyKeys(ctx, a.conn, cfg.Storage.Replicas, 48*time.Hour)
		return err
	}); err != nil {
		return err
	}
	a.Metrics = a.newRegistry()
	if a.Server, err = a.newServer(a.Views); err != nil {
		return err
	}
	a.Server.CatchUpTo(head)

	runCtx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := FollowErasures(runCtx, a.Store, erasedTo, a.People); err != nil {
			a.log.Error("erasures not followed", "err", err)
		}
	}()
	// Exports and reactors need buckets of their own; creating them can
	// take long on a cluster that is still electing leaders, so they start
	// in the background and never hold up serving.
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.startExtras(runCtx)
	}()
	if previous != nil {
		// The previous projection version serves (and is ready as soon as
		// it has caught up) while the current one rebuilds beside it.
		return a.serveWhileRebuilding(ctx, runCtx, previous, head)
	}
	a.Views.Runner.OnApplied(func(ev domain.RecordedEvent) { a.Hub.Publish(api.NoticeFor(ev)) })
	a.handler.Store(&handlerBox{a.Server})
	// While the projections replay, a checkpoint every catchUpCheckpointCommits
	// commits (or CheckpointEvery) keeps a replay that is cut short from
	// starting over. After a replay longer than readySaveFactor x
	// CheckpointCommits one more is saved right after catching up, before
	// the server says it is ready, so that the next start, however soon,
	// resumes from here. A shorter replay is saved by the live policy in
	// the background as soon as the server is ready (it is already
	// CheckpointCommits or more behind) or at most CheckpointCommits later:
	// at national scale a save takes a second or two, longer than
	// replaying a few thousand commits, so it is not made to hold up the
	// port; a process killed again before that save completes replays a
	// little more next time, never more than readySaveFactor x
	// CheckpointCommits before a save holds it up.
	replayCtx, replayed := context.WithCancel(runCtx)
	saved := make(chan struct{})
	go func() {
		defer close(saved)
		a.Views.RunCheckpoints(replayCtx, a.checkpoints, projections.CheckpointPolicy{
			Interval: cfg.CheckpointEvery, Commits: catchUpCheckpointCommits, FinalAfter: readySaveFactor * cfg.CheckpointCommits, Now: cfg.Now,
			OnError: func(err error) { a.log.Warn("checkpoint not saved", "err", err) },
			OnSaved: func(pos uint64) { a.log.Info("checkpoint saved", "position", pos) },
		})
	}()
	a.clock.mark("server")
	a.runProjections(runCtx, a.Views)
	err = a.catchUp(ctx, a.Views, head)
	replayed()
	<-saved
	if err != nil {
		return err
	}
	a.clock.mark("catch-up")
	a.log.Info("ready", a.clock.attrs()...)
	a.Server.MarkReady()
	a.caughtUp(runCtx)
	return nil
}

// catchUpCheckpointCommits is how often a long start-up replay saves its
// progress (a national-scale replay is about 560,000 commits).
const catchUpCheckpointCommits = 100_000

// readySaveFactor: a start-up replay longer than this many times
// CheckpointCommits is saved before the server says it is ready.
const readySaveFactor = 4

// newServer builds the HTTP API over views.
func (a *App) newServer(views *projections.Views) (*api.Server, error) {
	cfg := a.cfg
	return api.New(api.Config{Store: a.Store, Service: a.Service, People: a.People, Views: views, Tokens: a.Tokens,
		Hub: a.Hub, Idempotency: a.idempotency, Logger: a.log, Version: cfg.Version, Now: cfg.Now, Metrics: a.Metrics,
		WaitTimeout: cfg.WaitTimeout, MaxBodyBytes: cfg.MaxBodyBytes, AnonPastPerMinute: cfg.AnonPastPerMinute,
		Evidence: evidenceStore{a.Evidence}, EvidenceLimits: cfg.EvidenceLimits})
}

// newViews returns empty projections over the store with the configured
// bounds of time travel (validated with the config).
func (a *App) newViews() *projections.Views {
	v := projections.NewViews(a.Store)
	_ = v.ConfigurePast(a.cfg.Past)
	return v
}

// evidenceStore is the API's port over the evidence bucket.
type evidenceStore struct{ *natsinfra.EvidenceObjects }

var _ api.EvidenceStore = evidenceStore{}

func (e evidenceStore) Stage(ctx context.Context, r io.Reader) (api.StagedFile, error) {
	s, err := e.EvidenceObjects.Stage(ctx, r)
	return api.StagedFile{Ticket: s.ID, SHA256: s.SHA256, Size: s.Size}, err
}

func (e evidenceStore) Commit(ctx context.Context, f api.StagedFile) (bool, error) {
	return e.EvidenceObjects.Commit(ctx, natsinfra.StagedEvidence{ID: f.Ticket, SHA256: f.SHA256, Size: f.Size})
}

func (e evidenceStore) Discard(ctx context.Context, f api.StagedFile) error {
	return e.EvidenceObjects.Discard(ctx, natsinfra.StagedEvidence{ID: f.Ticket, SHA256: f.SHA256, Size: f.Size})
}

func (e evidenceStore) Open(ctx context.Context, sum string) (io.ReadSeekCloser, bool, error) {
	r, ok, err := e.EvidenceObjects.Open(ctx, sum)
	if !ok || err != nil {
		return nil, ok, err
	}
	return r, true, nil
}

// runProjections runs views' runner until ctx ends; its failure stops the
// process (Wait returns it).
func (a *App) runProjections(ctx context.Context, views *projections.Views) {
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := views.Runner.Run(ctx); err != nil {
			a.log.Error("projections stopped", "err", err)
			select {
			case a.runErr <- err:
			default:
			}
		}
	}()
}

// caughtUp runs once the live projections have caught up and serve:
// checkpoints by the policy from now on.
func (a *App) caughtUp(runCtx context.Context) {
	cfg := a.cfg
	a.ready.Store(true)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.Views.RunCheckpoints(runCtx, a.checkpoints, projections.CheckpointPolicy{
			Interval: cfg.CheckpointEvery, Commits: cfg.CheckpointCommits, Now: cfg.Now,
			OnError: func(err error) { a.log.Warn("checkpoint not saved", "err", err) },
		})
	}()
}

// handlerBox lets the HTTP server's handler be swapped atomically: the
// starting handler first, the API once it is built.
type handlerBox struct{ http.Handler }

// listen opens the HTTP port with the starting handler (api.Starting).
func (a *App) listen() error {
	var err error
	a.listener, err = net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return err
	}
	a.handler.Store(&handlerBox{api.Starting(a.cfg.Version)})
	a.http = &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.handler.Load().ServeHTTP(w, r) }),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		IdleTimeout: 120 * time.Second, ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelWarn)}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := a.http.Serve(a.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.runErr <- err
		}
	}()
	return nil
}

// catchUp waits until views have applied what the store held at start-up
// (head), logging progress on long replays.
func (a *App) catchUp(ctx context.Context, views *projections.Views, head uint64) error {
	start := time.Now()
	for {
		err := views.Runner.WaitFor(ctx, head, 5*time.Second)
		if err == nil {
			a.log.Info("projections caught up", "position", head, "took", time.Since(start).Round(time.Millisecond))
			return nil
		}
		if !domain.IsCode(err, domain.CodeTimeout) {
			return err
		}
		a.log.Info("projections catching up", "position", views.Runner.Position(), "head", head)
	}
}

// URL is the base URL the server listens on.
func (a *App) URL() string { return "http://" + a.listener.Addr().String() }

// Wait blocks until ctx is done or a component fails.
func (a *App) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-a.runErr:
		return err
	}
}

// Close shuts down gracefully: stop accepting requests, finish those in
// flight (appends complete or fail; nothing half-written), stop the
// projections, then the store and the embedded server.
func (a *App) Close() error {
	if a.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = a.http.Shutdown(ctx)
		cancel()
	}
	if a.cancel != nil {
		a.cancel()
	}
	if a.stopWatch != nil {
		a.stopWatch()
	}
	a.wg.Wait()
	if a.storage != nil {
		a.storage.Close()
	}
	return nil
}

// loadDemo loads the demo data. The loader is idempotent (its command ids
// are fixed): on a store that already holds the whole demo it appends
// nothing, and a load cut off part-way (Ctrl+C, kill -9) resumes where it
// stopped, so every --demo start ends with the full demo.
func (a *App) loadDemo(ctx context.Context) error {
	head, err := a.Store.Head(ctx)
	if err != nil {
		return err
	}
	if head == 0 {
		fmt.Fprintln(a.cfg.Console, "memuat data contoh (loading demo data)...")
	} else {
		fmt.Fprintln(a.cfg.Console, "memeriksa data contoh (checking the demo data is complete)...")
	}
	start := time.Now()
	// the sample documents the demo's answers cite, stored first (once
	// each: a restart finds them there)
	docs, err := sampledata.DemoDocuments()
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	for _, d := range docs {
		if _, err := a.Evidence.Put(ctx, d.SHA256, int64(len(d.Data)), bytes.NewReader(d.Data)); err != nil {
			return fmt.Errorf("demo evidence: %w", err)
		}
	}
	sum, err := sampledata.LoadDemo(ctx, a.Service, sampledata.DemoOptions{})
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	switch {
	case sum.Commits == 0:
		a.log.Info("demo data already loaded", "head", head)
	case head > 0:
		fmt.Fprintf(a.cfg.Console, "data contoh dilengkapi: %d komit yang belum ada ditambahkan dalam %s\n",
			sum.Commits, time.Since(start).Round(time.Millisecond))
	default:
		fmt.Fprintf(a.cfg.Console, "data contoh dimuat: %d daerah, %d inovasi, %d sesi, %d jawaban (%d peristiwa) dalam %s\n",
			sum.Regions, sum.Innovations, sum.Sessions, sum.Answers, sum.Events, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// snapshotOnSchedule stores a snapshot every interval while the index moves.
func (a *App) snapshotOnSchedule(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var last uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if pos := a.Views.Runner.Position(); pos != last {
				info, err := a.Snapshots().Create(ctx, projections.AsOf{})
				if err != nil {
					a.log.Warn("scheduled snapshot failed", "err", err)
					continue
				}
				last = info.Position
				a.log.Info("snapshot stored", "name", info.Name, "sha256", info.SHA256)
			}
		}
	}
}

// startReactors runs the side effects (verifier notifications, webhooks) on
// their own durable consumers; they never hold up the projections.
func (a *App) startReactors(ctx, runCtx context.Context) error {
	var subs []reactors.WebhookSubscriber
	if a.cfg.Webhooks != "" {
		var err error
		if subs, err = reactors.LoadWebhookSubscribers(a.cfg.Webhooks); err != nil {
			return err
		}
	}
	notes, err := natsinfra.OpenRecords(ctx, a.conn, natsinfra.NotificationBucket, a.cfg.Storage.Replicas)
	if err != nil {
		return err
	}
	deliveries, err := natsinfra.OpenRecords(ctx, a.conn, natsinfra.WebhookDeliveryBucket, a.cfg.Storage.Replicas)
	if err != nil {
		return err
	}
	if a.DeadLetters, err = natsinfra.OpenDeadLetters(ctx, a.conn, a.cfg.Storage.Replicas); err != nil {
		return err
	}
	sub, err := eventstore.NewEventSubscriber(a.Store, eventstore.SubscriberConfig{Logger: a.log})
	if err != nil {
		return err
	}
	a.Notifications = reactors.NewNotifications(notes)
	rs := append([]reactors.Reactor{a.Notifications.Reactor()},
		reactors.NewWebhooks(deliveries, nil, a.cfg.Now).Reactors(subs)...)
	a.Reactors, err = reactors.NewRouter(reactors.Config{Subscriber: sub, Decode: sub.Decode,
		DeadLetters: a.DeadLetters, Logger: a.log}, rs...)
	if err != nil {
		return err
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := a.Reactors.Run(runCtx); err != nil {
			a.log.Error("reactors stopped", "err", err)
			select { // runErr holds one error; the projections may have sent theirs
			case a.runErr <- err:
			default:
			}
		}
	}()
	return nil
}

// startExtras opens the snapshot and export stores and starts the reactors,
// retrying until they are available or ctx ends.
func (a *App) startExtras(ctx context.Context) {
	retry := func(what string, fn func() error) bool {
		for wait := time.Second; ; wait = min(2*wait, 30*time.Second) {
			err := fn()
			if err == nil {
				return true
			}
			a.log.Warn(what+" not ready; retrying", "err", err, "in", wait)
			select {
			case <-ctx.Done():
				return false
			case <-time.After(wait):
			}
		}
	}
	// Chunks left by saves and uploads that a crash cut short are removed
	// once, in the background (an evidence upload may take long on a slow
	// link: its chunks get a day).
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		for _, b := range []struct {
			bucket string
			age    time.Duration
		}{{natsinfra.CheckpointBucket, 15 * time.Minute}, {natsinfra.SnapshotBucket, 15 * time.Minute},
			{natsinfra.ExportBucket, 15 * time.Minute}, {natsinfra.EvidenceBucket, 24 * time.Hour}} {
			n, err := natsinfra.SweepOrphanChunks(ctx, a.conn, b.bucket, b.age)
			switch {
			case err != nil && ctx.Err() == nil:
				a.log.Warn("orphaned chunks not swept", "bucket", b.bucket, "err", err)
			case n > 0:
				a.log.Info("orphaned chunks swept", "bucket", b.bucket, "objects", n)
			}
		}
	}()
	// The Merkle log starts on its own: sealing must not wait for the
	// export buckets.
	logReady := make(chan struct{})
	if a.cfg.NoSeal {
		close(logReady)
	} else {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			if retry("Merkle log", func() error { return a.startLog(ctx) }) {
				close(logReady)
			}
		}()
	}
	ok := retry("snapshot and export stores", func() error {
		snapshotBlobs, err := natsinfra.OpenBlobs(ctx, a.conn, natsinfra.SnapshotBucket, a.cfg.Storage.Replicas)
		if err != nil {
			return err
		}
		exportBlobs, err := natsinfra.OpenBlobs(ctx, a.conn, natsinfra.ExportBucket, a.cfg.Storage.Replicas)
		if err != nil {
			return err
		}
		snaps := snapshot.New(snapshotBlobs, a.Views)
		a.extrasMu.Lock()
		a.snapshots = snaps
		if a.merkle != nil { // snapshots record the log's head (see startLog)
			snaps.RecordLogHeads(LogHeadsOf(a.merkle.Heads))
		}
		a.extrasMu.Unlock()
		a.Server.EnableExports(export.NewJobs(export.JobsConfig{Snapshots: snaps, Blobs: exportBlobs,
			JejakVersion: a.cfg.Version, Now: a.cfg.Now, Logger: a.log, Progress: a.Server.ExportProgress}))
		return nil
	})
	if !ok {
		return
	}
	select {
	case <-logReady:
	case <-ctx.Done():
		return
	}
	close(a.started)
	if a.cfg.SnapshotEvery > 0 {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			a.snapshotOnSchedule(ctx, a.cfg.SnapshotEvery)
		}()
	}
	if !a.cfg.NoReactors {
		retry("reactors", func() error { return a.startReactors(ctx, ctx) })
	}
}

// WaitStarted blocks until the parts that start in the background (the
// snapshot and export stores, the Merkle log) are open, or ctx ends.
func (a *App) WaitStarted(ctx context.Context) error {
	select {
	case <-a.started:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Snapshots returns the snapshot service, nil until its store is open.
func (a *App) Snapshots() *snapshot.Store {
	a.extrasMu.Lock()
	defer a.extrasMu.Unlock()
	return a.snapshots
}

// startupPatience bounds how long a start-up step waits for NATS to answer:
// a three-node cluster that has just started places and elects the leaders
// of a dozen replicated streams, which took over a minute on a two-core host.
const startupPatience = 3 * time.Minute

// patiently runs a start-up step again, once a second, while it fails
// because NATS did not answer (CodeUnavailable), for at most
// startupPatience; every retry is logged with the step's name. Any other
// failure ends the start-up at once.
func (a *App) patiently(ctx context.Context, step string, fn func() error) error {
	deadline := time.Now().Add(startupPatience)
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !domain.IsCode(err, domain.CodeUnavailable) || time.Now().After(deadline) {
			return err
		}
		a.log.Warn("start-up step waits for NATS", "step", step, "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Second):
		}
	}
}
