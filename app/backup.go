package app

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/natsinfra"
)

// A backup is a tar file: manifest.json first, then one entry per stream,
// <stream>.snapshot, the server's own snapshot of it (the format `nats
// stream backup` writes per stream). The manifest names each stream with
// its configuration, its state at the snapshot and the SHA-256 of its entry.
const backupFormat = "jejak-backup/1"

// BackupManifest describes a backup.
type BackupManifest struct {
	Format    string    `json:"format"`
	CreatedAt time.Time `json:"created_at"`
	Version   string    `json:"jejak_version"`
	// EventsPosition is the last commit of the event stream in the backup:
	// every commit acknowledged before the backup began is at or below it.
	EventsPosition uint64         `json:"events_position"`
	Streams        []BackupStream `json:"streams"`
}

// BackupStream is one stream in a backup.
type BackupStream struct {
	Name     string          `json:"name"`
	File     string          `json:"file"`
	Bytes    int64           `json:"bytes"`
	SHA256   string          `json:"sha256"`
	LastSeq  uint64          `json:"last_seq"`
	Config   json.RawMessage `json:"config"`
	State    json.RawMessage `json:"state"`
	Optional bool            `json:"optional,omitempty"`
}

// BackupOptions tune Backup.
type BackupOptions struct {
	// Checkpoints includes the projections' checkpoints (they can be
	// rebuilt from the events; leaving them out makes the backup smaller,
	// the first start after a restore replays everything).
	Checkpoints bool
	Version     string
	// Progress hears each stream as it is saved.
	Progress func(stream string, bytes int64)
}

// checkpointStream is the object store stream of the checkpoints.
const checkpointStream = "OBJ_" + natsinfra.CheckpointBucket

// Backup writes an online backup of every stream of the account (the
// event stream, the KV buckets and object stores) to the file out. Each
// stream is snapshotted by the server while writes go on; the event
// stream first, so the backup's position is fixed before the rest.
func Backup(ctx context.Context, nc *nats.Conn, out string, opts BackupOptions) (BackupManifest, error) {
	names, err := natsinfra.StreamNames(ctx, nc)
	if err != nil {
		return BackupManifest{}, err
	}
	if !slices.Contains(names, eventstore.DefaultStream) {
		return BackupManifest{}, fmt.Errorf("no stream %s here: nothing to back up", eventstore.DefaultStream)
	}
	slices.SortFunc(names, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == eventstore.DefaultStream:
			return -1
		case b == eventstore.DefaultStream:
			return 1
		}
		return strings.Compare(a, b)
	})
	spool, err := os.MkdirTemp(filepath.Dir(out), ".jejak-backup-")
	if err != nil {
		return BackupManifest{}, err
	}
	defer os.RemoveAll(spool)
	m := BackupManifest{Format: backupFormat, CreatedAt: time.Now().UTC(), Version: opts.Version}
	for _, name := range names {
		if name == checkpointStream && !opts.Checkpoints {
			continue
		}
		s, err := snapshotTo(ctx, nc, name, filepath.Join(spool, name+".snapshot"))
		if err != nil {
			return BackupManifest{}, err
		}
		s.Optional = name == checkpointStream
		if name == eventstore.DefaultStream {
			m.EventsPosition = s.LastSeq
		}
		if opts.Progress != nil {
			opts.Progress(name, s.Bytes)
		}
		m.Streams = append(m.Streams, s)
	}
	return m, writeBackup(out, spool, m)
}

func snapshotTo(ctx context.Context, nc *nats.Conn, stream, path string) (BackupStream, error) {
	f, err := os.Create(path)
	if err != nil {
		return BackupStream{}, err
	}
	defer f.Close()
	h := sha256.New()
	counter := &countingWriter{w: io.MultiWriter(f, h)}
	snap, err := natsinfra.SnapshotStream(ctx, nc, stream, counter)
	if err != nil {
		return BackupStream{}, err
	}
	if err := f.Sync(); err != nil {
		return BackupStream{}, err
	}
	return BackupStream{Name: stream, File: stream + ".snapshot", Bytes: counter.n, SHA256: hex.EncodeToString(h.Sum(nil)),
		LastSeq: snap.LastSeq(), Config: snap.Config, State: snap.State}, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeBackup writes the tar: the manifest, then the spooled snapshots;
// through a temporary file renamed at the end, so a failed backup leaves
// no file that looks whole.
func writeBackup(out, spool string, m BackupManifest) error {
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := out + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	defer f.Close()
	tw := tar.NewWriter(f)
	hdr := func(name string, size int64) *tar.Header {
		return &tar.Header{Name: name, Size: size, Mode: 0o600, ModTime: m.CreatedAt, Format: tar.FormatPAX}
	}
	if err := tw.WriteHeader(hdr("manifest.json", int64(len(manifest)))); err != nil {
		return err
	}
	if _, err := tw.Write(manifest); err != nil {
		return err
	}
	for _, s := range m.Streams {
		if err := tw.WriteHeader(hdr(s.File, s.Bytes)); err != nil {
			return err
		}
		src, err := os.Open(filepath.Join(spool, s.File))
		if err != nil {
			return err
		}
		_, err = io.Copy(tw, src)
		src.Close()
		if err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

// ReadBackupManifest reads a backup's manifest and checks every entry
// against its SHA-256.
func ReadBackupManifest(path string) (BackupManifest, error) {
	var m BackupManifest
	err := eachBackupEntry(path, func(hdr *tar.Header, r io.Reader) error {
		if hdr.Name == "manifest.json" {
			if err := json.NewDecoder(r).Decode(&m); err != nil {
				return fmt.Errorf("manifest: %w", err)
			}
			if m.Format != backupFormat {
				return fmt.Errorf("manifest: format %q, want %q", m.Format, backupFormat)
			}
			return nil
		}
		s, ok := m.stream(hdr.Name)
		if !ok {
			return fmt.Errorf("%s is not in the manifest", hdr.Name)
		}
		h := sha256.New()
		n, err := io.Copy(h, r)
		if err != nil {
			return err
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != s.SHA256 || n != s.Bytes {
			return fmt.Errorf("%s: SHA-256 %s (%d bytes), the manifest says %s (%d bytes)", hdr.Name, got, n, s.SHA256, s.Bytes)
		}
		return nil
	})
	if err == nil && m.Format == "" {
		err = errors.New("no manifest.json at the start of the backup")
	}
	return m, err
}

func (m BackupManifest) stream(file string) (BackupStream, bool) {
	for _, s := range m.Streams {
		if s.File == file {
			return s, true
		}
	}
	return BackupStream{}, false
}

func eachBackupEntry(path string, fn func(*tar.Header, io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := fn(hdr, tr); err != nil {
			return err
		}
	}
}

// RestoreOptions tune Restore.
type RestoreOptions struct {
	// Force replaces streams that exist already (deleting them first).
	Force bool
	// Replicas, when set, replaces the replica count of every stream (a
	// single-node backup restored into a three-node cluster).
	Replicas int
	Progress func(stream string)
	// Erasures hears the subjects whose erasure the replaced store had and
	// the backup did not: Restore appends their person.erased again, so
	// that the next start shreds their restored keys (docs/PRIVACY.md).
	Erasures func(subjects []string)
}

// Restore recreates every stream of the backup at path. It checks every
// entry's SHA-256 first, and refuses a store that already holds any of the
// streams unless opts.Force.
func Restore(ctx context.Context, nc *nats.Conn, path string, opts RestoreOptions) (BackupManifest, error) {
	m, err := ReadBackupManifest(path)
	if err != nil {
		return m, err
	}
	existing, err := natsinfra.StreamNames(ctx, nc)
	if err != nil {
		return m, err
	}
	var clash []string
	for _, s := range m.Streams {
		if slices.Contains(existing, s.Name) {
			clash = append(clash, s.Name)
		}
	}
	if len(clash) > 0 && !opts.Force {
		return m, fmt.Errorf("the store is not empty (it has %s); restore into an empty data directory or cluster, or give --force to replace them", strings.Join(clash, ", "))
	}
	var erased []domain.RecordedEvent
	if slices.Contains(clash, eventstore.DefaultStream) {
		// Erasures outlive a restore: the replaced log's are carried over.
		if erased, err = erasuresIn(ctx, nc); err != nil {
			return m, fmt.Errorf("reading the erasures of the store being replaced: %w", err)
		}
	}
	for _, name := range clash {
		if err := natsinfra.DeleteStream(ctx, nc, name); err != nil {
			return m, err
		}
	}
	err = eachBackupEntry(path, func(hdr *tar.Header, r io.Reader) error {
		s, ok := m.stream(hdr.Name)
		if !ok {
			return nil // the manifest
		}
		config := s.Config
		if opts.Replicas > 0 {
			var c map[string]any
			if err := json.Unmarshal(config, &c); err != nil {
				return err
			}
			c["num_replicas"] = opts.Replicas
			if config, err = json.Marshal(c); err != nil {
				return err
			}
		}
		if err := natsinfra.RestoreStream(ctx, nc, s.Name, natsinfra.StreamSnapshot{Config: config, State: s.State}, r); err != nil {
			return err
		}
		if opts.Progress != nil {
			opts.Progress(s.Name)
		}
		return nil
	})
	if err != nil || len(erased) == 0 {
		return m, err
	}
	subjects, err := reappendErasures(ctx, nc, erased)
	if len(subjects) > 0 && opts.Erasures != nil {
		opts.Erasures(subjects)
	}
	return m, err
}

// erasuresIn reads the person.erased events of the event stream on nc.
func erasuresIn(ctx context.Context, nc *nats.Conn) ([]domain.RecordedEvent, error) {
	store, err := openEventStore(ctx, nc)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	var out []domain.RecordedEvent
	_, err = store.ReadType(ctx, domain.AggregatePerson, func(ev domain.RecordedEvent) error {
		if _, ok := ev.Data.(domain.PersonErased); ok {
			out = append(out, ev)
		}
		return nil
	})
	return out, err
}

// reappendErasures appends each erasure the restored log lacks, with its
// original command id, actor and time, and returns their subjects.
func reappendErasures(ctx context.Context, nc *nats.Conn, erased []domain.RecordedEvent) ([]string, error) {
	store, err := openEventStore(ctx, nc)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	var subjects []string
	for _, ev := range erased {
		e := ev.Data.(domain.PersonErased)
		have, err := store.Load(ctx, domain.AggregatePerson, e.Subject, 0)
		if err != nil {
			return subjects, err
		}
		if len(have) > 0 {
			continue // the backup has it
		}
		_, err = store.Append(ctx, domain.Commit{CommandID: ev.CommandID, AggregateType: domain.AggregatePerson, AggregateID: e.Subject,
			Events: []domain.Event{e}, Actor: ev.Actor, OccurredAt: ev.OccurredAt, CorrelationID: ev.CorrelationID})
		if err != nil {
			return subjects, err
		}
		subjects = append(subjects, e.Subject)
	}
	return subjects, nil
}

// openEventStore opens the existing event stream on nc as it is
// configured (its replica count kept).
func openEventStore(ctx context.Context, nc *nats.Conn) (*eventstore.Store, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	stream, err := js.Stream(ctx, eventstore.DefaultStream)
	if err != nil {
		return nil, natsinfra.Translate("open "+eventstore.DefaultStream, err)
	}
	codec, err := eventstore.NewCodec(domain.EventSpecs(), domain.EventUpcasters()...)
	if err != nil {
		return nil, err
	}
	return eventstore.Open(ctx, nc, eventstore.Config{Codec: codec, Replicas: stream.CachedInfo().Config.Replicas})
}
