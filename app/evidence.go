package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/projections/kemendagri"
)

// EvidenceProblem is an evidence file the history cites whose bytes are
// missing from JEJAK_EVIDENCE or do not hash to its name.
type EvidenceProblem struct {
	SHA256  string
	Missing bool
	Got     string // the hash of the stored bytes (when not Missing)
	Size    int64
}

// EvidenceCheck is what VerifyEvidence found.
type EvidenceCheck struct {
	Referenced int   // distinct files cited by any answer in the history
	Bytes      int64 // bytes re-hashed
	Problems   []EvidenceProblem
}

// ReferencedEvidence reads the whole history and returns the hashes of every
// evidence file an answer ever cited (every revision), sorted.
func ReferencedEvidence(ctx context.Context, s *Storage) ([]string, error) {
	seen := map[string]bool{}
	err := s.Store.Read(ctx, 0, func(ev domain.RecordedEvent) error {
		if a, ok := ev.Data.(domain.AnswerSubmitted); ok {
			for _, h := range a.Evidence.Files {
				seen[h] = true
			}
		}
		return nil
	})
	out := make([]string, 0, len(seen))
	for h := range seen {
		out = append(out, h)
	}
	slices.Sort(out)
	return out, err
}

// VerifyEvidence re-hashes the stored bytes of every evidence file the
// history cites, workers at a time (4 when 0), and reports each that is
// missing or whose bytes changed. progress, if set, hears each file done.
func VerifyEvidence(ctx context.Context, s *Storage, workers int, progress func(done, total int)) (EvidenceCheck, error) {
	refs, err := ReferencedEvidence(ctx, s)
	if err != nil {
		return EvidenceCheck{}, err
	}
	objects, err := natsinfra.OpenEvidence(ctx, s.Conn, s.Replicas)
	if err != nil {
		return EvidenceCheck{}, err
	}
	return RehashEvidence(ctx, objects, refs, workers, progress)
}

// RehashEvidence re-hashes the objects named sums.
func RehashEvidence(ctx context.Context, objects *natsinfra.EvidenceObjects, sums []string, workers int, progress func(done, total int)) (EvidenceCheck, error) {
	if workers <= 0 {
		workers = 4
	}
	res := EvidenceCheck{Referenced: len(sums)}
	var mu sync.Mutex
	var firstErr error
	done := 0
	next := make(chan string)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for sum := range next {
				got, n, ok, err := objects.Rehash(ctx, sum)
				mu.Lock()
				switch {
				case err != nil:
					firstErr = cmpErr(firstErr, err)
				case !ok:
					res.Problems = append(res.Problems, EvidenceProblem{SHA256: sum, Missing: true})
				case got != sum:
					res.Problems = append(res.Problems, EvidenceProblem{SHA256: sum, Got: got, Size: n})
				}
				res.Bytes += n
				done++
				if progress != nil {
					progress(done, len(sums))
				}
				mu.Unlock()
			}
		})
	}
	for _, sum := range sums {
		if ctx.Err() != nil {
			break
		}
		next <- sum
	}
	close(next)
	wg.Wait()
	slices.SortFunc(res.Problems, func(a, b EvidenceProblem) int {
		if a.SHA256 < b.SHA256 {
			return -1
		}
		if a.SHA256 > b.SHA256 {
			return 1
		}
		return 0
	})
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return res, firstErr
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// WriteExportEvidence writes the evidence files a manifest lists into dir
// (kemendagri.EvidenceDir), each checked against its hash while it is
// written; a file whose bytes are missing or changed is an error.
func WriteExportEvidence(ctx context.Context, s *Storage, dir string, listed []kemendagri.FileInfo) error {
	if len(listed) == 0 {
		return nil
	}
	objects, err := natsinfra.OpenEvidence(ctx, s.Conn, s.Replicas)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, kemendagri.EvidenceDir), 0o755); err != nil {
		return err
	}
	for _, f := range listed {
		if err := writeEvidenceFile(ctx, objects, filepath.Join(dir, filepath.FromSlash(f.Name)), f); err != nil {
			return err
		}
	}
	return nil
}

func writeEvidenceFile(ctx context.Context, objects *natsinfra.EvidenceObjects, path string, f kemendagri.FileInfo) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".evidence-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, ok, err := objects.ReadRaw(ctx, f.SHA256, io.MultiWriter(tmp, h))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return err
	case !ok:
		return fmt.Errorf("evidence %s: the bytes are missing from %s", f.SHA256, natsinfra.EvidenceBucket)
	case n != f.Size || hex.EncodeToString(h.Sum(nil)) != f.SHA256:
		return fmt.Errorf("evidence %s: the stored bytes changed: %w", f.SHA256, natsinfra.ErrEvidenceDigest)
	}
	return os.Rename(tmp.Name(), path)
}

// OpenEvidenceObjects opens the evidence bucket of s.
func OpenEvidenceObjects(ctx context.Context, s *Storage) (*natsinfra.EvidenceObjects, error) {
	return natsinfra.OpenEvidence(ctx, s.Conn, s.Replicas)
}
