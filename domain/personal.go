package domain

import (
	"context"
	"errors"

	"github.com/google/uuid"
)

// Personal data (docs/PRIVACY.md). An attendee's name, NIP, position and
// contact are personal: the domain receives them in clear (Participant),
// but what it records is an Attendee, whose personal fields were sealed by
// the PersonalData port with a key of the person's own. Erasure destroys
// that key (crypto-shredding): the events stay, what they say about the
// person becomes unreadable.

// ErasedText is what every view shows in place of an erased person's fields.
const ErasedText = "[dihapus]"

// Participant is one attendee as the caller gives it, personal fields in
// clear. It is never stored: Seal turns it into an Attendee. Region
// defaults to the session's region.
type Participant struct {
	Name     string // personal
	NIP      string // personal: the 18-digit civil servant number
	Position string // personal, optional: jabatan
	Contact  string // personal, optional: phone or e-mail
	Unit     string // perangkat daerah / unit; matched to innovations' units
	Role     string // role in the session, e.g. "pamong inovasi"
	Region   string
}

// Sealed is one encrypted field: base64 of nonce, ciphertext and tag, bound
// to its subject and field name. Empty when the field was not given.
type Sealed string

// Attendee is a participant as stored: the personal fields sealed, the
// rest in clear. Subject is a random id of the person (never derived from
// the name or NIP); NIPHash a keyed hash of the NIP, the same for every
// attendance of one person. LegacyName is the plain name of attendance
// recorded before issue 20 (schema version 2), which has no subject and
// cannot be shredded.
type Attendee struct {
	Subject    string `json:"subject"`
	NIPHash    string `json:"nip_hash"`
	Name       Sealed `json:"name_ct"`
	NIP        Sealed `json:"nip_ct"`
	Position   Sealed `json:"position_ct"`
	Contact    Sealed `json:"contact_ct"`
	Unit       string `json:"unit"`
	Role       string `json:"role"`
	Region     string `json:"region"`
	LegacyName string `json:"legacy_name"`
}

// Legacy reports whether a is attendance from before issue 20 (a plain
// name, no subject).
func (a Attendee) Legacy() bool { return a.Subject == "" }

// PersonalFields are the personal fields of an attendee in clear.
type PersonalFields struct {
	Name, NIP, Position, Contact string
}

// Personal field names: the associated data of each sealed field, with the
// subject.
const (
	FieldName     = "name"
	FieldNIP      = "nip"
	FieldPosition = "position"
	FieldContact  = "contact"
)

// ErrErased is what PersonalData.Open returns when the person's key is gone.
var ErrErased = errors.New("personal data erased")

// PersonalData is the port to the keys of personal data, used by the
// attendance commands (Seal), by erasure (Known, Shred) and by reads that
// may show names (Open). Implementations are safe for concurrent use.
type PersonalData interface {
	// Seal returns p as stored. It looks the person up by the keyed hash
	// of p.NIP; the first time an NIP is seen it creates a subject and its
	// data key (two callers with the same new NIP get the same subject).
	// Each personal field given is encrypted with a fresh nonce. p must be
	// valid (CheckParticipant).
	Seal(ctx context.Context, p Participant) (Attendee, error)
	// Open decrypts a's personal fields; ErrErased when the subject's key
	// was shredded. A legacy attendee opens to its plain name.
	Open(ctx context.Context, a Attendee) (PersonalFields, error)
	// Known reports whether subject has a data key now.
	Known(ctx context.Context, subject string) (bool, error)
	// Shred deletes subject's data key and its NIP index entry, so that
	// nothing sealed for it opens again. Idempotent.
	Shred(ctx context.Context, subject string) error
}

// ValidNIP reports whether s is an NIP: 18 ASCII digits.
func ValidNIP(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidSubject reports whether s is a subject id: a UUID of version 4 or 7
// in canonical form.
func ValidSubject(s string) bool {
	u, err := uuid.Parse(s)
	return err == nil && u.String() == s && (u.Version() == 4 || u.Version() == 7)
}

// CheckParticipant cleans p's text, fills its region from the session's and
// reports every problem at once (CodeInvalid): name, NIP (18 digits), unit
// and role required; position and contact optional.
func CheckParticipant(p Participant, sessionRegion string) (Participant, error) {
	var pr Problems
	p = checkParticipant(&pr, "", p, sessionRegion)
	if err := pr.Err(); err != nil {
		return Participant{}, err
	}
	return p, nil
}

// checkParticipant adds p's problems, each field named prefix+field.
func checkParticipant(pr *Problems, prefix string, p Participant, sessionRegion string) Participant {
	p.Name = cleanText(pr, prefix+"name", p.Name, nameText)
	p.Unit = cleanText(pr, prefix+"unit", p.Unit, nameText)
	p.Role = cleanText(pr, prefix+"role", p.Role, roleText)
	p.Position = cleanText(pr, prefix+"position", p.Position, nameText)
	p.Contact = cleanText(pr, prefix+"contact", p.Contact, roleText)
	if p.Region == "" {
		p.Region = sessionRegion
	}
	pr.Check(p.Name != "", prefix+"name", "is required")
	pr.Check(ValidNIP(p.NIP), prefix+"nip", "must be 18 digits")
	pr.Check(p.Unit != "", prefix+"unit", "is required")
	pr.Check(p.Role != "", prefix+"role", "is required")
	if p.Region != sessionRegion {
		checkAssessedRegion(pr, prefix+"region", p.Region)
	}
	return p
}
