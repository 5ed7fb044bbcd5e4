// Package memstore is an in-memory domain.EventStore with the contract of
// the JetStream store (package eventstore), proven by the same behaviour
// suite (eventstore/storetest). It is for tests that need a real store but
// nothing of NATS: domain service tests, decide-path comparisons. Anything
// that tests the API, projection consistency or the system as deployed uses
// the JetStream store on an embedded server.
//
// Like the JetStream store it keeps events encoded (JSON, through the event
// specs) and decodes them on every read, so a stored event cannot be
// changed through a value the caller still holds, an event that cannot be
// encoded is refused, and what is read back is what a codec gives. Unlike
// it, it keeps nothing beyond the process and remembers every command id
// for ever (there is no duplicate window to fall out of).
package memstore
