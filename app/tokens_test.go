package app_test

import (
	"context"
	"crypto/ed25519"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api"
	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/natsinfra"
)

// twoReplicas starts two Jejak processes' worth of App on one store: the
// first runs the embedded server and lets it listen, the second connects
// to it as replicas on a cluster do. Both sign with the same key and share
// the master key of personal data.
func twoReplicas(t *testing.T) (first, second *app.App) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	natsAddr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	first, err = app.Start(ctx, app.Config{Addr: "127.0.0.1:0", Storage: app.StorageConfig{DataDir: dir, Listen: natsAddr},
		Version: "test", NoReactors: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { first.Close() })
	second, err = app.Start(ctx, app.Config{Addr: "127.0.0.1:0", Version: "test", NoReactors: true,
		Storage:     app.StorageConfig{DataDir: t.TempDir(), NATS: natsinfra.ConnConfig{URL: "nats://" + natsAddr}},
		TokenKey:    filepath.Join(dir, "keys", "token-ed25519.pem"),
		PersonalKey: app.PersonalKeyPath("", dir)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { second.Close() })
	return first, second
}

func status(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// refusedEverywhere waits until every replica refuses token and returns
// how long that took (the deny list is pushed to every watcher; the
// figure goes to the log, the deadline is only a test bound).
func refusedEverywhere(t *testing.T, token string, replicas ...*app.App) time.Duration {
	t.Helper()
	start := time.Now()
	for _, r := range replicas {
		for status(t, r.URL(), token) != http.StatusUnauthorized {
			if time.Since(start) > 10*time.Second {
				t.Fatalf("%s still accepts the revoked token after %s", r.URL(), time.Since(start))
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return time.Since(start)
}

// TestTokenRevocationAcrossReplicas: a token revoked on one replica (by
// its id, or every token of a user) is refused by both, while the user's
// other tokens and other users go on.
func TestTokenRevocationAcrossReplicas(t *testing.T) {
	first, second := twoReplicas(t)
	ctx := context.Background()
	issue := func(user string) string {
		tok, err := first.Tokens.Issue(domain.Actor{UserID: user, Role: domain.RoleAuditor}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	leaked, kept, other := issue("auditor.ani"), issue("auditor.ani"), issue("auditor.budi")
	for _, r := range []*app.App{first, second} {
		for _, tok := range []string{leaked, kept, other} {
			if s := status(t, r.URL(), tok); s != http.StatusOK {
				t.Fatalf("%s: a fresh token answered %d", r.URL(), s)
			}
		}
	}

	t.Run("one token, by its id", func(t *testing.T) {
		id, err := api.TokenID(leaked)
		if err != nil {
			t.Fatal(err)
		}
		if err := first.Revocations.RevokeToken(ctx, id, time.Now()); err != nil {
			t.Fatal(err)
		}
		took := refusedEverywhere(t, leaked, first, second)
		t.Logf("refused by both replicas %s after the revocation was written", took)
		if status(t, second.URL(), kept) != http.StatusOK {
			t.Error("the user's other token was refused too")
		}
	})
	t.Run("every token of a user", func(t *testing.T) {
		if err := second.Revocations.RevokeUser(ctx, "auditor.ani", time.Now()); err != nil {
			t.Fatal(err)
		}
		took := refusedEverywhere(t, kept, first, second)
		t.Logf("refused by both replicas %s after the revocation was written", took)
		if status(t, first.URL(), other) != http.StatusOK {
			t.Error("another user's token was refused")
		}
	})
}

// TestTokenKeyRotation: tokens carry their key's id; a replica signing
// with a new key still accepts the old key's tokens while it is listed,
// and refuses them once it is retired.
func TestTokenKeyRotation(t *testing.T) {
	_, oldKey, _ := ed25519.GenerateKey(nil)
	_, newKey, _ := ed25519.GenerateKey(nil)
	actor := domain.Actor{UserID: "admin.rotasi", Role: domain.RoleAdmin}
	old := api.NewTokens(oldKey, nil)
	oldToken, err := old.Issue(actor, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// Step 1: every replica accepts the next key before any signs with it.
	step1 := api.NewTokensWith(api.TokenConfig{Signing: oldKey, Accept: []ed25519.PublicKey{newKey.Public().(ed25519.PublicKey)}})
	// Step 2: replicas sign with the new key and still accept the old.
	step2 := api.NewTokensWith(api.TokenConfig{Signing: newKey, Accept: []ed25519.PublicKey{oldKey.Public().(ed25519.PublicKey)}})
	newToken, err := step2.Issue(actor, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// Step 3: the old key is retired.
	step3 := api.NewTokens(newKey, nil)
	for _, c := range []struct {
		name   string
		tokens *api.Tokens
		token  string
		ok     bool
	}{
		{"a replica still on the old key accepts the new key's tokens", step1, newToken, true},
		{"a replica on the new key accepts the old key's tokens", step2, oldToken, true},
		{"after retiring the old key its tokens are refused", step3, oldToken, false},
		{"after retiring the old key the new tokens are accepted", step3, newToken, true},
		{"a replica that never heard of the new key refuses its tokens", old, newToken, false},
	} {
		_, err := c.tokens.Verify(c.token)
		if (err == nil) != c.ok {
			t.Errorf("%s: Verify = %v", c.name, err)
		}
	}
}
