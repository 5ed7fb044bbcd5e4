package eventstore

import (
	crand "crypto/rand"
	"math/rand/v2"
	"sync"

	"github.com/google/uuid"
)

// idSource makes the UUID v7 event ids of one store. The random bits come
// from a ChaCha8 generator seeded from crypto/rand when the store opens, not
// from a crypto/rand read per id: ids must be unique and unguessable enough,
// and an append should not pay a system call for them. Timestamps and their
// monotonic ordering are uuid's (NewV7FromReader). Safe for concurrent use.
type idSource struct {
	mu  sync.Mutex
	rng *rand.ChaCha8
}

func newIDSource() (*idSource, error) {
	var seed [32]byte
	if _, err := crand.Read(seed[:]); err != nil {
		return nil, err
	}
	return &idSource{rng: rand.NewChaCha8(seed)}, nil
}

// Read fills p with random bytes; it never fails.
func (s *idSource) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Read(p)
}

func (s *idSource) newV7() (uuid.UUID, error) { return uuid.NewV7FromReader(s) }
