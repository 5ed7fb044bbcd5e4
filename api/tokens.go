package api

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/jejak-id/jejak/domain"
)

const tokenIssuer = "jejak"

// Tokens issues and verifies signed access tokens (JWT, EdDSA/Ed25519).
// A Tokens value is immutable and safe for concurrent use.
type Tokens struct {
	key ed25519.PrivateKey
	now func() time.Time
}

// tokenClaims are the claims of a Jejak access token.
type tokenClaims struct {
	Role   string `json:"role"`
	Region string `json:"region,omitempty"`
	jwt.RegisteredClaims
}

// NewTokens returns a token service signing with key. now is the clock
// (time.Now when nil).
func NewTokens(key ed25519.PrivateKey, now func() time.Time) *Tokens {
	if now == nil {
		now = time.Now
	}
	return &Tokens{key: key, now: now}
}

// Issue signs a token for actor valid for ttl. The actor's role must be
// valid and regional roles need a region.
func (t *Tokens) Issue(actor domain.Actor, ttl time.Duration) (string, error) {
	var p domain.Problems
	p.Check(actor.Role.Valid() && actor.Role != domain.RoleSystem, "role", "must be one of admin, coordinator, operator, verifier, auditor, public")
	p.Check(actor.UserID != "", "user", "is required")
	p.Check(actor.Role != domain.RoleOperator || actor.Region != "", "region", "an operator needs a region code")
	p.Check(ttl > 0 && ttl <= 366*24*time.Hour, "ttl", "must be between 1s and 366 days")
	if err := p.Err(); err != nil {
		return "", err
	}
	now := t.now()
	claims := tokenClaims{
		Role:   string(actor.Role),
		Region: actor.Region,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    tokenIssuer,
			Subject:   actor.UserID,
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims).SignedString(t.key)
}

// Verify checks a token's signature, issuer and lifetime and returns its
// actor. Failures are *domain.Error with code "unauthenticated".
func (t *Tokens) Verify(token string) (domain.Actor, error) {
	var claims tokenClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) {
		return t.key.Public(), nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithTimeFunc(t.now),
		jwt.WithExpirationRequired(),
	)
	if err != nil {
		msg := "the access token is not valid"
		if errors.Is(err, jwt.ErrTokenExpired) {
			msg = "the access token has expired"
		}
		return domain.Actor{}, domain.Errorf(codeUnauthenticated, "%s", msg)
	}
	actor := domain.Actor{UserID: claims.Subject, Role: domain.Role(claims.Role), Region: claims.Region}
	if !actor.Role.Valid() || actor.Role == domain.RoleSystem {
		return domain.Actor{}, domain.Errorf(codeUnauthenticated, "the access token names an unknown role")
	}
	return actor, nil
}

// LoadOrCreateKey reads the Ed25519 signing key at path (PKCS#8 PEM), or
// generates one and writes it there with mode 0600 when the file does not
// exist.
func LoadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, err
		}
		return key, nil
	}
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	key, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an Ed25519 key", path)
	}
	return key, nil
}
