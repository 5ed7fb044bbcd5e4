package domain

import (
	"context"
	"fmt"
	"time"
)

// Person is the aggregate of one data subject (id: the subject id). Its
// only fact is erasure: the person's data key is destroyed and every field
// sealed for them is unreadable from then on. A subject without events is
// a person not erased.
type Person struct {
	changes
	subject string
	erased  bool
}

// RebuildPerson rebuilds a person from its history (which may be empty).
func RebuildPerson(subject string, history []Event) *Person {
	p := &Person{subject: subject}
	rebuild(p, &p.changes, history)
	return p
}

// Erase records the erasure with its reason, by whom and when. A person is
// erased once (CodeIllegalTransition).
func (p *Person) Erase(reason, by string, at time.Time) error {
	if p.erased {
		return Errorf(CodeIllegalTransition, "subject %s is already erased; allowed next: nothing", p.subject)
	}
	var pr Problems
	reason = cleanText(&pr, "reason", reason, reasonText)
	pr.Check(reason != "", "reason", "is required")
	if err := pr.Err(); err != nil {
		return err
	}
	record(p, &p.changes, PersonErased{Subject: p.subject, Reason: reason, ErasedBy: by, ErasedAt: at})
	return nil
}

// Erased reports whether the person was erased.
func (p *Person) Erased() bool { return p.erased }

func (p *Person) apply(e Event) {
	switch e := e.(type) {
	case PersonErased:
		p.subject = e.Subject
		p.erased = true
	default:
		panic(fmt.Sprintf("person: unexpected event %T", e))
	}
}

// ErasePersonCommand erases a data subject's personal data (admin only).
type ErasePersonCommand struct {
	CommandMeta
	Subject string
	Reason  string
}

func (c ErasePersonCommand) authorize() error {
	if err := Authorize(c.Actor, ActionErasePerson, ""); err != nil {
		return err
	}
	if !ValidSubject(c.Subject) {
		return (&Problems{{Field: "subject", Message: "must be a UUID (version 4 or 7)"}}).Err()
	}
	return nil
}

// Decide records the erasure of p at now. known says whether the subject
// has a data key: a subject that never had one and was never erased is
// CodeNotFound.
func (c ErasePersonCommand) Decide(p *Person, known bool, now time.Time) error {
	if err := c.authorize(); err != nil {
		return err
	}
	if !known && !p.erased {
		return Errorf(CodeNotFound, "there is no person with subject %s", Quote(c.Subject))
	}
	return p.Erase(c.Reason, c.Actor.UserID, now)
}

// ErasePerson appends person.erased and then shreds the subject's key
// (the projections shred it too when they apply the event, so an erasure
// in the log always ends with the key gone, even if this process stops in
// between). It needs the PersonalData port (CodeUnavailable without it).
func (s *Service) ErasePerson(ctx context.Context, cmd ErasePersonCommand) (CommitResult, error) {
	if err := cmd.authorize(); err != nil {
		return CommitResult{}, err
	}
	if s.People == nil {
		return CommitResult{}, Errorf(CodeUnavailable, "personal data keys are not configured")
	}
	known, err := s.People.Known(ctx, cmd.Subject)
	if err != nil {
		return CommitResult{}, err
	}
	res, err := execute(ctx, s, cmd.CommandMeta, AggregatePerson, cmd.Subject,
		func(h []Event) (*Person, error) { return RebuildPerson(cmd.Subject, h), nil },
		func(p *Person) error { return cmd.Decide(p, known, s.now()) })
	if err != nil {
		return res, err
	}
	return res, s.People.Shred(ctx, cmd.Subject)
}
