package clustertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"time"
)

// proposalBody is the request body of POST /api/v1/innovations for the
// write with the given Idempotency-Key.
//
// >>> ADJUST HERE when the proposal format of the API changes. <<<
//
// It must be the same bytes for every retry of one key (the API rejects a
// reused key with a different body), so it depends on the key alone.
func proposalBody(key string) []byte {
	body, _ := json.Marshal(map[string]any{
		"region":      "18.04", // Kabupaten Lampung Timur, an autonomous region
		"name":        "Uji klaster " + key,
		"unit":        "Dinas Komunikasi dan Informatika",
		"initiator":   "opd",
		"form":        "pelayanan_publik",
		"digital":     true,
		"affair":      "kesehatan",
		"problem":     "Antrean layanan panjang.",
		"solution":    "Pendaftaran daring.",
		"benefit":     "Waktu tunggu berkurang.",
		"proposed_on": "2025-03-01",
	})
	return body
}

// Client speaks to one Jejak replica's HTTP API.
type Client struct {
	base  string
	token string
	http  *http.Client
}

// NewClient returns a client for the replica at base (http://host:port).
func NewClient(base, token string) *Client {
	return &Client{base: base, token: token, http: &http.Client{Timeout: 10 * time.Second}}
}

// Created is the answer to an accepted write.
type Created struct {
	ID       string `json:"id"`
	Position uint64 `json:"position"`
	// Replayed is set when the API recognised a retry of a write it had
	// already stored (header Idempotent-Replayed: true).
	Replayed bool `json:"-"`
}

// errRetryable marks a failure after which the same request may be sent
// again with the same Idempotency-Key: no answer, or a 408/409/425/429/5xx.
var errRetryable = errors.New("retryable")

// Propose sends one innovation proposal. A failure wraps errRetryable when
// resending the same request (same key) is the right reaction.
func (c *Client) Propose(ctx context.Context, key string) (Created, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/innovations", bytes.NewReader(proposalBody(key)))
	if err != nil {
		return Created{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Idempotency-Key", key)
	resp, err := c.http.Do(req)
	if err != nil {
		return Created{}, fmt.Errorf("%w: %v", errRetryable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Created{}, fmt.Errorf("%w: reading answer: %v", errRetryable, err)
	}
	switch {
	case resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK:
		var created Created
		if err := json.Unmarshal(body, &created); err != nil || created.ID == "" {
			return Created{}, fmt.Errorf("POST %s: %s with an answer without id: %.200s", c.base, resp.Status, body)
		}
		created.Replayed = resp.Header.Get("Idempotent-Replayed") == "true"
		return created, nil
	case retryableStatus(resp.StatusCode):
		return Created{}, fmt.Errorf("%w: POST %s: %s: %.200s", errRetryable, c.base, resp.Status, body)
	default:
		return Created{}, fmt.Errorf("POST %s: %s: %.300s", c.base, resp.Status, body)
	}
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return code >= 500
}

// InnovationExists reads one innovation back; false means 404.
func (c *Client) InnovationExists(ctx context.Context, id string) (bool, error) {
	resp, err := c.get(ctx, "/api/v1/innovations/"+id)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	return false, fmt.Errorf("GET %s/api/v1/innovations/%s: %s: %s", c.base, id, resp.Status, body)
}

// Projections is the answer of GET /api/v1/projections.
type Projections struct {
	Position uint64            `json:"position"`
	Hashes   map[string]string `json:"hashes"`
}

// Same reports whether two replicas show the same read models.
func (p Projections) Same(q Projections) bool {
	if p.Position != q.Position || len(p.Hashes) != len(q.Hashes) {
		return false
	}
	for k, v := range p.Hashes {
		if q.Hashes[k] != v {
			return false
		}
	}
	return true
}

// Projections reads the position and content hashes of the read models.
func (c *Client) Projections(ctx context.Context) (Projections, error) {
	resp, err := c.get(ctx, "/api/v1/projections")
	if err != nil {
		return Projections{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return Projections{}, fmt.Errorf("GET %s/api/v1/projections: %s: %s", c.base, resp.Status, body)
	}
	var p Projections
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		return Projections{}, fmt.Errorf("GET %s/api/v1/projections: %w", c.base, err)
	}
	return p, nil
}

func (c *Client) get(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	return c.http.Do(req)
}

// mustIssueToken runs "jejak token issue" inside a Jejak container, with the
// key file the replicas verify tokens with.
func (c *Cluster) mustIssueToken() string {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := c.command(ctx, "exec", "-T", "jejak1", "/jejak", "token", "issue",
		"--role", "admin", "--user", "loadtest", "--ttl", "1h", "--token-key", "/run/jejak/token.pem").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		c.t.Fatalf("jejak token issue: %v\n%s", err, stderr)
	}
	lines := strings.Fields(strings.TrimSpace(string(out)))
	if len(lines) == 0 {
		c.t.Fatal("jejak token issue printed nothing")
	}
	return lines[len(lines)-1] // the token is the last word printed on stdout
}
