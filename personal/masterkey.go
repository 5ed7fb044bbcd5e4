package personal

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// LoadOrCreateMasterKey reads the master key at path (base64 of 32 bytes,
// one line), creating it with a random key (mode 0600, its directory 0700)
// when it does not exist.
func LoadOrCreateMasterKey(path string) ([]byte, error) {
	key, err := LoadMasterKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	key = NewMasterKey()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) { // another process made it first
			return LoadMasterKey(path)
		}
		return nil, err
	}
	_, err = f.WriteString(EncodeMasterKey(key))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return key, err
}

// LoadMasterKey reads the master key at path.
func LoadMasterKey(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(key) != MasterKeySize {
		return nil, fmt.Errorf("personal: %s is not a master key (base64 of %d bytes)", path, MasterKeySize)
	}
	return key, nil
}

// NewMasterKey returns a random master key.
func NewMasterKey() []byte {
	key := make([]byte, MasterKeySize)
	rand.Read(key)
	return key
}

// EncodeMasterKey is the file form of a master key.
func EncodeMasterKey(key []byte) string { return base64.StdEncoding.EncodeToString(key) + "\n" }
