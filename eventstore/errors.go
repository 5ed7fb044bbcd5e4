package eventstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
)

// Signals between translate and its callers. They never leave the package:
// Append turns errStaleExpectation into one domain.ConflictError after
// looking up the current version, and lookups turn errNoMessage into "empty".
var (
	errStaleExpectation = errors.New("eventstore: expected last subject sequence is stale")
	errNoMessage        = errors.New("eventstore: no such message")
)

func errClosed() error {
	return domain.Errorf(domain.CodeUnavailable, "the event store is closed")
}

// translate is the one place where NATS and JetStream errors become Jejak
// errors. JetStream API errors are matched by their numeric err_code, never
// by text. Unknown errors are wrapped (CodeInternal for callers, details for
// the log).
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var coded *domain.Error
	if errors.As(err, &coded) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode {
		case jetstream.JSErrCodeStreamWrongLastSequence, jetstream.JSErrCodeStreamWrongLastSequenceConstant:
			return errStaleExpectation
		case jetstream.JSErrCodeMessageNotFound:
			return errNoMessage
		case jetstream.JSErrCodeStreamMessageExceedsMaximum:
			return domain.Errorf(domain.CodeTooLarge, "the commit is larger than the server accepts")
		case jetstream.JSErrCodeStreamNotFound, jetstream.JSErrCodeJetStreamNotEnabled,
			jetstream.JSErrCodeJetStreamNotEnabledForAccount:
			return domain.Errorf(domain.CodeUnavailable, "the event stream is not available")
		}
		if apiErr.Code == 503 {
			return domain.Errorf(domain.CodeUnavailable, "the event store is temporarily unavailable")
		}
	}
	switch {
	case errors.Is(err, nats.ErrConnectionClosed), errors.Is(err, nats.ErrConnectionDraining),
		errors.Is(err, nats.ErrDisconnected), errors.Is(err, nats.ErrNoServers),
		errors.Is(err, nats.ErrNoResponders), errors.Is(err, jetstream.ErrNoStreamResponse),
		errors.Is(err, jetstream.ErrServerShutdown), errors.Is(err, jetstream.ErrConsumerDeleted):
		return domain.Errorf(domain.CodeUnavailable, "the event store is unreachable")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, nats.ErrTimeout):
		return domain.Errorf(domain.CodeUnavailable, "the event store did not answer in time")
	case errors.Is(err, nats.ErrMaxPayload):
		return domain.Errorf(domain.CodeTooLarge, "the commit is larger than the server accepts")
	}
	return fmt.Errorf("eventstore: %s: %w", op, err)
}

// decodeError reports a stored message this program cannot read. It is not a
// domain error: an unreadable log is a deployment problem, not user input.
func decodeError(seq uint64, err error) error {
	return fmt.Errorf("eventstore: message at position %d cannot be decoded: %w", seq, err)
}
