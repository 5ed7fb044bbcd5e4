package api

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

const tokenIssuer = "jejak"

// Tokens issues and verifies signed access tokens (JWT, EdDSA/Ed25519).
// Every token names the key that signed it (header "kid") and has an id
// ("jti"), so that signing keys can be rotated and single tokens revoked.
// A Tokens value is immutable and safe for concurrent use.
type Tokens struct {
	key    ed25519.PrivateKey
	kid    string
	accept map[string]ed25519.PublicKey // kid -> key, the signing key among them
	deny   DenyList
	now    func() time.Time
}

// DenyList says whether a token has been revoked: by its id, or as one of
// a user's tokens issued up to some instant (natsinfra.Revocations).
type DenyList interface {
	Revoked(id, user string, issuedAt time.Time) bool
}

// TokenConfig configures NewTokensWith.
type TokenConfig struct {
	// Signing signs new tokens; its tokens are accepted.
	Signing ed25519.PrivateKey
	// Accept are further keys whose tokens are accepted: a key being
	// retired (still accepted until its tokens expire) or one about to
	// sign (accepted everywhere before any replica signs with it).
	Accept []ed25519.PublicKey
	// Deny, when set, refuses revoked tokens.
	Deny DenyList
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// KeyID names a public key in token headers: the first 8 bytes of its
// SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// NewTokensWith returns a token service for cfg.
func NewTokensWith(cfg TokenConfig) *Tokens {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	pub := cfg.Signing.Public().(ed25519.PublicKey)
	t := &Tokens{key: cfg.Signing, kid: KeyID(pub), accept: map[string]ed25519.PublicKey{}, deny: cfg.Deny, now: cfg.Now}
	t.accept[t.kid] = pub
	for _, k := range cfg.Accept {
		t.accept[KeyID(k)] = k
	}
	return t
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
	return NewTokensWith(TokenConfig{Signing: key, Now: now})
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
			ID:        uuid.Must(uuid.NewV7()).String(),
		},
	}
	token := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	token.Header["kid"] = t.kid
	return token.SignedString(t.key)
}

// TokenID reads the id (jti) of a token without verifying it, for
// revoking a token one holds.
func TokenID(token string) (string, error) {
	var claims tokenClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &claims); err != nil || claims.ID == "" {
		return "", errors.New("not a Jejak access token with an id")
	}
	return claims.ID, nil
}

// Verify checks a token's signature, issuer and lifetime and returns its
// actor. Failures are *domain.Error with code "unauthenticated".
func (t *Tokens) Verify(token string) (domain.Actor, error) {
	var claims tokenClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(tok *jwt.Token) (any, error) {
		kid, _ := tok.Header["kid"].(string)
		if kid == "" { // tokens issued before keys had ids
			kid = t.kid
		}
		key, ok := t.accept[kid]
		if !ok {
			return nil, errors.New("unknown signing key")
		}
		return key, nil
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
	var issued time.Time
	if claims.IssuedAt != nil {
		issued = claims.IssuedAt.Time
	}
	if t.deny != nil && t.deny.Revoked(claims.ID, claims.Subject, issued) {
		return domain.Actor{}, domain.Errorf(codeUnauthenticated, "the access token has been revoked")
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

// LoadPublicKey reads an Ed25519 key from a PEM file holding either the
// public key (PKIX "PUBLIC KEY") or the private key (PKCS#8), for
// TokenConfig.Accept.
func LoadPublicKey(path string) (ed25519.PublicKey, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	var parsed any
	switch block.Type {
	case "PUBLIC KEY":
		parsed, err = x509.ParsePKIXPublicKey(block.Bytes)
	default:
		var priv any
		priv, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		if k, ok := priv.(ed25519.PrivateKey); ok {
			parsed = k.Public()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pub, ok := parsed.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an Ed25519 key", path)
	}
	return pub, nil
}
