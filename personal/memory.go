package personal

import (
	"context"
	"sync"
)

// MemoryKeys is a Keys store in memory, for tests and for tools that seal
// data that is never read back in clear. Safe for concurrent use.
type MemoryKeys struct {
	mu sync.Mutex
	m  map[string][]byte
}

// NewMemoryKeys returns an empty store.
func NewMemoryKeys() *MemoryKeys { return &MemoryKeys{m: map[string][]byte{}} }

// Get implements Keys.
func (k *MemoryKeys) Get(_ context.Context, key string) ([]byte, bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[key]
	return v, ok, nil
}

// Create implements Keys.
func (k *MemoryKeys) Create(_ context.Context, key string, value []byte) (bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[key]; ok {
		return false, nil
	}
	k.m[key] = append([]byte(nil), value...)
	return true, nil
}

// Delete implements Keys.
func (k *MemoryKeys) Delete(_ context.Context, key string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, key)
	return nil
}
