package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/jejak-id/jejak/api/apitest"
	"github.com/jejak-id/jejak/domain"
)

// contract is api/openapi.json loaded by kin-openapi, with a router that
// finds the operation of a request.
type contract struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	contractOnce sync.Once
	contractDoc  *contract
	contractErr  error
)

// mustContract loads and validates api/openapi.json once per test binary.
func mustContract(tb testing.TB) *contract {
	tb.Helper()
	contractOnce.Do(func() {
		// evidence files are answered as they are stored
		for _, mt := range domain.EvidenceMediaTypes() {
			openapi3filter.RegisterBodyDecoder(mt, openapi3filter.FileBodyDecoder)
		}
		// The import's template and upload are files.
		openapi3filter.RegisterBodyDecoder("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", openapi3filter.FileBodyDecoder)
		data, err := os.ReadFile("openapi.json")
		if err != nil {
			contractErr = err
			return
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(data)
		if err != nil {
			contractErr = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			contractErr = err
			return
		}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			contractErr = err
			return
		}
		contractDoc = &contract{doc: doc, router: router}
	})
	if contractErr != nil {
		tb.Fatalf("api/openapi.json: %v", contractErr)
	}
	return contractDoc
}

// checked sends req through the stack and validates both the request and
// the response against the document, failing the test on any mismatch.
func checked(tb testing.TB, c *contract, s *apitest.Stack, req apitest.Request) apitest.Response {
	tb.Helper()
	res := s.Do(req)
	c.validate(tb, s, req, res)
	return res
}

// validate checks one request/response pair against the document.
func (c *contract) validate(tb testing.TB, s *apitest.Stack, req apitest.Request, res apitest.Response) {
	tb.Helper()
	r := s.NewRequest(req)
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		if res.Status != http.StatusNotFound { // unknown routes answer 404 route_not_found
			tb.Errorf("%s %s: not in openapi.json: %v", req.Method, req.Path, err)
		}
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	// Requests the test sends on purpose against the contract (bad inputs)
	// are not checked; their answers are.
	if res.Status < 400 || res.Status == http.StatusForbidden || res.Status == http.StatusUnauthorized {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			tb.Errorf("%s %s: request does not match openapi.json: %v", req.Method, req.Path, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.Status, Header: res.Header,
		Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}}
	out.SetBodyBytes(res.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		tb.Errorf("%s %s: %d response does not match openapi.json: %v\nbody: %s", req.Method, req.Path, res.Status, err, truncate(res.Body))
	}
}

func truncate(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "..."
	}
	return string(b)
}

// problem is the decoded problem document of an error answer.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
	CurrentVersion *uint64 `json:"current_version"`
}

// problemOf decodes res as a problem document and checks its media type and
// that its status agrees with the HTTP status.
func problemOf(tb testing.TB, res apitest.Response) problem {
	tb.Helper()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		tb.Errorf("Content-Type = %q, want application/problem+json (body %s)", ct, truncate(res.Body))
	}
	var p problem
	if err := json.Unmarshal(res.Body, &p); err != nil {
		tb.Fatalf("not a problem document: %v: %s", err, truncate(res.Body))
	}
	if p.Status != res.Status {
		tb.Errorf("problem status %d, HTTP status %d", p.Status, res.Status)
	}
	return p
}
