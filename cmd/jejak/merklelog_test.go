package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/merklelog"
	"github.com/jejak-id/jejak/natsinfra"
)

// startJejak runs jejak serve on data (embedded server, file storage) with
// a seal interval long enough that only sealJejak seals.
func startJejak(t *testing.T, data string) *app.App {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, err := app.Start(ctx, app.Config{Addr: "127.0.0.1:0", Storage: app.StorageConfig{DataDir: data},
		NoReactors: true, SealEvery: time.Hour, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.WaitStarted(ctx); err != nil {
		t.Fatal(err)
	}
	return a
}

// sealJejak seals everything the store holds and returns the head.
func sealJejak(t *testing.T, a *app.App) merklelog.Head {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	head, err := a.Store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Log().Sealer.SealNow(ctx); err != nil {
		t.Fatal(err)
	}
	h, ok, err := a.Log().Heads.Latest(ctx)
	if err != nil || !ok || h.Size != head {
		t.Fatalf("latest head %+v (%v), want size %d", h, err, head)
	}
	return h
}

// getJSON fetches an API path into a file and returns the body.
func getJSON(t *testing.T, a *app.App, path, file string) []byte {
	t.Helper()
	res, err := http.Get(a.URL() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", path, res.Status, body)
	}
	if file != "" {
		if err := os.WriteFile(file, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return body
}

func generated(t *testing.T) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	mustJejak(t, "generate", "--data", data, "--scale", "0.003", "--years", "2024-2025")
	return data
}

// TestVerifyLogNamesAFlippedByte: one byte of one message is flipped in
// the stream's block file while the server is stopped.
func TestVerifyLogNamesAFlippedByte(t *testing.T) {
	data := generated(t)
	a := startJejak(t, data)
	head := sealJejak(t, a)
	const target = 300
	raw, err := a.Store.GetRaw(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	if out := mustJejak(t, "verify", "--log", "--data", data); !strings.HasPrefix(out, "LOG UTUH: 863 commit") {
		t.Fatalf("verify --log of an untouched store: %q", out)
	}

	blocks, _ := filepath.Glob(filepath.Join(data, "nats", "jetstream", "*", "streams", eventstore.DefaultStream, "msgs", "*.blk"))
	var body struct {
		CommandID string `json:"command_id"`
	}
	if err := json.Unmarshal(raw.Data, &body); err != nil || body.CommandID == "" {
		t.Fatalf("commit %d: %v", target, err)
	}
	needle := []byte(body.CommandID) // in this message only
	flipped := false
	for _, b := range blocks {
		content, err := os.ReadFile(b)
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.Index(content, needle); i >= 0 {
			content[i+10] ^= 0x01
			if err := os.WriteFile(b, content, 0o600); err != nil {
				t.Fatal(err)
			}
			flipped = true
		}
	}
	if !flipped {
		t.Fatalf("the body of commit %d is not in %v", target, blocks)
	}
	code, out, _ := jejak(t, "verify", "--log", "--data", data)
	if code != 1 || !strings.Contains(out, "LOG TIDAK UTUH") || !strings.Contains(out, fmt.Sprintf("posisi pertama yang berbeda: %d\n", target)) {
		t.Fatalf("verify --log after flipping a byte of commit %d (head %d covers %d): exit %d\n%s", target, head.Number, head.Size, code, out)
	}
	t.Logf("verify --log:\n%s", out)
}

// TestConsistencyProofCatchesARebuiltStream: the stream is rebuilt in a new
// store with one commit left out and sealed again with the same key; the
// consistency proof from a head saved before cannot hold.
func TestConsistencyProofCatchesARebuiltStream(t *testing.T) {
	data := generated(t)
	a := startJejak(t, data)
	// The commit to leave out: the only commit of its aggregate, so the
	// rebuilt store still makes sense to the projections.
	lone, err := a.Service.UpdateRegionProfile(context.Background(), regionUpdate("18.71", 0))
	if err != nil {
		t.Fatal(err)
	}
	old := sealJejak(t, a)
	dir := t.TempDir()
	oldFile := filepath.Join(dir, "old.json")
	getJSON(t, a, "/api/v1/log/head", oldFile)
	pub := merklelog.PublicKeyPath(app.SealKeyPath(data))
	// A few more commits after the saved head, so the rebuilt log is not
	// shorter than it.
	writeMore(t, a, 3)
	total, _ := a.Store.Head(context.Background())
	a.Close()

	rebuilt := filepath.Join(t.TempDir(), "rebuilt")
	copyStreamWithout(t, data, rebuilt, lone.Position)
	if err := os.MkdirAll(filepath.Join(rebuilt, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"seal.key", "seal.pub"} { // the operator keeps the key
		b, _ := os.ReadFile(filepath.Join(data, "keys", f))
		os.WriteFile(filepath.Join(rebuilt, "keys", f), b, 0o600)
	}
	b := startJejak(t, rebuilt)
	defer b.Close()
	newHead := sealJejak(t, b)
	if newHead.Size != total-1 || newHead.Size < old.Size {
		t.Fatalf("rebuilt head %d commits, want %d", newHead.Size, total-1)
	}
	newFile, proofFile := filepath.Join(dir, "new.json"), filepath.Join(dir, "proof.json")
	getJSON(t, b, "/api/v1/log/head", newFile)
	getJSON(t, b, fmt.Sprintf("/api/v1/log/proof/consistency?from=%d", old.Size), proofFile)

	code, out, _ := jejak(t, "verify-proof", "--public-key", pub, "--old", oldFile, "--head", newFile, "--proof", proofFile)
	if code != 1 || !strings.HasPrefix(out, "BUKTI DITOLAK") {
		t.Fatalf("verify-proof across a rebuilt stream: exit %d %q", code, out)
	}
	t.Logf("verify-proof: %s", out)

	t.Run("the same check passes on the untouched log", func(t *testing.T) {
		a := startJejak(t, data)
		defer a.Close()
		sealJejak(t, a)
		getJSON(t, a, "/api/v1/log/head", newFile)
		getJSON(t, a, fmt.Sprintf("/api/v1/log/proof/consistency?from=%d", old.Size), proofFile)
		if out := mustJejak(t, "verify-proof", "--public-key", pub, "--old", oldFile, "--head", newFile, "--proof", proofFile); !strings.HasPrefix(out, "BUKTI SAH") {
			t.Fatalf("verify-proof: %q", out)
		}
	})
}

// TestHeadsAreRefused: a head signed with another key, and a head whose
// size goes backwards, are refused offline and by verify --log.
func TestHeadsAreRefused(t *testing.T) {
	data := generated(t)
	a := startJejak(t, data)
	first := sealJejak(t, a)
	writeMore(t, a, 2)
	second := sealJejak(t, a)
	dir := t.TempDir()
	pub := merklelog.PublicKeyPath(app.SealKeyPath(data))
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	firstFile := write("first.json", mustMarshal(t, first.JSON()))
	secondFile := write("second.json", mustMarshal(t, second.JSON()))
	proofFile := filepath.Join(dir, "proof.json")
	getJSON(t, a, fmt.Sprintf("/api/v1/log/proof/consistency?from=%d&to=%d", first.Size, second.Size), proofFile)
	incl := filepath.Join(dir, "incl.json")
	getJSON(t, a, fmt.Sprintf("/api/v1/log/proof/inclusion?position=5&size=%d", second.Size), incl)

	// The same tree, signed by a key that is not the log's.
	other, err := merklelog.LoadOrCreateKey(filepath.Join(dir, "other.key"), first.Origin)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := merklelog.SignHead(other, second.Size, second.Root, second.Time)
	if err != nil {
		t.Fatal(err)
	}
	forgedFile := write("forged.json", mustMarshal(t, forged.JSON()))

	t.Run("offline", func(t *testing.T) {
		if out := mustJejak(t, "verify-proof", "--public-key", pub, "--old", firstFile, "--head", secondFile, "--proof", proofFile); !strings.HasPrefix(out, "BUKTI SAH") {
			t.Fatalf("genuine heads: %q", out)
		}
		code, out, errOut := jejak(t, "verify-proof", "--public-key", pub, "--head", forgedFile, "--proof", incl)
		if code != 1 || !strings.Contains(errOut, "not a trusted key") {
			t.Errorf("a head signed with another key: exit %d %q %q", code, out, errOut)
		}
		code, out, _ = jejak(t, "verify-proof", "--public-key", pub, "--old", secondFile, "--head", firstFile, "--proof", proofFile)
		if code != 1 || !strings.Contains(out, "goes backwards") {
			t.Errorf("a head whose size goes backwards: exit %d %q", code, out)
		}
	})

	t.Run("in the seals stream", func(t *testing.T) {
		ctx := context.Background()
		seals, err := natsinfra.OpenSeals(ctx, a.Conn(), 1)
		if err != nil {
			t.Fatal(err)
		}
		n, _, _, _ := seals.Last(ctx)
		if _, ok, err := seals.Append(ctx, forged.Checkpoint, n); err != nil || !ok {
			t.Fatal(err)
		}
		back, err := merklelog.SignHead(a.Log().Key, first.Size, first.Root, second.Time.Add(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, err := seals.Append(ctx, back.Checkpoint, n+1); err != nil || !ok {
			t.Fatal(err)
		}
		writeMore(t, a, 1)
		if _, _, err := a.Log().Sealer.SealNow(ctx); !errors.Is(err, merklelog.ErrSizeBackwards) {
			t.Errorf("the sealer sealed on top of a head that goes backwards: %v", err)
		}
		a.Close()
		code, out, _ := jejak(t, "verify", "--log", "--data", data)
		if code != 1 || !strings.Contains(out, "not a trusted key") || !strings.Contains(out, "goes backwards") {
			t.Fatalf("verify --log with a forged and a backward head: exit %d\n%s", code, out)
		}
		t.Logf("verify --log:\n%s", out)
	})
}

// TestInclusionProofsOfRandomPositionsVerifyOffline asks the API for 1,000
// inclusion proofs and checks each with only the public key and the head.
func TestInclusionProofsOfRandomPositionsVerifyOffline(t *testing.T) {
	data := generated(t)
	a := startJejak(t, data)
	defer a.Close()
	sealJejak(t, a)
	dir := t.TempDir()
	headFile := filepath.Join(dir, "head.json")
	vs, err := merklelog.LoadPublicKeys(merklelog.PublicKeyPath(app.SealKeyPath(data)))
	if err != nil {
		t.Fatal(err)
	}
	head, err := merklelog.ReadHead(getJSON(t, a, "/api/v1/log/head", headFile), merklelog.TrustedKeys(vs...))
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(17, 17))
	for i := range 1000 {
		pos := 1 + rnd.Uint64N(head.Size)
		var p merklelog.InclusionProof
		if err := json.Unmarshal(getJSON(t, a, fmt.Sprintf("/api/v1/log/proof/inclusion?position=%d", pos), ""), &p); err != nil {
			t.Fatal(err)
		}
		if err := merklelog.CheckInclusion(head, p); err != nil {
			t.Fatalf("proof %d (position %d): %v", i, pos, err)
		}
		if i < 3 { // and a few through the command line
			proofFile := filepath.Join(dir, "proof.json")
			getJSON(t, a, fmt.Sprintf("/api/v1/log/proof/inclusion?position=%d", pos), proofFile)
			if out := mustJejak(t, "verify-proof", "--public-key", merklelog.PublicKeyPath(app.SealKeyPath(data)),
				"--head", headFile, "--proof", proofFile); !strings.HasPrefix(out, "BUKTI SAH") {
				t.Fatalf("verify-proof: %q", out)
			}
		}
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeMore appends n region profile updates through the domain service.
func writeMore(t *testing.T, a *app.App, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		if _, err := a.Service.UpdateRegionProfile(ctx, regionUpdate("18.04", i)); err != nil {
			t.Fatal(err)
		}
	}
}

// copyStreamWithout copies every commit of the event stream in src into a
// new store in dst except the one at skip, as someone with the disks could.
func copyStreamWithout(t *testing.T, src, dst string, skip uint64) {
	t.Helper()
	ctx := context.Background()
	from, err := app.OpenStorage(ctx, app.StorageConfig{DataDir: src}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer from.Close()
	to, err := app.OpenStorage(ctx, app.StorageConfig{DataDir: dst}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer to.Close()
	js, err := jetstream.New(to.Conn)
	if err != nil {
		t.Fatal(err)
	}
	err = from.Store.ReadRaw(ctx, 0, func(c eventstore.RawCommit) error {
		if c.Position == skip {
			return nil
		}
		h := nats.Header{}
		for k, v := range c.Header {
			if !strings.HasPrefix(k, "Nats-Expected") {
				h[k] = v
			}
		}
		_, err := js.PublishMsg(ctx, &nats.Msg{Subject: c.Subject, Header: h, Data: c.Data})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func regionUpdate(region string, i int) domain.UpdateRegionProfileCommand {
	return domain.UpdateRegionProfileCommand{
		CommandMeta: domain.CommandMeta{CommandID: uuid.New(), Actor: domain.Actor{UserID: "admin", Role: domain.RoleAdmin}},
		Region:      region, OfficeName: fmt.Sprintf("Brida %s %d", region, i), OfficeKind: domain.OfficeBrida,
	}
}

// TestExportRecordsTheSignedHead: an export (and the snapshot it is built
// from) records the signed head that holds its position, and still
// verifies byte for byte.
func TestExportRecordsTheSignedHead(t *testing.T) {
	data := generated(t)
	a := startJejak(t, data)
	head := sealJejak(t, a)
	a.Close()
	out := filepath.Join(t.TempDir(), "ekspor")
	mustJejak(t, "export", "--data", data, "--year", "2025", "--out", out)
	raw, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Position uint64 `json:"position"`
		LogHead  *struct {
			Number     uint64 `json:"number"`
			Size       uint64 `json:"size"`
			Checkpoint string `json:"checkpoint"`
		} `json:"logHead"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.LogHead == nil || m.LogHead.Number != head.Number || m.LogHead.Size < m.Position {
		t.Fatalf("manifest log head %+v, want head %d holding position %d", m.LogHead, head.Number, m.Position)
	}
	vs, _ := merklelog.LoadPublicKeys(merklelog.PublicKeyPath(app.SealKeyPath(data)))
	if _, err := merklelog.OpenHead([]byte(m.LogHead.Checkpoint), merklelog.TrustedKeys(vs...)); err != nil {
		t.Fatalf("the manifest's checkpoint: %v", err)
	}
	if out := mustJejak(t, "verify", "--data", data, out); !strings.HasPrefix(out, "COCOK") {
		t.Fatalf("verify: %q", out)
	}
}
