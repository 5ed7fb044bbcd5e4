package eventstore

import (
	"regexp"
	"strings"

	"github.com/jejak-id/jejak/domain"
)

var (
	// aggregateIDPattern forbids '_' so that '.' can map to '_' in a subject
	// token without two ids sharing a subject.
	aggregateIDPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,127}$`)
	aggregateTypePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`)
)

// ValidAggregateID reports whether id can name an aggregate: 1-128 letters,
// digits, '.' or '-', starting with a letter or digit ("18.04",
// "2025-18.04", a UUID).
func ValidAggregateID(id string) bool { return aggregateIDPattern.MatchString(id) }

// ValidAggregateType reports whether t is a lowercase word usable as a
// subject token.
func ValidAggregateType(t domain.AggregateType) bool {
	return aggregateTypePattern.MatchString(string(t))
}

// subjects builds the subjects of one stream.
type subjects struct{ prefix string }

// aggregate returns <prefix>.<type>.<token>, where the token is the id with
// '.' replaced by '_' (region "18.04" -> "18_04"). The caller validates.
func (s subjects) aggregate(t domain.AggregateType, id string) string {
	return s.prefix + "." + string(t) + "." + strings.ReplaceAll(id, ".", "_")
}

// all matches every event subject of the stream.
func (s subjects) all() string { return s.prefix + ".>" }
