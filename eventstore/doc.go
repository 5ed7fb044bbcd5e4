// Package eventstore implements domain.EventStore on NATS JetStream.
//
// All events live in one stream (JEJAK_EVENTS by default). Each aggregate
// instance has its own subject, <prefix>.<aggregate-type>.<id-token>, and each
// commit is exactly one message whose body is a JSON envelope holding the
// commit's events. The stream sequence of that message is the commit's global
// Position; optimistic concurrency uses the server's per-subject
// expected-last-sequence check, which also makes retries safe: a second copy
// of a commit is refused and recognised by its command id in the
// aggregate's history. See docs/ARCHITECTURE.md for the reasoning.
//
// Open creates or updates the stream on a NATS connection (from
// natsinfra.StartEmbedded or natsinfra.Dial) and returns a *Store.
// EventSubscriber offers the stream to watermill routers through durable
// consumers.
package eventstore
