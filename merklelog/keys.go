package merklelog

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// Sealing keys are Ed25519 keys in the signed-note formats of
// golang.org/x/mod/sumdb/note (used by the Go checksum database and C2SP
// logs):
//
//	private (seal.key, 0600): PRIVATE+KEY+<name>+<key hash, 8 hex>+<base64(0x01 || seed)>
//	public  (seal.pub):       <name>+<key hash, 8 hex>+<base64(0x01 || public key)>
//
// The name is the log's origin. The key hash (the key id in every head) is
// the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key), so a
// rotated key keeps the name and gets a new id. The sealing key is not the
// token key: it signs history, not sessions.

// DefaultOrigin names the log when a key is generated without a name.
const DefaultOrigin = "jejak/events"

// SigningKey is the sealing key: a note signer and its public key.
type SigningKey struct {
	Signer    note.Signer
	Verifier  note.Verifier
	PublicKey string // verifier key text, as in seal.pub
}

// LoadOrCreateKey reads the private key at path, creating a key named
// origin (and its public key at PublicKeyPath(path)) when there is none.
func LoadOrCreateKey(path, origin string) (SigningKey, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := GenerateKeyFiles(path, origin); err != nil {
			return SigningKey{}, err
		}
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return SigningKey{}, fmt.Errorf("sealing key: %w", err)
	}
	k, err := ParseSigningKey(strings.TrimSpace(string(data)))
	if err != nil {
		return SigningKey{}, fmt.Errorf("sealing key %s: %w", path, err)
	}
	return k, nil
}

// ParseSigningKey reads a private key in the note format.
func ParseSigningKey(skey string) (SigningKey, error) {
	signer, err := note.NewSigner(skey)
	if err != nil {
		return SigningKey{}, err
	}
	// PRIVATE+KEY+<name>+<hash>+<base64(alg || seed)>
	parts := strings.SplitN(skey, "+", 5)
	raw, err := base64.StdEncoding.DecodeString(parts[len(parts)-1])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return SigningKey{}, errors.New("not an Ed25519 note key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(signer.Name(), pub)
	if err != nil {
		return SigningKey{}, err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return SigningKey{}, err
	}
	return SigningKey{Signer: signer, Verifier: verifier, PublicKey: vkey}, nil
}

// GenerateKeyFiles writes a new key pair: the private key at path (0600)
// and the public key at PublicKeyPath(path) (0644). It refuses to replace
// an existing private key.
func GenerateKeyFiles(path, origin string) error {
	if origin == "" {
		origin = DefaultOrigin
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return fmt.Errorf("sealing key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("sealing key: %w", err)
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.WriteFile(PublicKeyPath(path), []byte(vkey+"\n"), 0o644)
}

// PublicKeyPath is where the public key of the private key at path is
// kept: the same name with the extension .pub.
func PublicKeyPath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".pub"
}

// ParsePublicKeys reads verifier keys, one a line; blank lines and lines
// starting with # are skipped.
func ParsePublicKeys(text string) ([]note.Verifier, error) {
	var out []note.Verifier
	sc := bufio.NewScanner(strings.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		v, err := note.NewVerifier(l)
		if err != nil {
			return nil, fmt.Errorf("public key on line %d: %w", line, err)
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

// LoadPublicKeys reads verifier keys from files (see ParsePublicKeys).
func LoadPublicKeys(paths ...string) ([]note.Verifier, error) {
	var out []note.Verifier
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("public key: %w", err)
		}
		vs, err := ParsePublicKeys(string(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, vs...)
	}
	return out, nil
}
