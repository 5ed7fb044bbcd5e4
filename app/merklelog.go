package app

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"

	"github.com/nats-io/nats.go"
	"golang.org/x/mod/sumdb/note"

	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/merklelog"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/projections/kemendagri"
	"github.com/jejak-id/jejak/projections/snapshot"
)

// MerkleLog is the running Merkle log: the tree following the stream, the
// sealer, and what reads heads and builds proofs.
type MerkleLog struct {
	Tree   *merklelog.Tree
	Sealer *merklelog.Sealer
	Heads  *merklelog.Heads
	Prover *merklelog.Prover
	Key    merklelog.SigningKey
}

// Default key files in <data>/keys.
const (
	sealKeyFile     = "seal.key"         // private, note format
	sealTrustedFile = "seal-trusted.pub" // optional: public keys of replaced sealing keys
)

// SealKeyPath is where the sealing key is by default.
func SealKeyPath(dataDir string) string { return filepath.Join(dataDir, "keys", sealKeyFile) }

// TrustedSealKeys returns the public keys heads are checked with: the key
// file given (or <data>/keys/seal.pub) and <data>/keys/seal-trusted.pub if
// it exists, plus extra files.
func TrustedSealKeys(dataDir string, keyFiles ...string) ([]note.Verifier, error) {
	if len(keyFiles) == 0 {
		keyFiles = []string{merklelog.PublicKeyPath(SealKeyPath(dataDir))}
	}
	if p := filepath.Join(dataDir, "keys", sealTrustedFile); fileExists(p) {
		keyFiles = append(keyFiles, p)
	}
	return merklelog.LoadPublicKeys(keyFiles...)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// OpenLogStores opens the tiles bucket and the seals stream on conn.
func OpenLogStores(ctx context.Context, conn *nats.Conn, replicas int) (*natsinfra.Tiles, *natsinfra.Seals, error) {
	tiles, err := natsinfra.OpenTiles(ctx, conn, replicas)
	if err != nil {
		return nil, nil, err
	}
	seals, err := natsinfra.OpenSeals(ctx, conn, replicas)
	if err != nil {
		return nil, nil, err
	}
	return tiles, seals, nil
}

// ReadRaw adapts the store's raw replay (up to its head) to the Merkle log.
func ReadRaw(store *eventstore.Store) merklelog.Follow {
	return func(ctx context.Context, after uint64, fn func(merklelog.Commit) error) error {
		return store.ReadRaw(ctx, after, func(c eventstore.RawCommit) error {
			return fn(merklelog.Commit{Position: c.Position, Subject: c.Subject, Header: c.Header, Payload: c.Data})
		})
	}
}

// ReadRawDirect adapts the store's batched direct gets (the sealer's
// catch-ups) to the Merkle log.
func ReadRawDirect(store *eventstore.Store) merklelog.Follow {
	return func(ctx context.Context, after uint64, fn func(merklelog.Commit) error) error {
		return store.ReadRawDirect(ctx, after, func(c eventstore.RawCommit) error {
			return fn(merklelog.Commit{Position: c.Position, Subject: c.Subject, Header: c.Header, Payload: c.Data})
		})
	}
}

// OfferTo adapts Tree.Offer to eventstore.Store.TapRaw.
func OfferTo(tree *merklelog.Tree) func(eventstore.RawCommit) {
	return func(c eventstore.RawCommit) {
		tree.Offer(merklelog.Commit{Position: c.Position, Subject: c.Subject, Header: c.Header, Payload: c.Data})
	}
}

// CanonicalCommit returns the canonical bytes of the commit at a position.
func CanonicalCommit(store *eventstore.Store) func(ctx context.Context, position uint64) ([]byte, error) {
	return func(ctx context.Context, position uint64) ([]byte, error) {
		c, err := store.GetRaw(ctx, position)
		if err != nil {
			return nil, err
		}
		return merklelog.AppendCanonical(nil, merklelog.Commit{Position: c.Position, Subject: c.Subject,
			Header: c.Header, Payload: c.Data}), nil
	}
}

// startLog opens the log's stores, restores the tree from the latest
// signed head and runs the sealer until ctx ends. The log reads the stream
// and writes tiles and heads on a connection of its own, so that its batch
// reads never delay the acknowledgements of appends.
func (a *App) startLog(ctx context.Context) (err error) {
	cfg := a.cfg
	reader, conn, closeReader, err := a.storage.Reader(ctx, cfg.Storage)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			closeReader()
		}
	}()
	tiles, seals, err := OpenLogStores(ctx, conn, a.storage.Replicas)
	if err != nil {
		return err
	}
	keyPath := cfg.SealKey
	if keyPath == "" {
		keyPath = SealKeyPath(cfg.Storage.DataDir)
	}
	key, err := merklelog.LoadOrCreateKey(keyPath, cfg.SealOrigin)
	if err != nil {
		return err
	}
	trusted := []note.Verifier{key.Verifier}
	if extra, err := TrustedSealKeys(cfg.Storage.DataDir, cfg.SealTrusted...); err == nil {
		trusted = append(trusted, extra...)
	} else if len(cfg.SealTrusted) > 0 {
		return err
	}
	heads := merklelog.NewHeads(seals, trusted)
	tree := merklelog.NewTree(tiles, 1024)
	if latest, ok, err := heads.Latest(ctx); err != nil {
		return err
	} else if ok {
		if err := tree.Restore(ctx, latest); err != nil {
			return err
		}
	}
	// The tree hashes what the projections read (Fed): the sealer reads
	// the stream itself only to fill what they have not offered.
	sealer, err := merklelog.NewSealer(tree, seals, heads, merklelog.SealerConfig{Key: key, Interval: cfg.SealEvery,
		Head: reader.Head, Read: ReadRawDirect(reader), Fed: true,
		MaxCommits: cfg.SealMaxCommits, OnError: func(err error) { a.log.Warn("seal not written", "err", err) }})
	if err != nil {
		return err
	}
	a.Store.TapRaw(OfferTo(tree))
	log := &MerkleLog{Tree: tree, Sealer: sealer, Heads: heads, Prover: merklelog.NewProver(tiles, 8192), Key: key}
	a.Server.EnableLog(heads, log.Prover, CanonicalCommit(a.Store))
	a.extrasMu.Lock()
	a.merkle = log
	if a.snapshots != nil { // or startExtras does it when the snapshot store opens
		a.snapshots.RecordLogHeads(LogHeadsOf(heads))
	}
	a.extrasMu.Unlock()
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer closeReader()
		defer a.Store.TapRaw(nil)
		sealer.Run(ctx)
	}()
	return nil
}

// Log returns the Merkle log, nil until it has started (or when it is off).
func (a *App) Log() *MerkleLog {
	a.extrasMu.Lock()
	defer a.extrasMu.Unlock()
	return a.merkle
}

// Conn is the NATS connection the app runs on (tests reach the streams
// through it).
func (a *App) Conn() *nats.Conn { return a.conn }

// LogHeadsOf finds, for a snapshot at a position, the first signed head
// that holds it (or the latest one).
func LogHeadsOf(heads *merklelog.Heads) snapshot.LogHeads {
	return func(ctx context.Context, position uint64) (kemendagri.LogHead, bool, error) {
		h, ok, err := heads.Covering(ctx, position)
		if err != nil || !ok {
			return kemendagri.LogHead{}, false, err
		}
		return kemendagri.LogHead{Number: h.Number, Size: h.Size, Root: hex.EncodeToString(h.Root), Checkpoint: string(h.Checkpoint)}, true, nil
	}
}
