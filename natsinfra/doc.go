// Package natsinfra is Jejak's NATS toolbox, everything it runs on NATS
// besides the event stream itself:
//
//   - StartEmbedded runs a nats-server with JetStream inside the process
//     (the single-node default); Dial connects to an external server or
//     cluster (credentials, nkeys, TLS);
//   - Blobs keeps named objects (checkpoints, snapshots, export files) in
//     object store buckets;
//   - Records, IdempotencyKeys: write-once records and idempotency keys in
//     key-value buckets;
//   - DeadLetters: the stream of reactor messages that failed every try;
//   - Translate: the one place where NATS and JetStream errors become
//     Jejak errors, by numeric error code, never by text.
//
// The event store (package eventstore) builds on it; nothing here knows
// about events.
package natsinfra
