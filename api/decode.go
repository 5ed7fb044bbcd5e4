package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/jejak-id/jejak/domain"
)

// strictJSON are the options every request body is read with. They are the
// defaults of encoding/json/v2 (go-json-experiment/json is its reference
// implementation, usable without GOEXPERIMENT), spelt out because they are
// what keeps bad input out of an append-only log:
//
//   - a member name given twice is refused (encoding/json keeps the last);
//   - names match the API's exactly: "Name" or "NAME" is not "name"
//     (encoding/json matches case-insensitively);
//   - invalid UTF-8 is refused (encoding/json replaces it with U+FFFD);
//   - unknown members are refused;
//   - a number that does not fit the field (1e400, 1.5 for a whole number,
//     2^63 for an int) is refused;
//   - anything after the one JSON value is refused.
var strictJSON = json.JoinOptions(
	json.RejectUnknownMembers(true),
	json.MatchCaseInsensitiveNames(false),
	jsontext.AllowDuplicateNames(false),
	jsontext.AllowInvalidUTF8(false),
)

// decodeJSON reads exactly one JSON object into v with strictJSON, and
// turns every failure into a coded problem that names the field
// (malformed_request, 400; too_large, 413).
func decodeJSON(r *http.Request, v any) error {
	// Bodies are always JSON; a form or file upload is refused, other
	// content types (curl's default among them) are read as JSON.
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/") {
		return domain.Errorf(codeMalformed, "send the body as application/json, not %s", domain.Quote(ct))
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return domain.Errorf(domain.CodeTooLarge, "the request body is larger than %d bytes", tooBig.Limit)
		}
		return domain.Errorf(codeMalformed, "the request body could not be read")
	}
	return decodeBody(body, v)
}

// decodeBody is decodeJSON on a body already read.
func decodeBody(body []byte, v any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return domain.Errorf(codeMalformed, "the request body is empty; send a JSON object")
	}
	err := json.Unmarshal(body, v, strictJSON)
	if err == nil {
		return nil
	}
	malformed := func(field, msg, detail string) error {
		e := &domain.Error{Code: codeMalformed, Message: detail}
		if field != "" {
			e.Problems = []domain.FieldProblem{{Field: field, Message: msg}}
		}
		return e
	}
	var syn *jsontext.SyntacticError
	var sem *json.SemanticError
	switch {
	case errors.As(err, &syn):
		field := pointerField(syn.JSONPointer)
		switch {
		case errors.Is(syn.Err, jsontext.ErrDuplicateName):
			return malformed(field, "appears more than once", "the body names a field twice")
		case !utf8.Valid(body):
			return malformed(field, "is not valid UTF-8", "the body is not valid UTF-8")
		case errors.Is(syn.Err, io.ErrUnexpectedEOF):
			return malformed(field, "", "the body is not valid JSON: it ends too early")
		}
		return malformed(field, "", fmt.Sprintf("the body is not valid JSON (at byte %d)", syn.ByteOffset))
	case errors.As(err, &sem):
		field := pointerField(sem.JSONPointer)
		switch {
		case errors.Is(sem.Err, json.ErrUnknownName):
			return malformed(field, "unknown field (names are case-sensitive)", "the body has a field this endpoint does not know")
		case field == "":
			return malformed("", "", "the body must be a JSON object")
		}
		return malformed(field, "must be "+describeType(sem.GoType), "a field has the wrong type or is out of range")
	}
	return domain.Errorf(codeMalformed, "the body could not be read as JSON")
}

// pointerField turns a JSON pointer into the API's field name:
// /evidence/link -> evidence.link, /schedule/0/start -> schedule[0].start.
func pointerField(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.ParseUint(tok, 10, 32); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return truncate(b.String(), 64)
}

// describeType says what a field of Go type t accepts, for problems.
func describeType(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number in range"
	case reflect.Float32, reflect.Float64:
		return "a number in range"
	case reflect.Slice, reflect.Array:
		return "a list of " + strings.TrimPrefix(describeType(t.Elem()), "a ")
	case reflect.Pointer:
		return describeType(t.Elem())
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "another type"
}

// truncate cuts s to at most n characters, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
