package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/jejak-id/jejak/api"
	"github.com/jejak-id/jejak/domain"
)

func runToken(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "issue" {
		fmt.Fprintln(stderr, `Usage: jejak token issue --role ROLE [--region KODE] [--user NAME] [--ttl 24h]

Roles: admin, coordinator (Kemendagri, national), operator (own region),
verifier, auditor (reads everything), public.`)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	fs := newFlags("token issue", "Print a signed access token (JWT, Ed25519) for the API and dashboard.", stderr)
	role := fs.String("role", "", "role: admin, coordinator, operator, verifier, auditor, public")
	region := fs.String("region", "", "Kemendagri region code the token is scoped to, e.g. 18.04 (operators need one)")
	user := fs.String("user", "", "user name recorded as the actor of every command (default: the role)")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the token is valid")
	data := fs.String("data", "./jejak-data", "data directory holding the signing key")
	keyPath := fs.String("token-key", "", "Ed25519 signing key (PKCS#8 PEM); default <data>/keys/token-ed25519.pem")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *user == "" {
		*user = *role
	}
	if *region != "" {
		if _, ok := domain.LookupRegion(*region); !ok {
			return fmt.Errorf("unknown region code %q (see GET /api/v1/regions)", *region)
		}
	}
	if *keyPath == "" {
		*keyPath = filepath.Join(*data, "keys", "token-ed25519.pem")
	}
	key, err := api.LoadOrCreateKey(*keyPath)
	if err != nil {
		return fmt.Errorf("signing key: %w", err)
	}
	token, err := api.NewTokens(key, nil).Issue(domain.Actor{UserID: *user, Role: domain.Role(*role), Region: *region}, *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	return nil
}
