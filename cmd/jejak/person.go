package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
)

func runPerson(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "erase" {
		fmt.Fprintln(stderr, `Usage: jejak person erase --subject ID --reason TEXT --by USER [store flags]

Erase a person's personal data (docs/PRIVACY.md).`)
		return errUsage
	}
	return runPersonErase(ctx, args[1:], stdout, stderr)
}

func runPersonErase(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("person erase [flags]", `Erase a person's personal data by destroying their key (crypto-shredding):
appends person.erased (subject, reason, the admin who erased; no personal data)
and deletes the subject's data key from the JEJAK_KEYS bucket. From then on
their name, NIP, position and contact read as "[dihapus]" everywhere; their
attendance still counts for indicator 20. The same as POST
/api/v1/people/{subject}/erasure. While "jejak serve" runs on the embedded
server, point this command at it with --nats-url (serve --nats-listen).`, stderr)
	var sf storeFlags
	sf.register(fs)
	subject := fs.String("subject", "", "the person's subject id (from a session's attendees)")
	reason := fs.String("reason", "", "why: the reference of the request in the controller's register (required)")
	by := fs.String("by", "", "the admin's user id, recorded as erased_by (required)")
	personalKey := fs.String("personal-key", "", "master key of personal data; default <data>/keys/personal-master.key")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *subject == "" || *reason == "" || *by == "" {
		fmt.Fprintln(stderr, "jejak person erase: --subject, --reason and --by are required")
		return errUsage
	}
	o, err := openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer o.Close()
	people, err := app.OpenPeople(ctx, o.Conn, o.Replicas, app.PersonalKeyPath(*personalKey, sf.DataDir), nil)
	if err != nil {
		return err
	}
	svc := domain.NewService(o.Store, time.Now)
	svc.People = people
	res, err := svc.ErasePerson(ctx, domain.ErasePersonCommand{
		CommandMeta: domain.CommandMeta{CommandID: uuid.Must(uuid.NewV7()), Actor: domain.Actor{UserID: *by, Role: domain.RoleAdmin}},
		Subject:     *subject, Reason: *reason})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "data pribadi subjek %s dihapus (erased) pada posisi %d\n", *subject, res.Position)
	return nil
}
