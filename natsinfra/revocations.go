package natsinfra

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// RevocationBucket is the replicated deny list of access tokens.
const RevocationBucket = "JEJAK_REVOKED"

// Revocations is the deny list of access tokens, a JetStream KV bucket
// (replicated like the stream): "token.<id>" revokes one token,
// "user.<base64url(user)>" every token of a user issued up to the instant
// stored. Every process watches the bucket and keeps the list in memory,
// so a revocation written anywhere is honoured everywhere as soon as the
// watch delivers it (milliseconds). Safe for concurrent use.
type Revocations struct {
	kv jetstream.KeyValue

	mu     sync.RWMutex
	tokens map[string]bool
	users  map[string]time.Time
}

// OpenRevocations creates or opens the bucket (file storage, nothing
// expires: a revoked token stays revoked).
func OpenRevocations(ctx context.Context, nc *nats.Conn, replicas int) (*Revocations, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("natsinfra: %w", err)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: RevocationBucket,
		Description: "Jejak revoked access tokens", History: 1,
		Storage: jetstream.FileStorage, Replicas: max(replicas, 1)})
	if err != nil {
		return nil, Translate("open "+RevocationBucket, err)
	}
	return &Revocations{kv: kv, tokens: map[string]bool{}, users: map[string]time.Time{}}, nil
}

func userKey(user string) string {
	return "user." + base64.RawURLEncoding.EncodeToString([]byte(user))
}

// RevokeToken denies the token with id from now on.
func (r *Revocations) RevokeToken(ctx context.Context, id string, at time.Time) error {
	if id == "" || strings.ContainsAny(id, ".*> ") {
		return errors.New("natsinfra: a token id has no dots, spaces or wildcards")
	}
	_, err := r.kv.Put(ctx, "token."+id, []byte(at.UTC().Format(time.RFC3339Nano)))
	return Translate("revoke token", err)
}

// RevokeUser denies every token of user issued at or before at.
func (r *Revocations) RevokeUser(ctx context.Context, user string, at time.Time) error {
	if user == "" {
		return errors.New("natsinfra: a user is required")
	}
	_, err := r.kv.Put(ctx, userKey(user), []byte(at.UTC().Format(time.RFC3339Nano)))
	return Translate("revoke user", err)
}

// Watch follows the bucket until ctx ends, keeping the in-memory list
// current. It returns once the entries present at the start are loaded.
func (r *Revocations) Watch(ctx context.Context) error {
	w, err := r.kv.WatchAll(ctx)
	if err != nil {
		return Translate("watch "+RevocationBucket, err)
	}
	loaded := make(chan struct{})
	go func() {
		once := sync.OnceFunc(func() { close(loaded) })
		defer once()
		for entry := range w.Updates() {
			if entry == nil { // the initial values have all been delivered
				once()
				continue
			}
			r.apply(entry)
		}
	}()
	select {
	case <-loaded:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *Revocations) apply(e jetstream.KeyValueEntry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	deleted := e.Operation() != jetstream.KeyValuePut
	switch key := e.Key(); {
	case strings.HasPrefix(key, "token."):
		id := strings.TrimPrefix(key, "token.")
		if deleted {
			delete(r.tokens, id)
		} else {
			r.tokens[id] = true
		}
	case strings.HasPrefix(key, "user."):
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(key, "user."))
		if err != nil {
			return
		}
		at, err := time.Parse(time.RFC3339Nano, string(e.Value()))
		if deleted || err != nil {
			delete(r.users, string(raw))
		} else {
			r.users[string(raw)] = at
		}
	}
}

// Revoked reports whether a token (its id, user and issue time) is denied.
func (r *Revocations) Revoked(id, user string, issuedAt time.Time) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if id != "" && r.tokens[id] {
		return true
	}
	at, ok := r.users[user]
	return ok && !issuedAt.After(at)
}
