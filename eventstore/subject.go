package eventstore

import (
	"strings"

	"github.com/jejak-id/jejak/domain"
)

// subjects builds the subjects of one stream.
type subjects struct{ prefix string }

// aggregate returns <prefix>.<type>.<token>, where the token is the id with
// '.' replaced by '_' (region "18.04" -> "18_04"); domain.ValidAggregateID
// forbids '_', so two ids never share a subject. The caller validates.
func (s subjects) aggregate(t domain.AggregateType, id string) string {
	return s.prefix + "." + string(t) + "." + strings.ReplaceAll(id, ".", "_")
}

// all matches every event subject of the stream.
func (s subjects) all() string { return s.prefix + ".>" }
