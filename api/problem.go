package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/jejak-id/jejak/domain"
)

// API-level codes that have no domain counterpart.
const (
	codeMalformed          domain.Code = "malformed_request"      // body is not the JSON we expect
	codeUnauthenticated    domain.Code = "unauthenticated"        // missing or bad token
	codePreconditionFailed domain.Code = "precondition_failed"    // stale If-Match
	codePreconditionNeeded domain.Code = "precondition_required"  // If-Match malformed
	codeRouteNotFound      domain.Code = "route_not_found"        // no such endpoint
	codeMethodNotAllowed   domain.Code = "method_not_allowed"     // endpoint exists, method does not
	codeIdempotencyReuse   domain.Code = "idempotency_key_reused" // same key, different request
)

// statusByCode is the one table that maps domain error codes to HTTP
// statuses. A code missing here is a bug and answers 500.
var statusByCode = map[domain.Code]int{
	domain.CodeInvalid:           http.StatusUnprocessableEntity,
	domain.CodeNotFound:          http.StatusNotFound,
	domain.CodeAlreadyExists:     http.StatusConflict,
	domain.CodeVersionConflict:   http.StatusConflict,
	domain.CodeIllegalTransition: http.StatusConflict,
	domain.CodePhaseClosed:       http.StatusConflict,
	domain.CodeForbidden:         http.StatusForbidden,
	domain.CodeOutOfScope:        http.StatusForbidden,
	domain.CodeFourEyes:          http.StatusForbidden,
	domain.CodeDuplicate:         http.StatusConflict,
	domain.CodeTooLarge:          http.StatusRequestEntityTooLarge,
	domain.CodeUnavailable:       http.StatusServiceUnavailable,
	domain.CodeTimeout:           http.StatusGatewayTimeout,
	domain.CodeInternal:          http.StatusInternalServerError,
	codeMalformed:                http.StatusBadRequest,
	codeUnauthenticated:          http.StatusUnauthorized,
	codePreconditionFailed:       http.StatusPreconditionFailed,
	codePreconditionNeeded:       http.StatusBadRequest,
	codeRouteNotFound:            http.StatusNotFound,
	codeMethodNotAllowed:         http.StatusMethodNotAllowed,
	codeIdempotencyReuse:         http.StatusUnprocessableEntity,
	codeUnsupportedMedia:         http.StatusUnsupportedMediaType,
}

// Problem is an RFC 9457 problem details document.
type Problem struct {
	Type           string         `json:"type"`
	Title          string         `json:"title"`
	Status         int            `json:"status"`
	Code           string         `json:"code"`
	Detail         string         `json:"detail"`
	Instance       string         `json:"instance,omitempty"`
	Errors         []ProblemField `json:"errors,omitempty"`
	CurrentVersion *uint64        `json:"current_version,omitempty"`
	RequestID      string         `json:"request_id,omitempty"`
}

// ProblemField is one invalid field.
type ProblemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// statusOf is the status problemFor gives err.
func statusOf(err error) int {
	var de *domain.Error
	if !errors.As(err, &de) {
		return http.StatusInternalServerError
	}
	if status, ok := statusByCode[de.Code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// problemFor turns any error into a Problem. Errors that are not a
// *domain.Error become a generic 500; their text goes only to the log.
func problemFor(r *http.Request, err error, log *slog.Logger) Problem {
	var de *domain.Error
	if !errors.As(err, &de) {
		log.ErrorContext(r.Context(), "unexpected error", "err", err, "path", r.URL.Path)
		de = &domain.Error{Code: domain.CodeInternal, Message: "an unexpected error occurred; it has been logged"}
	}
	status, ok := statusByCode[de.Code]
	if !ok {
		log.ErrorContext(r.Context(), "error code without status", "code", de.Code)
		status = http.StatusInternalServerError
	}
	if status == http.StatusInternalServerError && de.Code != domain.CodeInternal {
		de = &domain.Error{Code: domain.CodeInternal, Message: "an unexpected error occurred; it has been logged"}
	}
	p := Problem{
		Type:      "https://jejak.example/problems/" + string(de.Code),
		Title:     http.StatusText(status),
		Status:    status,
		Code:      string(de.Code),
		Detail:    de.Message,
		Instance:  r.URL.Path,
		RequestID: requestID(r.Context()),
	}
	for _, f := range de.Problems {
		p.Errors = append(p.Errors, ProblemField{Field: f.Field, Message: f.Message})
	}
	if de.Code == domain.CodeVersionConflict || de.Code == codePreconditionFailed {
		v := de.CurrentVersion
		p.CurrentVersion = &v
	}
	return p
}

// writeError writes err as application/problem+json.
func writeError(w http.ResponseWriter, r *http.Request, err error, log *slog.Logger) {
	p := problemFor(r, err, log)
	if rec := recordOf(r.Context()); rec != nil {
		rec.problem = p.Code
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	if p.Status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeJSON writes v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
