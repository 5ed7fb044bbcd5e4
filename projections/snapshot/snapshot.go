// Package snapshot keeps snapshots of the index: its state at a stream
// position, serialised deterministically, gzip-compressed in an object
// store bucket with its SHA-256 and metadata. Exports are built from
// snapshots, and past states (as-of reads) start from the nearest one.
package snapshot

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/projections/kemendagri"
)

// Blobs stores snapshots with their metadata (the eventstore
// package implements it on a JetStream object store bucket).
type Blobs interface {
	PutMeta(ctx context.Context, name string, data []byte, meta map[string]string) error
	Get(ctx context.Context, name string) ([]byte, bool, error)
	// Metadata returns the metadata of every stored blob, by name.
	Metadata(ctx context.Context) (map[string]map[string]string, error)
}

// Info describes a stored snapshot of the index. SHA256 and Size
// are of the serialised state; the stored object is that, gzip-compressed.
type Info struct {
	Name         string    `json:"name"`
	Position     uint64    `json:"position"`
	Time         time.Time `json:"time"` // occurred-at of the commit at Position
	SHA256       string    `json:"sha256"`
	Size         int       `json:"size"`
	IndexVersion int       `json:"index_version"`
	Catalogues   []string  `json:"catalogues"`
	// Encoding of the stored object: "gzip", or "" for plain JSON.
	Encoding string `json:"encoding,omitempty"`
	// LogHead is the signed head of the Merkle log the snapshot was built
	// at: the first head that holds Position, or the latest one when none
	// does yet (nil when the log is not running).
	LogHead *kemendagri.LogHead `json:"log_head,omitempty"`
}

// LogHeads finds the signed head recorded with a snapshot at a position
// (package app wires the Merkle log in); ok is false when there is none.
type LogHeads func(ctx context.Context, position uint64) (head kemendagri.LogHead, ok bool, err error)

// Store takes, stores and loads snapshots of the index: its state at a
// stream position, serialised deterministically. Exports are built from
// snapshots, so the same snapshot always gives the same bytes. Safe for
// concurrent use.
type Store struct {
	blobs Blobs
	views *projections.Views

	mu    sync.Mutex
	heads LogHeads
}

// RecordLogHeads makes the snapshots taken from now on record the Merkle
// log's head.
func (s *Store) RecordLogHeads(heads LogHeads) {
	s.mu.Lock()
	s.heads = heads
	s.mu.Unlock()
}

// New returns a snapshot service over views. Past states that
// views replays start from the nearest stored snapshot from then on.
func New(blobs Blobs, views *projections.Views) *Store {
	s := &Store{blobs: blobs, views: views}
	views.StartFrom(s.nearest)
	return s
}

// nearest loads the latest readable snapshot at or before position and
// after after (nil when there is none).
func (s *Store) nearest(ctx context.Context, after, position uint64) (*index.Index, uint64, error) {
	all, err := s.List(ctx)
	if err != nil {
		return nil, 0, err
	}
	var errs []error
	for i := len(all) - 1; i >= 0; i-- {
		info := all[i]
		if info.Position <= after {
			break // the caller has a nearer start
		}
		if info.Position > position || info.IndexVersion != index.Version {
			continue
		}
		ix, err := s.Load(ctx, info)
		if err == nil {
			return ix, info.Position, nil
		}
		errs = append(errs, err) // an unreadable snapshot: try an older one
	}
	return nil, 0, errors.Join(errs...)
}

func snapshotName(position uint64) string { return fmt.Sprintf("index-%020d", position) }

// Create stores a snapshot of the index at asOf (an existing snapshot of
// that position is reused) and returns its description.
func (s *Store) Create(ctx context.Context, asOf projections.AsOf) (Info, error) {
	info, _, err := s.CreateIndex(ctx, asOf)
	return info, err
}

// CreateIndex stores a snapshot and also returns the index restored from it (nil
// when an existing snapshot was reused).
func (s *Store) CreateIndex(ctx context.Context, asOf projections.AsOf) (Info, *index.Index, error) {
	pos := s.views.Position(asOf)
	info, ok, err := s.Lookup(ctx, snapshotName(pos))
	if err != nil {
		return Info{}, nil, err
	}
	if ok && info.IndexVersion == index.Version && info.Encoding == "gzip" {
		return info, nil, nil // reuse; an older format is replaced below
	}
	data, ix, err := s.take(ctx, pos)
	if err != nil {
		return Info{}, nil, err
	}
	if ix == nil { // the live index moves on: work from a copy
		ix = index.New()
		if err := ix.Restore(data); err != nil {
			return Info{}, nil, err
		}
	}
	sum := sha256.Sum256(data)
	info = Info{Name: snapshotName(pos), Position: pos, Time: s.views.Timeline.TimeAt(pos),
		SHA256: hex.EncodeToString(sum[:]), Size: len(data), IndexVersion: index.Version}
	for _, p := range ix.Years() {
		info.Catalogues = append(info.Catalogues, p.CatalogueVersion)
	}
	meta := map[string]string{"position": strconv.FormatUint(pos, 10), "time": info.Time.Format(time.RFC3339Nano),
		"sha256": info.SHA256, "size": strconv.Itoa(len(data)), "index_version": strconv.Itoa(index.Version),
		"catalogues": strings.Join(info.Catalogues, ",")}
	s.mu.Lock()
	heads := s.heads
	s.mu.Unlock()
	if heads != nil {
		// A head that cannot be read only leaves the snapshot without one.
		if h, ok, err := heads(ctx, pos); err == nil && ok {
			info.LogHead = &h
			meta["log_head_number"], meta["log_head_size"] = strconv.FormatUint(h.Number, 10), strconv.FormatUint(h.Size, 10)
			meta["log_head_root"], meta["log_checkpoint"] = h.Root, h.Checkpoint
		}
	}
	packed, err := gzipBytes(data)
	if err != nil {
		return Info{}, nil, err
	}
	meta["encoding"] = "gzip"
	info.Encoding = "gzip"
	if err := s.blobs.PutMeta(ctx, info.Name, packed, meta); err != nil {
		return Info{}, nil, fmt.Errorf("store snapshot %s (%d bytes compressed from %d): %w", info.Name, len(packed), len(data), err)
	}
	return info, ix, nil
}

// gzipBytes compresses deterministically (no name, no time in the header):
// the snapshot's JSON shrinks about tenfold, which keeps national-scale
// snapshots a few dozen MiB in the object store.
func gzipBytes(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// take serialises the index at pos: the live index between two commits
// when pos is where it stands, a past one otherwise. The past index is
// returned too (it no longer changes); the live one is not.
func (s *Store) take(ctx context.Context, pos uint64) ([]byte, *index.Index, error) {
	var data []byte
	live := false
	err := s.views.Runner.Exclusive(func(current uint64) error {
		if current != pos {
			return nil
		}
		live = true
		var err error
		data, err = s.views.Index.Snapshot()
		return err
	})
	if err != nil || live {
		return data, nil, err
	}
	ix, _, err := s.views.IndexAt(ctx, projections.AsOf{Position: pos})
	if err != nil {
		return nil, nil, err
	}
	data, err = ix.Snapshot()
	if ix == s.views.Index {
		ix = nil // never the live index, even if the runner were behind pos
	}
	return data, ix, err
}

// Lookup describes one snapshot; ok is false when there is none.
func (s *Store) Lookup(ctx context.Context, name string) (Info, bool, error) {
	all, err := s.List(ctx)
	if err != nil {
		return Info{}, false, err
	}
	for _, info := range all {
		if info.Name == name {
			return info, true, nil
		}
	}
	return Info{}, false, nil
}

// List describes the stored snapshots, oldest position first.
func (s *Store) List(ctx context.Context) ([]Info, error) {
	metas, err := s.blobs.Metadata(ctx)
	if err != nil {
		return nil, err
	}
	var out []Info
	for name, m := range metas {
		if !strings.HasPrefix(name, "index-") {
			continue
		}
		info := Info{Name: name, SHA256: m["sha256"]}
		info.Position, _ = strconv.ParseUint(m["position"], 10, 64)
		info.Time, _ = time.Parse(time.RFC3339Nano, m["time"])
		info.Size, _ = strconv.Atoi(m["size"])
		info.IndexVersion, _ = strconv.Atoi(m["index_version"])
		info.Encoding = m["encoding"]
		if m["catalogues"] != "" {
			info.Catalogues = strings.Split(m["catalogues"], ",")
		}
		if m["log_checkpoint"] != "" {
			h := kemendagri.LogHead{Root: m["log_head_root"], Checkpoint: m["log_checkpoint"]}
			h.Number, _ = strconv.ParseUint(m["log_head_number"], 10, 64)
			h.Size, _ = strconv.ParseUint(m["log_head_size"], 10, 64)
			info.LogHead = &h
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b Info) int { return cmp.Compare(a.Position, b.Position) })
	return out, nil
}

// Load restores a snapshot into a new index, checking its SHA-256.
func (s *Store) Load(ctx context.Context, info Info) (*index.Index, error) {
	if info.IndexVersion != index.Version {
		return nil, fmt.Errorf("snapshot %s is of index version %d, this Jejak reads %d", info.Name, info.IndexVersion, index.Version)
	}
	data, ok, err := s.blobs.Get(ctx, info.Name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, domain.Errorf(domain.CodeNotFound, "no snapshot %s", info.Name)
	}
	if info.Encoding == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", info.Name, err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", info.Name, err)
		}
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != info.SHA256 {
		return nil, fmt.Errorf("snapshot %s does not match its SHA-256", info.Name)
	}
	ix := index.New()
	return ix, ix.Restore(data)
}

// Views returns the projections the snapshots are taken of.
func (s *Store) Views() *projections.Views { return s.views }
