package clustertest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"
)

// evidenceRegion is the region the cluster test uploads evidence for (the
// region its proposals are for).
const evidenceRegion = "18.04"

// samplePNG is a distinct, incompressible PNG of about 192 KiB (opaque, so stored as RGB) for run and
// n: more than one object-store chunk (128 KiB), so a file is stored in
// several messages that must all survive a node loss.
func samplePNG(run string, n int) []byte {
	seed := sha256.Sum256(fmt.Appendf(nil, "%s-%d", run, n))
	rng := rand.New(rand.NewChaCha8(seed))
	img := image.NewNRGBA(image.Rect(0, 0, 256, 256))
	for y := range 256 {
		for x := range 256 {
			img.SetNRGBA(x, y, color.NRGBA{uint8(rng.Uint32()), uint8(rng.Uint32()), uint8(rng.Uint32()), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // encoding to memory does not fail
	}
	return b.Bytes()
}

// UploadEvidence sends one file as multipart/form-data for region and
// returns the SHA-256 the API reports. A failure wraps errRetryable when
// sending the same file again is the right reaction (an upload is
// idempotent by content: the same bytes are stored once).
func (c *Client) UploadEvidence(ctx context.Context, region, name string, data []byte) (string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("file", name)
	if err != nil {
		return "", err
	}
	if _, err := part.Write(data); err != nil {
		return "", err
	}
	if err := mw.Close(); err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/evidence?region="+url.QueryEscape(region), &body)
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("%w: %v", errRetryable, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("%w: reading answer: %v", errRetryable, err)
	}
	switch {
	case resp.StatusCode == http.StatusCreated:
		var created struct {
			Files []struct {
				SHA256 string `json:"sha256"`
			} `json:"files"`
		}
		if err := json.Unmarshal(answer, &created); err != nil || len(created.Files) != 1 {
			return "", fmt.Errorf("POST %s/api/v1/evidence: %s with an unexpected answer: %.200s", c.base, resp.Status, answer)
		}
		return created.Files[0].SHA256, nil
	case retryableStatus(resp.StatusCode):
		return "", fmt.Errorf("%w: POST %s/api/v1/evidence: %s: %.200s", errRetryable, c.base, resp.Status, answer)
	default:
		return "", fmt.Errorf("POST %s/api/v1/evidence: %s: %.300s", c.base, resp.Status, answer)
	}
}

// Evidence downloads the file whose SHA-256 is sum.
func (c *Client) Evidence(ctx context.Context, sum string) ([]byte, error) {
	resp, err := c.get(ctx, "/api/v1/evidence/"+sum)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET evidence %s: %s", sum, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// EvidenceUpload is one acknowledged upload and the bytes sent.
type EvidenceUpload struct {
	SHA256   string
	Data     []byte
	Attempts int
}

// Uploader uploads distinct files one after another until stopped, each
// retried on the next replica until acknowledged (bounded by
// WriteTimeout), and keeps what was acknowledged.
type Uploader struct {
	stop chan struct{}
	done chan struct{}

	mu       sync.Mutex
	acked    []EvidenceUpload
	failures []error
}

// StartUploader starts uploading; Stop ends it. At most max files are sent.
func StartUploader(ctx context.Context, run string, clients []*Client, max int, writeTimeout time.Duration) *Uploader {
	u := &Uploader{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(u.done)
		for n := range max {
			select {
			case <-u.stop:
				return
			case <-ctx.Done():
				return
			default:
			}
			data := samplePNG(run, n)
			up, err := uploadOne(ctx, clients, n, data, writeTimeout)
			u.mu.Lock()
			if err != nil {
				u.failures = append(u.failures, err)
			} else {
				u.acked = append(u.acked, up)
			}
			u.mu.Unlock()
		}
	}()
	return u
}

func uploadOne(ctx context.Context, clients []*Client, n int, data []byte, timeout time.Duration) (EvidenceUpload, error) {
	deadline := time.Now().Add(timeout)
	name := fmt.Sprintf("bukti-klaster-%03d.png", n)
	for attempt := 1; ; attempt++ {
		sum, err := clients[(n+attempt)%len(clients)].UploadEvidence(ctx, evidenceRegion, name, data)
		if err == nil {
			return EvidenceUpload{SHA256: sum, Data: data, Attempts: attempt}, nil
		}
		if !errors.Is(err, errRetryable) || time.Now().After(deadline) || ctx.Err() != nil {
			return EvidenceUpload{}, fmt.Errorf("file %d after %d attempts: %w", n, attempt, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Stop ends the uploads (the one in flight finishes) and returns what was
// acknowledged and what failed.
func (u *Uploader) Stop() ([]EvidenceUpload, []error) {
	close(u.stop)
	<-u.done
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.acked, u.failures
}

// mustReadBackEvidence downloads every acknowledged file from every replica
// and compares it byte for byte with what was sent.
func mustReadBackEvidence(t *testing.T, ctx context.Context, clients []*Client, ups []EvidenceUpload) {
	t.Helper()
	for _, up := range ups {
		sum := sha256.Sum256(up.Data)
		if want := hex.EncodeToString(sum[:]); up.SHA256 != want {
			t.Errorf("the API answered sha256 %s for a file whose hash is %s", up.SHA256, want)
		}
		for _, c := range clients {
			got, err := c.Evidence(ctx, up.SHA256)
			if err != nil {
				t.Errorf("%s: %v", c.base, err)
				continue
			}
			if !bytes.Equal(got, up.Data) {
				t.Errorf("%s: evidence %s downloads as %d bytes that differ from the %d uploaded", c.base, up.SHA256, len(got), len(up.Data))
			}
		}
	}
}
