package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/jejak-id/jejak/api"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/natsinfra"
)

func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "revoke" {
		return runTokenRevoke(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "issue" {
		fmt.Fprintln(stderr, `Usage: jejak token issue --role ROLE [--region KODE] [--user NAME] [--ttl 24h]
       jejak token revoke (--token TOKEN | --id TOKEN_ID | --user NAME) [store flags]

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

func runTokenRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token revoke [flags]", `Revoke access tokens: one token (--token, or its id with --id), or every
token of a user issued until now (--user). The deny list is a replicated
JetStream KV bucket (JEJAK_REVOKED) that every running replica watches, so
the tokens are refused everywhere within a second. While "jejak serve" runs
on the embedded server, point this command at it with --nats-url (serve
--nats-listen 127.0.0.1:4222).`, stderr)
	var sf storeFlags
	sf.register(fs)
	token := fs.String("token", "", "the token to revoke")
	id := fs.String("id", "", "the id (jti) of the token to revoke")
	user := fs.String("user", "", "revoke every token of this user issued until now")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *token != "" {
		tid, err := api.TokenID(*token)
		if err != nil {
			return err
		}
		*id = tid
	}
	if (*id == "") == (*user == "") {
		fmt.Fprintln(stderr, "jejak token revoke: give --token, --id or --user (one of them)")
		return errUsage
	}
	o, err := openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer o.Close()
	deny, err := natsinfra.OpenRevocations(ctx, o.Conn, o.Replicas)
	if err != nil {
		return err
	}
	now := time.Now()
	if *id != "" {
		if err := deny.RevokeToken(ctx, *id, now); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "token %s dicabut (revoked)\n", *id)
		return nil
	}
	if err := deny.RevokeUser(ctx, *user, now); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "semua token %s sampai %s dicabut (revoked)\n", *user, now.UTC().Format(time.RFC3339))
	return nil
}
