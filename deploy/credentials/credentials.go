// Package credentials writes the secrets of a Jejak cluster: the NATS
// passwords and the Ed25519 key that signs and verifies access tokens.
//
// A directory made by Generate holds:
//
//	nats.env   NATS_JEJAK_PASSWORD, NATS_SYS_PASSWORD (read by the nats-server configs)
//	jejak.env  JEJAK_NATS_USER, JEJAK_NATS_PASSWORD  (read by jejak serve)
//	token.pem  Ed25519 private key, PKCS#8 PEM       (shared by every jejak replica)
//	seal.key   Ed25519 sealing key of the Merkle log, signed-note format (shared by every replica)
//	seal.pub   its public key, for auditors (jejak verify-proof, verify --log)
//	personal.key  master key of personal data (base64, 32 bytes; shared by every replica, docs/PRIVACY.md)
//	tls/       the cluster's own CA certificate (ca.pem) and the NATS nodes'
//	           certificate and key (nats.pem, nats-key.pem), used for client
//	           connections and cluster routes
//	ca-key.pem the CA's key (0600, never mounted), to issue more certificates
//
// The directory is private (0700). token.pem, seal.key, personal.key and the certificates' keys are
// world-readable (0644) because they are bind-mounted into containers that
// run as uid 10001; the directory's mode is what keeps other host users out.
// The CA's key is 0600 and never mounted.
package credentials

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/jejak-id/jejak/merklelog"
	"github.com/jejak-id/jejak/personal"
)

// File names inside a credentials directory.
const (
	NATSEnvFile  = "nats.env"
	JejakEnvFile = "jejak.env"
	TokenKeyFile = "token.pem"
	SealKeyFile  = "seal.key"
	SealPubFile  = "seal.pub"
	// PersonalKeyFile is the master key of personal data (issue 20).
	PersonalKeyFile = "personal.key"
)

// SealOrigin names the cluster's Merkle log (the sealing key's name).
const SealOrigin = "jejak/events"

// JejakUser is the NATS user of the jejak services, in account JEJAK.
const JejakUser = "jejak"

// Generate writes fresh credentials into dir, creating it. It refuses to
// replace existing files (which would lock running services out) and returns
// fs.ErrExist then, unless overwrite is true.
func Generate(dir string, overwrite bool) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if !overwrite {
		if exists(dir, NATSEnvFile) && (!exists(dir, SealKeyFile) || !exists(dir, PersonalKeyFile)) {
			// Credentials from before the Merkle log or before issue 20:
			// add the missing keys only.
			if !exists(dir, SealKeyFile) {
				if err := generateSealKey(dir); err != nil {
					return err
				}
			}
			if !exists(dir, PersonalKeyFile) {
				return generatePersonalKey(dir)
			}
			return nil
		}
		for _, name := range []string{NATSEnvFile, JejakEnvFile, TokenKeyFile, SealKeyFile, PersonalKeyFile} {
			if exists(dir, name) {
				return fmt.Errorf("credentials: %s: %w", filepath.Join(dir, name), fs.ErrExist)
			}
		}
	}
	jejakPassword, sysPassword := randomPassword(), randomPassword()
	key, err := tokenKeyPEM()
	if err != nil {
		return err
	}
	ca, server, err := generateTLS()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, TLSDir), 0o755); err != nil {
		return err
	}
	tls := func(name string) string { return filepath.Join(TLSDir, name) }
	files := []struct {
		name string
		mode os.FileMode
		data string
	}{
		{NATSEnvFile, 0o600, "NATS_JEJAK_PASSWORD=" + jejakPassword + "\nNATS_SYS_PASSWORD=" + sysPassword + "\n"},
		{JejakEnvFile, 0o600, "JEJAK_NATS_USER=" + JejakUser + "\nJEJAK_NATS_PASSWORD=" + jejakPassword + "\n"},
		{TokenKeyFile, 0o644, key},
		{tls(CAFile), 0o644, ca.cert},
		{CAKeyFile, 0o600, ca.key},
		{tls(ServerFile), 0o644, server.cert},
		{tls(ServerKeyFile), 0o644, server.key},
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, []byte(f.data), f.mode); err != nil {
			return err
		}
		if err := os.Chmod(path, f.mode); err != nil { // WriteFile keeps the mode of an existing file
			return err
		}
	}
	if err := generateSealKey(dir); err != nil {
		return err
	}
	if exists(dir, PersonalKeyFile) {
		return nil // even with overwrite: a new one would make every stored personal field unreadable
	}
	return generatePersonalKey(dir)
}

// generatePersonalKey writes a new master key of personal data. Replacing
// it would make every stored personal field unreadable, so it is written
// only where there is none.
func generatePersonalKey(dir string) error {
	path := filepath.Join(dir, PersonalKeyFile)
	if err := os.WriteFile(path, []byte(personal.EncodeMasterKey(personal.NewMasterKey())), 0o644); err != nil {
		return err
	}
	return os.Chmod(path, 0o644) // read by uid 10001 in the containers
}

func exists(dir, name string) bool {
	_, err := os.Stat(filepath.Join(dir, name))
	return err == nil
}

// generateSealKey writes a new sealing key pair, replacing an old one.
func generateSealKey(dir string) error {
	seal := filepath.Join(dir, SealKeyFile)
	for _, p := range []string{seal, filepath.Join(dir, SealPubFile)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := merklelog.GenerateKeyFiles(seal, SealOrigin); err != nil {
		return err
	}
	return os.Chmod(seal, 0o644) // read by uid 10001 in the containers
}

// ReadEnv reads a KEY=VALUE file as written by Generate.
func ReadEnv(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	env := make(map[string]string)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("credentials: %s: bad line %q", path, line)
		}
		env[k] = v
	}
	return env, sc.Err()
}

// randomPassword returns 26 base32 characters (128 bits): safe unquoted in
// env files, nats-server configs and URLs.
func randomPassword() string { return rand.Text() }

func tokenKeyPEM() (string, error) {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}
