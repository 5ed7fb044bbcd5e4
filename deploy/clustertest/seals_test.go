package clustertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/jejak-id/jejak/deploy/credentials"
	"github.com/jejak-id/jejak/merklelog"
)

// sealInterval is jejak serve's default --seal-every, which the compose
// file keeps.
const sealInterval = 10 * time.Second

// SealResults are the figures of the Merkle log's heads over a phase.
type SealResults struct {
	Heads      int           // heads sealed in the phase
	DuringLoss int           // of which while the NATS node was down
	LongestGap time.Duration // between two consecutive heads in the phase
}

// mustCheckSeals reads every signed head from a replica and checks, with
// only the public sealing key, that: heads kept coming while the NATS node
// was down (from down to up); no interval has two heads, whichever replica
// sealed; every head extends the one before (consistency proofs from the
// API verified offline). It considers the heads sealed from since on.
func mustCheckSeals(t *testing.T, ctx context.Context, c *Cluster, client *Client, since, down, up time.Time) SealResults {
	t.Helper()
	vs, err := merklelog.LoadPublicKeys(filepath.Join(c.secrets, credentials.SealPubFile))
	if err != nil {
		t.Fatal(err)
	}
	trusted := merklelog.TrustedKeys(vs...)
	var heads []merklelog.Head
	for after := uint64(0); ; {
		var page struct {
			Heads []json.RawMessage `json:"heads"`
			Next  *uint64           `json:"next_after"`
		}
		mustGetJSON(t, ctx, client, fmt.Sprintf("/api/v1/log/heads?after=%d&limit=1000", after), &page)
		for _, raw := range page.Heads {
			h, err := merklelog.ReadHead(raw, trusted)
			if err != nil {
				t.Fatalf("a head does not verify with %s: %v", credentials.SealPubFile, err)
			}
			heads = append(heads, h)
		}
		if page.Next == nil {
			break
		}
		after = *page.Next
	}
	var res SealResults
	intervals := map[int64]uint64{}
	var last time.Time
	for i, h := range heads {
		slot := h.Time.Unix() / int64(sealInterval/time.Second)
		if other, dup := intervals[slot]; dup {
			t.Errorf("heads %d and %d were both sealed in the interval starting %s", other, h.Number,
				time.Unix(slot*int64(sealInterval/time.Second), 0).UTC().Format(time.TimeOnly))
		}
		intervals[slot] = h.Number
		if i > 0 {
			prev := heads[i-1]
			var proof merklelog.ConsistencyProof
			mustGetJSON(t, ctx, client, fmt.Sprintf("/api/v1/log/proof/consistency?from=%d&to=%d", prev.Size, h.Size), &proof)
			if err := merklelog.CheckConsistency(prev, h, proof); err != nil {
				t.Errorf("head %d does not extend head %d: %v", h.Number, prev.Number, err)
			}
		}
		if h.Time.Before(since.Truncate(time.Second)) {
			continue
		}
		res.Heads++
		if !h.Time.Before(down) && !h.Time.After(up) {
			res.DuringLoss++
		}
		if !last.IsZero() {
			res.LongestGap = max(res.LongestGap, h.Time.Sub(last))
		}
		last = h.Time
	}
	if res.DuringLoss == 0 {
		t.Errorf("no head was sealed while the NATS node was down (%s to %s)", down.Format(time.TimeOnly), up.Format(time.TimeOnly))
	}
	t.Logf("seals: %d heads, %d while the node was down, longest gap %v; every head verifies and extends the one before",
		res.Heads, res.DuringLoss, res.LongestGap)
	return res
}

func mustGetJSON(t *testing.T, ctx context.Context, client *Client, path string, out any) {
	t.Helper()
	resp, err := client.get(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", path, resp.Status, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// mustWaitSealed polls until the replica serves a signed head.
func mustWaitSealed(t *testing.T, ctx context.Context, client *Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	for {
		resp, err := client.get(ctx, "/api/v1/log/head")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no signed head within 90s of the load starting (last: %v)", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
