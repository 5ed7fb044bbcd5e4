package api_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api/apitest"
)

// TestCompressedAnswersAndTheProfileSummary: JSON answers above 1 KB are
// gzipped for clients that accept it, smaller ones and streams are not,
// and a region's explanation has a summary without the indicators.
func TestCompressedAnswersAndTheProfileSummary(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2025)})
	inn := implemented(t, s, p.operator, own, "Posyandu Digital")
	last := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.operator, Body: answerBody("16", inn, 2, "x")})
	s.WaitForProjections(last.Position())
	score := "/api/v1/index/2025/" + own

	plain := s.Do(apitest.Request{Method: "GET", Path: score, Token: p.coordinator, Header: map[string]string{"Accept-Encoding": "identity"}})
	if plain.Status != http.StatusOK || plain.Header.Get("Content-Encoding") != "" || len(plain.Body) < 1024 {
		t.Fatalf("without gzip: %d, encoding %q, %d bytes", plain.Status, plain.Header.Get("Content-Encoding"), len(plain.Body))
	}
	zipped := s.Do(apitest.Request{Method: "GET", Path: score, Token: p.coordinator, Header: map[string]string{"Accept-Encoding": "br, gzip;q=0.8"}})
	if zipped.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(zipped.Header.Get("Vary"), "Accept-Encoding") || len(zipped.Body) >= len(plain.Body) {
		t.Fatalf("with gzip: encoding %q, Vary %q, %d bytes of %d", zipped.Header.Get("Content-Encoding"), zipped.Header.Get("Vary"), len(zipped.Body), len(plain.Body))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped.Body))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(body, plain.Body) {
		t.Fatalf("the gzipped body does not read back as the plain one (%v)", err)
	}
	for _, enc := range []string{"gzip;q=0", "identity", ""} {
		res := s.Do(apitest.Request{Method: "GET", Path: score, Token: p.coordinator, Header: map[string]string{"Accept-Encoding": enc}})
		if res.Header.Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q got %q", enc, res.Header.Get("Content-Encoding"))
		}
	}
	small := s.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Token: p.coordinator, Header: map[string]string{"Accept-Encoding": "gzip"}})
	if small.Header.Get("Content-Encoding") != "" || !json.Valid(small.Body) {
		t.Errorf("a small answer was compressed: %q", small.Header.Get("Content-Encoding"))
	}

	t.Run("a stream is never compressed", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req := s.NewRequest(apitest.Request{Method: "GET", Path: "/api/v1/stream", Token: p.coordinator, Header: map[string]string{"Accept-Encoding": "gzip"}})
		res, err := s.Client.Do(req.WithContext(ctx))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.Header.Get("Content-Encoding") != "" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("stream answered %q, %q", res.Header.Get("Content-Encoding"), res.Header.Get("Content-Type"))
		}
		if _, err := bufio.NewReader(res.Body).ReadString('\n'); err != nil {
			t.Fatalf("the stream's first line: %v", err)
		}
	})

	t.Run("the summary leaves out the indicators of each innovation", func(t *testing.T) {
		res := checked(t, c, s, apitest.Request{Method: "GET", Path: score + "?view=summary", Token: p.coordinator})
		var sum, full map[string]any
		res.JSON(t, &sum)
		json.Unmarshal(plain.Body, &full)
		inns := sum["innovations"].([]any)
		if sum["view"] != "summary" || len(inns) != 1 || inns[0].(map[string]any)["indicators"] != nil || len(res.Body) >= len(plain.Body) {
			t.Fatalf("summary: %s", res.Body)
		}
		for _, k := range []string{"verified", "provisional", "method", "spd", "basic_services"} {
			a, _ := json.Marshal(sum[k])
			b, _ := json.Marshal(full[k])
			if !bytes.Equal(a, b) {
				t.Errorf("summary %s = %s, full %s", k, a, b)
			}
		}
		if full["innovations"].([]any)[0].(map[string]any)["indicators"] == nil {
			t.Error("the full explanation lost its indicators")
		}
		bad := checked(t, c, s, apitest.Request{Method: "GET", Path: score + "?view=short", Token: p.coordinator})
		if pr := problemOf(t, bad); bad.Status != http.StatusUnprocessableEntity || pr.Code != "invalid" || pr.Errors[0].Field != "view" {
			t.Errorf("view=short: %d %+v", bad.Status, pr)
		}
	})
}
