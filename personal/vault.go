// Package personal keeps the keys of personal data (docs/PRIVACY.md): it
// implements domain.PersonalData with AES-256-GCM from the standard
// library. Each data subject has a random data key; data keys are stored
// wrapped by a key derived from the master key, in a Keys store (the KV
// bucket JEJAK_KEYS, natsinfra.PersonalKeys; MemoryKeys in tests). The
// same person is found again through an HMAC-SHA256 of their NIP, keyed by
// a second key derived from the master key. Shredding a subject deletes
// its data key: what was sealed for it never opens again.
package personal

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// Keys is where wrapped data keys and the NIP index live. Implementations
// are safe for concurrent use; keys are "subject.<uuid>" and "nip.<hex>".
type Keys interface {
	// Get returns the value under key; ok is false when there is none.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// Create stores value under key unless key exists (created false, no
	// error, then).
	Create(ctx context.Context, key string, value []byte) (created bool, err error)
	// Delete removes key, overwriting the stored bytes where the store can.
	// A key that does not exist is not an error.
	Delete(ctx context.Context, key string) error
}

// MasterKeySize is the size of the master key in bytes.
const MasterKeySize = 32

// CacheFor is how long a Vault keeps an unwrapped data key in memory. A
// key shredded by another process stops opening here at most this long
// after (replicas see an erasure well within the 2 s the issue allows).
const CacheFor = time.Second

// Vault implements domain.PersonalData. Safe for concurrent use.
type Vault struct {
	keys  Keys
	wrap  cipher.AEAD
	index []byte
	now   func() time.Time
	// synthetic: nonces derived, not random (Options.SyntheticNonces)
	synthetic bool

	mu    sync.Mutex
	cache map[string]cachedKey
}

type cachedKey struct {
	key dataKey
	at  time.Time
}

// dataKey is an unwrapped data key and its cipher.
type dataKey struct {
	raw  []byte
	aead cipher.AEAD
}

func newDataKey(raw []byte) (dataKey, error) {
	aead, err := newGCM(raw)
	return dataKey{raw: raw, aead: aead}, err
}

var _ domain.PersonalData = (*Vault)(nil)

// Options tune a Vault.
type Options struct {
	// Now is the clock of the key cache (time.Now if nil).
	Now func() time.Time
	// SyntheticNonces derives each nonce from the data key, the field's
	// associated data and the plaintext (HMAC-SHA256) instead of drawing
	// it at random, so that sealing the same field twice gives the same
	// bytes. For tests that compare histories written twice only: it
	// reveals that two ciphertexts of one person's field are equal.
	SyntheticNonces bool
}

// NewVault returns a vault on keys with the given master key (32 bytes).
func NewVault(keys Keys, master []byte, opts Options) (*Vault, error) {
	if len(master) != MasterKeySize {
		return nil, fmt.Errorf("personal: the master key has %d bytes, not %d", len(master), MasterKeySize)
	}
	wrapKey, err := hkdf.Key(sha256.New, master, nil, "jejak personal wrap", 32)
	if err != nil {
		return nil, err
	}
	indexKey, err := hkdf.Key(sha256.New, master, nil, "jejak personal index", 32)
	if err != nil {
		return nil, err
	}
	wrap, err := newGCM(wrapKey)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Vault{keys: keys, wrap: wrap, index: indexKey, now: now, synthetic: opts.SyntheticNonces,
		cache: map[string]cachedKey{}}, nil
}

// Ephemeral returns a vault on memory keys with a random master key: what
// it seals can be opened only through it, and by nobody once it is gone.
// For generated data that is never read back in clear (benchmarks).
func Ephemeral() *Vault {
	v, err := NewVault(NewMemoryKeys(), NewMasterKey(), Options{})
	if err != nil {
		panic(err) // the key has the right size
	}
	return v
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// subjectRecord is the value of "subject.<uuid>": the data key wrapped,
// and the NIP hash whose index entry Shred deletes with it.
type subjectRecord struct {
	Key     string `json:"key"` // base64(nonce || AES-256-GCM(wrapping key, data key)), AD "jejak-subject-key/<subject>"
	NIPHash string `json:"nip_hash"`
}

func subjectKey(subject string) string { return "subject." + subject }
func indexKey(hash string) string      { return "nip." + hash }

func fieldAD(subject, field string) []byte { return []byte(subject + "/" + field) }
func wrapAD(subject string) []byte         { return []byte("jejak-subject-key/" + subject) }

// NIPHash is the keyed hash of an NIP (hex HMAC-SHA256 under the index key).
func (v *Vault) NIPHash(nip string) string {
	m := hmac.New(sha256.New, v.index)
	m.Write([]byte(nip))
	return hex.EncodeToString(m.Sum(nil))
}

// Seal implements domain.PersonalData.
func (v *Vault) Seal(ctx context.Context, p domain.Participant) (domain.Attendee, error) {
	if !domain.ValidNIP(p.NIP) {
		return domain.Attendee{}, domain.Errorf(domain.CodeInvalid, "the NIP must be 18 digits")
	}
	hash := v.NIPHash(p.NIP)
	subject, dk, err := v.subjectOf(ctx, hash)
	if err != nil {
		return domain.Attendee{}, err
	}
	a := domain.Attendee{Subject: subject, NIPHash: hash, Unit: p.Unit, Role: p.Role, Region: p.Region}
	for _, f := range []struct {
		dst   *domain.Sealed
		name  string
		value string
	}{{&a.Name, domain.FieldName, p.Name}, {&a.NIP, domain.FieldNIP, p.NIP},
		{&a.Position, domain.FieldPosition, p.Position}, {&a.Contact, domain.FieldContact, p.Contact}} {
		if f.value == "" {
			continue
		}
		*f.dst = domain.Sealed(v.seal(dk, []byte(f.value), fieldAD(subject, f.name)))
	}
	return a, nil
}

// seal returns base64(nonce || ciphertext || tag): a random nonce, or with
// SyntheticNonces one derived from the key, the associated data and the
// plaintext.
func (v *Vault) seal(dk dataKey, plain, ad []byte) string {
	nonce := make([]byte, dk.aead.NonceSize(), dk.aead.NonceSize()+len(plain)+dk.aead.Overhead())
	if v.synthetic {
		m := hmac.New(sha256.New, dk.raw)
		m.Write(ad)
		m.Write([]byte{0})
		m.Write(plain)
		copy(nonce, m.Sum(nil))
	} else {
		rand.Read(nonce)
	}
	return base64.RawStdEncoding.EncodeToString(dk.aead.Seal(nonce, nonce, plain, ad))
}

func open(aead cipher.AEAD, sealed string, ad []byte) ([]byte, error) {
	b, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(b) < aead.NonceSize() {
		return nil, errors.New("personal: a sealed field is malformed")
	}
	return aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], ad)
}

// subjectOf returns the subject of the NIP hash, creating it with a new
// data key when the hash is not indexed. Of two callers creating the same
// person at once, the one whose index entry is stored first wins; the
// other drops the subject it made.
func (v *Vault) subjectOf(ctx context.Context, hash string) (string, dataKey, error) {
	for range 3 {
		raw, ok, err := v.keys.Get(ctx, indexKey(hash))
		if err != nil {
			return "", dataKey{}, err
		}
		if ok {
			subject := string(raw)
			dk, err := v.dataKey(ctx, subject)
			if errors.Is(err, domain.ErrErased) {
				// The index entry outlived its key (a shred cut short):
				// finish the shred, and the person gets a new subject.
				if err := v.keys.Delete(ctx, indexKey(hash)); err != nil {
					return "", dataKey{}, err
				}
				continue
			}
			return subject, dk, err
		}
		subject := uuid.Must(uuid.NewV7()).String()
		raw = make([]byte, 32)
		rand.Read(raw)
		dk, err := newDataKey(raw)
		if err != nil {
			return "", dataKey{}, err
		}
		wrap := dataKey{aead: v.wrap}
		rec, err := json.Marshal(subjectRecord{Key: v.sealRandom(wrap, raw, wrapAD(subject)), NIPHash: hash})
		if err != nil {
			return "", dataKey{}, err
		}
		if _, err := v.keys.Create(ctx, subjectKey(subject), rec); err != nil {
			return "", dataKey{}, err
		}
		created, err := v.keys.Create(ctx, indexKey(hash), []byte(subject))
		if err != nil {
			return "", dataKey{}, err
		}
		if !created {
			if err := v.keys.Delete(ctx, subjectKey(subject)); err != nil {
				return "", dataKey{}, err
			}
			continue
		}
		v.remember(subject, dk)
		return subject, dk, nil
	}
	return "", dataKey{}, domain.Errorf(domain.CodeUnavailable, "the personal data index keeps changing; retry")
}

// sealRandom seals with a random nonce whatever the options (data keys).
func (v *Vault) sealRandom(k dataKey, plain, ad []byte) string {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plain)+k.aead.Overhead())
	rand.Read(nonce)
	return base64.RawStdEncoding.EncodeToString(k.aead.Seal(nonce, nonce, plain, ad))
}

// dataKey returns subject's data key, unwrapped (cached for CacheFor);
// domain.ErrErased when there is none.
func (v *Vault) dataKey(ctx context.Context, subject string) (dataKey, error) {
	now := v.now()
	v.mu.Lock()
	c, ok := v.cache[subject]
	v.mu.Unlock()
	if ok && now.Sub(c.at) < CacheFor && !now.Before(c.at) {
		return c.key, nil
	}
	rec, ok, err := v.record(ctx, subject)
	if err != nil {
		return dataKey{}, err
	}
	if !ok {
		v.forget(subject)
		return dataKey{}, domain.ErrErased
	}
	raw, err := open(v.wrap, rec.Key, wrapAD(subject))
	if err != nil {
		return dataKey{}, fmt.Errorf("personal: the data key of %s does not unwrap (another master key?): %w", subject, err)
	}
	dk, err := newDataKey(raw)
	if err != nil {
		return dataKey{}, err
	}
	v.remember(subject, dk)
	return dk, nil
}

func (v *Vault) record(ctx context.Context, subject string) (subjectRecord, bool, error) {
	raw, ok, err := v.keys.Get(ctx, subjectKey(subject))
	if err != nil || !ok {
		return subjectRecord{}, false, err
	}
	var rec subjectRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return subjectRecord{}, false, fmt.Errorf("personal: the key record of %s is malformed: %w", subject, err)
	}
	return rec, true, nil
}

// maxCached bounds the key cache.
const maxCached = 10_000

func (v *Vault) remember(subject string, dk dataKey) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.cache) >= maxCached {
		clear(v.cache) // cheap to fetch again
	}
	v.cache[subject] = cachedKey{key: dk, at: v.now()}
}

func (v *Vault) forget(subject string) {
	v.mu.Lock()
	delete(v.cache, subject)
	v.mu.Unlock()
}

// Open implements domain.PersonalData.
func (v *Vault) Open(ctx context.Context, a domain.Attendee) (domain.PersonalFields, error) {
	if a.Legacy() {
		return domain.PersonalFields{Name: a.LegacyName}, nil
	}
	dk, err := v.dataKey(ctx, a.Subject)
	if err != nil {
		return domain.PersonalFields{}, err
	}
	var out domain.PersonalFields
	for _, f := range []struct {
		dst    *string
		name   string
		sealed domain.Sealed
	}{{&out.Name, domain.FieldName, a.Name}, {&out.NIP, domain.FieldNIP, a.NIP},
		{&out.Position, domain.FieldPosition, a.Position}, {&out.Contact, domain.FieldContact, a.Contact}} {
		if f.sealed == "" {
			continue
		}
		plain, err := open(dk.aead, string(f.sealed), fieldAD(a.Subject, f.name))
		if err != nil {
			return domain.PersonalFields{}, fmt.Errorf("personal: %s of %s does not open: %w", f.name, a.Subject, err)
		}
		*f.dst = string(plain)
	}
	return out, nil
}

// Known implements domain.PersonalData.
func (v *Vault) Known(ctx context.Context, subject string) (bool, error) {
	_, ok, err := v.keys.Get(ctx, subjectKey(subject))
	return ok, err
}

// Shred implements domain.PersonalData: the index entry goes first, then
// the data key, so that a shred cut short leaves at worst an index entry
// without a key (which Seal cleans up).
func (v *Vault) Shred(ctx context.Context, subject string) error {
	v.forget(subject)
	rec, ok, err := v.record(ctx, subject)
	if err != nil || !ok {
		return err
	}
	if rec.NIPHash != "" {
		if err := v.keys.Delete(ctx, indexKey(rec.NIPHash)); err != nil {
			return err
		}
	}
	if err := v.keys.Delete(ctx, subjectKey(subject)); err != nil {
		return err
	}
	v.forget(subject)
	return nil
}
