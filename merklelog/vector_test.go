package merklelog_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/jejak-id/jejak/merklelog"
)

var update = flag.Bool("update", false, "rewrite docs/merkle-log-vector.json")

const vectorPath = "../docs/merkle-log-vector.json"

// vector is the test vector of docs/MERKLE_LOG.md: a small tree, its
// heads and proofs, as Jejak computes them.
type vector struct {
	Description string                       `json:"description"`
	PublicKey   string                       `json:"public_key"`
	Commits     []vectorCommit               `json:"commits"`
	Heads       []vectorHead                 `json:"heads"`
	Inclusion   []merklelog.InclusionProof   `json:"inclusion"`
	Consistency []merklelog.ConsistencyProof `json:"consistency"`
}

type vectorCommit struct {
	Position     uint64              `json:"position"`
	Subject      string              `json:"subject"`
	Headers      map[string][]string `json:"headers"`
	Payload      string              `json:"payload"` // UTF-8 JSON text
	CanonicalHex string              `json:"canonical_hex"`
	LeafHash     string              `json:"leaf_hash"`
}

type vectorHead struct {
	Size       uint64 `json:"size"`
	Root       string `json:"root"`
	Checkpoint string `json:"checkpoint"`
}

// vectorKey is a fixed Ed25519 key (seed 0x00..0x1f): signatures are
// deterministic, so the vector is too.
func vectorKey(t *testing.T) merklelog.SigningKey {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	const name = "example.jejak/events"
	vkey, err := note.NewEd25519VerifierKey(name, ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	hash := strings.Split(vkey, "+")[1]
	k, err := merklelog.ParseSigningKey("PRIVATE+KEY+" + name + "+" + hash + "+" + base64.StdEncoding.EncodeToString(append([]byte{1}, seed...)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func buildVector(t *testing.T) vector {
	ctx := context.Background()
	tiles, _ := stores(t)
	key := vectorKey(t)
	tree := merklelog.NewTree(tiles, 16)
	v := vector{Description: "Jejak Merkle log test vector: 7 commits, heads at sizes 3 and 7, inclusion and consistency proofs (docs/MERKLE_LOG.md)",
		PublicKey: key.PublicKey}
	sealed := time.Date(2025, 8, 17, 10, 0, 0, 0, time.UTC)
	for pos := uint64(1); pos <= 7; pos++ {
		c := merklelog.Commit{Position: pos, Subject: fmt.Sprintf("jejak.events.region.18_0%d", pos%3+1),
			Header: map[string][]string{"Nats-Msg-Id": {fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", pos)},
				"Jejak-Type": {"region.profile_updated"}, "Jejak-Version": {fmt.Sprint(pos)},
				"Nats-Expected-Last-Subject-Sequence": {"0"}}, // not covered by the leaf
			Payload: []byte(fmt.Sprintf(`{"aggregate_id":"18.0%d","events":[{"type":"region.profile_updated","data":{"OfficeName":"Brida %d"}}]}`, pos%3+1, pos))}
		if pos == 5 {
			delete(c.Header, "Jejak-Version") // an absent header counts as no values
		}
		if err := tree.Append(ctx, c); err != nil {
			t.Fatal(err)
		}
		v.Commits = append(v.Commits, vectorCommit{Position: pos, Subject: c.Subject, Headers: c.Header, Payload: string(c.Payload),
			CanonicalHex: hex.EncodeToString(merklelog.AppendCanonical(nil, c)), LeafHash: hex.EncodeToString(merklelog.LeafHash(c))})
		if pos == 3 || pos == 7 {
			size, root, err := tree.Seal(ctx)
			if err != nil {
				t.Fatal(err)
			}
			h, err := merklelog.SignHead(key, size, root, sealed.Add(time.Duration(pos)*10*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			v.Heads = append(v.Heads, vectorHead{Size: size, Root: hex.EncodeToString(root), Checkpoint: string(h.Checkpoint)})
		}
	}
	prover := merklelog.NewProver(tiles, 16)
	for _, q := range [][2]uint64{{1, 7}, {4, 7}, {7, 7}, {2, 3}} {
		p, err := prover.Inclusion(ctx, q[0], q[1])
		if err != nil {
			t.Fatal(err)
		}
		v.Inclusion = append(v.Inclusion, p)
	}
	c, err := prover.Consistency(ctx, 3, 7)
	if err != nil {
		t.Fatal(err)
	}
	v.Consistency = append(v.Consistency, c)
	return v
}

// TestVector pins the documented test vector and checks it with the
// Python script of docs/MERKLE_LOG.md (hashlib only): another language
// gets the same leaves, roots and proofs.
func TestVector(t *testing.T) {
	got, err := json.MarshalIndent(buildVector(t), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(vectorPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(vectorPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not what Jejak computes: the stored format changed (run go test ./merklelog -run TestVector -update only if that is on purpose)", vectorPath)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is needed to check the test vector (CI=true)")
		}
		t.Skip("python3 not found: the Python check of the test vector is skipped")
	}
	script, _ := filepath.Abs("../scripts/check_merkle_vector.py")
	out, err := exec.Command(python, script, vectorPath).CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) || err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	t.Logf("%s", out)
}
