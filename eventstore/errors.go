package eventstore

import (
	"fmt"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/natsinfra"
)

// translate turns NATS and JetStream errors into Jejak errors (see
// natsinfra.Translate, the one place that reads JetStream error codes).
func translate(op string, err error) error { return natsinfra.Translate("eventstore: "+op, err) }

// The signals translate gives; they never leave the package: Append turns a
// stale expectation into one domain.ConflictError after looking up the
// current version, and lookups turn "no message" into "empty".
var (
	errStaleExpectation = natsinfra.ErrStaleExpectation
	errNoMessage        = natsinfra.ErrNoMessage
)

func errClosed() error {
	return domain.Errorf(domain.CodeUnavailable, "the event store is closed")
}

// decodeError reports a stored message this program cannot read. It is not a
// domain error: an unreadable log is a deployment problem, not user input.
func decodeError(seq uint64, err error) error {
	return fmt.Errorf("eventstore: message at position %d cannot be decoded: %w", seq, err)
}
