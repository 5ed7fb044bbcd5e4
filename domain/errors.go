package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Code is a stable, machine-readable error code. Codes are part of the public
// API (they appear in problem+json responses and CLI output): add new ones,
// never rename.
type Code string

// The error codes used by every command. The api package maps each to one HTTP
// status in a single table.
const (
	CodeInvalid           Code = "invalid"            // input failed validation; Problems lists every field
	CodeNotFound          Code = "not_found"          // the aggregate or resource does not exist
	CodeAlreadyExists     Code = "already_exists"     // creating something that exists
	CodeVersionConflict   Code = "version_conflict"   // optimistic concurrency: CurrentVersion is set
	CodeIllegalTransition Code = "illegal_transition" // life-cycle rule; the message says what is allowed next
	CodePhaseClosed       Code = "phase_closed"       // the assessment period is not in the phase this needs
	CodeForbidden         Code = "forbidden"          // the actor's role may not do this
	CodeOutOfScope        Code = "out_of_scope"       // the actor's region scope does not cover the target
	CodeFourEyes          Code = "four_eyes"          // a verifier may not verify their own submission
	CodeDuplicate         Code = "duplicate"          // the same fact recorded twice (e.g. attendee)
	CodeTooLarge          Code = "too_large"          // a payload over the store's limit
	CodeUnavailable       Code = "unavailable"        // the store is closed or unreachable; retry later
	CodeTimeout           Code = "timeout"            // a bounded wait ran out (e.g. min_position)
	CodeInternal          Code = "internal"           // anything unexpected; details only in logs
)

// FieldProblem is one validation failure of one input field.
type FieldProblem struct {
	Field   string
	Message string
}

// Error is the one coded error type of Jejak. Message is safe to show to the
// user; it never contains internal details.
type Error struct {
	Code    Code
	Message string
	// Problems lists every validation failure at once (CodeInvalid).
	Problems []FieldProblem
	// CurrentVersion is the aggregate's version at the time of a
	// CodeVersionConflict.
	CurrentVersion uint64
}

func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf returns an *Error with the given code and a formatted, user-safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ConflictError reports that an aggregate is at current, not at the version a
// command expected.
func ConflictError(aggregate AggregateType, id string, expected, current uint64) *Error {
	return &Error{
		Code:           CodeVersionConflict,
		Message:        fmt.Sprintf("%s %s is at version %d, not %d", aggregate, id, current, expected),
		CurrentVersion: current,
	}
}

// ErrorCode returns the code of err, CodeInternal for errors that are not an
// *Error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// IsCode reports whether err is an *Error with the given code.
func IsCode(err error, code Code) bool {
	return err != nil && ErrorCode(err) == code
}

// Problems collects validation failures so that a command reports all of them
// at once. The zero value is ready to use.
type Problems []FieldProblem

// Add records a problem with field.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, FieldProblem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Check adds a problem when ok is false.
func (p *Problems) Check(ok bool, field, format string, args ...any) {
	if !ok {
		p.Add(field, format, args...)
	}
}

// Err returns nil when there are no problems, otherwise an *Error with
// CodeInvalid listing all of them.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalid, Message: "the input is not valid", Problems: append([]FieldProblem(nil), p...)}
}
