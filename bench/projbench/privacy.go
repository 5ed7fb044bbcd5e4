package projbench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/sampledata"
)

// PrivacyReport compares, in one run, the rebuild of a store whose
// attendance is sealed (issue 20) with the rebuild of the same history
// whose attendance fields are stored in clear, in the same event shape.
type PrivacyReport struct {
	Options Options
	Events  int // events in each store
	// Attendees recorded (each sealed with its subject's key).
	Attendees int
	// Rebuild rates (events/s, medians of interleaved rounds) and their
	// ratio sealed / plain; StreamMiB the event stream's size on disk.
	PlainRate, SealedRate, Ratio float64
	PlainSecs, SealedSecs        float64
	PlainMiB, SealedMiB          float64
	// OpenSecs is the time to open every attendee of every session once
	// (key fetched from JEJAK_KEYS, unwrapped, fields decrypted), as the
	// API does for the region's operators; OpenedPerSec its rate.
	OpenSecs, OpenedPerSec float64
}

// RunPrivacy generates the same history twice, into two embedded servers:
// once with the attendees sealed by a vault on JEJAK_KEYS, once with a
// baseline port that writes the same fields in clear, and rebuilds both,
// interleaved, o.Rounds times each.
func RunPrivacy(ctx context.Context, o Options, w io.Writer) (PrivacyReport, error) {
	o = o.withDefaults()
	rep := PrivacyReport{Options: o}
	dir := o.DataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "jejak-privacybench-")
		if err != nil {
			return rep, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	plainSt, err := app.OpenStorage(ctx, app.StorageConfig{DataDir: filepath.Join(dir, "plain"), Replicas: 1}, nil)
	if err != nil {
		return rep, err
	}
	defer plainSt.Close()
	sealedSt, err := app.OpenStorage(ctx, app.StorageConfig{DataDir: filepath.Join(dir, "sealed"), Replicas: 1}, nil)
	if err != nil {
		return rep, err
	}
	defer sealedSt.Close()
	vault, err := app.OpenPeople(ctx, sealedSt.Conn, 1, app.PersonalKeyPath("", filepath.Join(dir, "sealed")), nil)
	if err != nil {
		return rep, err
	}
	for _, side := range []struct {
		name   string
		st     *app.Storage
		people domain.PersonalData
	}{{"plain", plainSt, &plainPeople{}}, {"sealed", sealedSt, vault}} {
		start := time.Now()
		sum, err := sampledata.Generate(ctx, side.st.Store, sampledata.GenerateOptions{Seed: o.Seed, Scale: o.Scale, People: side.people, Progress: o.Progress})
		if err != nil {
			return rep, err
		}
		rep.Events = sum.Events
		fmt.Fprintf(w, "generated %d events (%s attendance) in %.1fs\n", sum.Events, side.name, time.Since(start).Seconds())
	}
	var plain, sealed, plainSecs, sealedSecs []float64
	var views *projections.Views
	rebuildOnce := func(st *app.Storage) (*projections.Views, float64, float64, error) {
		runtime.GC()
		t := time.Now()
		v := projections.NewViews(st.Store)
		var events int
		v.Runner.OnApplied(func(domain.RecordedEvent) { events++ })
		if err := v.Runner.CatchUp(ctx); err != nil {
			return nil, 0, 0, err
		}
		d := time.Since(t).Seconds()
		return v, float64(events) / d, d, nil
	}
	for range o.Rounds {
		_, rate, d, err := rebuildOnce(plainSt)
		if err != nil {
			return rep, err
		}
		plain, plainSecs = append(plain, rate), append(plainSecs, d)
		v, rate, d, err := rebuildOnce(sealedSt)
		if err != nil {
			return rep, err
		}
		sealed, sealedSecs = append(sealed, rate), append(sealedSecs, d)
		views = v
	}
	rep.PlainRate, rep.SealedRate = median(plain), median(sealed)
	rep.PlainSecs, rep.SealedSecs = median(plainSecs), median(sealedSecs)
	rep.Ratio = rep.SealedRate / rep.PlainRate
	for _, side := range []struct {
		st  *app.Storage
		dst *float64
	}{{plainSt, &rep.PlainMiB}, {sealedSt, &rep.SealedMiB}} {
		js, err := jetstream.New(side.st.Conn)
		if err != nil {
			return rep, err
		}
		stream, err := js.Stream(ctx, eventstore.DefaultStream)
		if err != nil {
			return rep, err
		}
		*side.dst = float64(stream.CachedInfo().State.Bytes) / (1 << 20)
	}

	start := time.Now()
	for _, s := range views.Index.Sessions("", 0) {
		sess, err := views.Index.Session(s.ID)
		if err != nil {
			return rep, err
		}
		for _, a := range sess.Attendees {
			if _, err := vault.Open(ctx, a.Sealed); err != nil {
				return rep, fmt.Errorf("opening an attendee of session %s: %w", s.ID, err)
			}
			rep.Attendees++
		}
	}
	rep.OpenSecs = time.Since(start).Seconds()
	rep.OpenedPerSec = float64(rep.Attendees) / rep.OpenSecs
	fmt.Fprintf(w, "rebuild with sealed attendance %.0f events/s (%.1fs) vs in clear %.0f events/s (%.1fs): ratio %.2fx (target >= 0.9x); "+
		"stream %.1f MiB vs %.1f MiB; opening all %d attendees once %.2fs (%.0f/s)\n",
		rep.SealedRate, rep.SealedSecs, rep.PlainRate, rep.PlainSecs, rep.Ratio, rep.SealedMiB, rep.PlainMiB, rep.Attendees, rep.OpenSecs, rep.OpenedPerSec)
	return rep, nil
}

// plainPeople is the baseline of the comparison: the event shape of sealed
// attendance (a subject, an NIP hash, the four fields) with the fields in
// clear. Benchmarks only: it protects nothing.
type plainPeople struct{ subjects sync.Map }

func (pp *plainPeople) Seal(_ context.Context, p domain.Participant) (domain.Attendee, error) {
	sum := sha256.Sum256([]byte(p.NIP))
	subject, _ := pp.subjects.LoadOrStore(p.NIP, uuid.Must(uuid.NewV7()).String())
	return domain.Attendee{Subject: subject.(string), NIPHash: hex.EncodeToString(sum[:]),
		Name: domain.Sealed(p.Name), NIP: domain.Sealed(p.NIP), Position: domain.Sealed(p.Position), Contact: domain.Sealed(p.Contact),
		Unit: p.Unit, Role: p.Role, Region: p.Region}, nil
}

func (*plainPeople) Open(_ context.Context, a domain.Attendee) (domain.PersonalFields, error) {
	return domain.PersonalFields{Name: string(a.Name), NIP: string(a.NIP), Position: string(a.Position), Contact: string(a.Contact)}, nil
}

func (*plainPeople) Known(context.Context, string) (bool, error) { return true, nil }
func (*plainPeople) Shred(context.Context, string) error         { return nil }
