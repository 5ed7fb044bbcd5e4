package natsinfra

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
)

// Signals from Translate to its callers, which never pass them on: the
// event store turns ErrStaleExpectation into one domain.ConflictError after
// looking up the current version, and lookups turn ErrNoMessage into "empty".
var (
	ErrStaleExpectation = errors.New("jetstream: expected last subject sequence is stale")
	ErrNoMessage        = errors.New("jetstream: no such message")
)

// Translate is the one place where NATS and JetStream errors become Jejak
// errors. JetStream API errors are matched by their numeric err_code, never
// by text. Unknown errors are wrapped (CodeInternal for callers, details for
// the log).
func Translate(op string, err error) error {
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
			return ErrStaleExpectation
		case jetstream.JSErrCodeMessageNotFound:
			return ErrNoMessage
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
	return fmt.Errorf("jetstream: %s: %w", op, err)
}
