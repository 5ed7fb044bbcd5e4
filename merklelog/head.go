package merklelog

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// Head is a signed tree head: the size and root of the tree at a moment,
// signed by the sealing key. It is stored and exchanged as a C2SP
// checkpoint (a signed note):
//
//	<origin>\n
//	<size, decimal>\n
//	<root hash, base64>\n
//	time <sealing time, RFC 3339, UTC, seconds>\n
//	\n
//	— <key name> <base64(key hash (4 bytes) || Ed25519 signature (64 bytes))>\n
//
// The signature covers the four text lines (everything before the blank
// line), see docs/MERKLE_LOG.md.
type Head struct {
	Number uint64 // position in the seals stream (1, 2, ...); 0 if not read from it
	Origin string // names the log; also the signing key's name
	Size   uint64
	Root   []byte
	Time   time.Time

	KeyName    string
	KeyID      uint32 // the key hash of the signed note
	Signature  []byte // the Ed25519 signature
	Checkpoint []byte // the signed note as stored
}

// ErrUntrustedHead means a head is not signed by a trusted key, or its
// signature does not verify.
var ErrUntrustedHead = errors.New("merklelog: the head is not signed by a trusted sealing key")

// ErrMalformedHead means the bytes are not a Jejak checkpoint.
var ErrMalformedHead = errors.New("merklelog: not a Jejak checkpoint")

// SignHead signs a head of the tree at size with root, sealed at t. The
// origin is the key's name.
func SignHead(key SigningKey, size uint64, root []byte, t time.Time) (Head, error) {
	signer := key.Signer
	text := fmt.Sprintf("%s\n%d\n%s\ntime %s\n", signer.Name(), size, base64.StdEncoding.EncodeToString(root),
		t.UTC().Format(time.RFC3339))
	msg, err := note.Sign(&note.Note{Text: text}, signer)
	if err != nil {
		return Head{}, err
	}
	return OpenHead(msg, note.VerifierList(key.Verifier))
}

// OpenHead checks the checkpoint's signature with the trusted keys and
// parses it. A checkpoint signed by another key, or not at all, is refused
// (ErrUntrustedHead); anything but a checkpoint is ErrMalformedHead.
func OpenHead(checkpoint []byte, trusted note.Verifiers) (Head, error) {
	n, err := note.Open(checkpoint, trusted)
	if err != nil {
		var unknown *note.UnknownVerifierError
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &unknown):
			return Head{}, fmt.Errorf("%w: signed by %s+%08x, which is not a trusted key", ErrUntrustedHead, unknown.Name, unknown.KeyHash)
		case errors.As(err, &unverified):
			var by []string
			for _, sig := range unverified.Note.UnverifiedSigs {
				by = append(by, fmt.Sprintf("%s+%08x", sig.Name, sig.Hash))
			}
			return Head{}, fmt.Errorf("%w: signed by %s, which is not a trusted key", ErrUntrustedHead, strings.Join(by, ", "))
		case errors.As(err, &invalid):
			return Head{}, fmt.Errorf("%w: the signature of %s+%08x does not verify", ErrUntrustedHead, invalid.Name, invalid.Hash)
		}
		return Head{}, fmt.Errorf("%w: %v", ErrMalformedHead, err)
	}
	h, err := parseHeadText(n.Text)
	if err != nil {
		return Head{}, err
	}
	sig := n.Sigs[0]
	if sig.Name != h.Origin {
		return Head{}, fmt.Errorf("%w: the origin %q is not the signing key's name %q", ErrMalformedHead, h.Origin, sig.Name)
	}
	raw, err := base64.StdEncoding.DecodeString(sig.Base64)
	if err != nil || len(raw) != 4+64 {
		return Head{}, fmt.Errorf("%w: the signature is not an Ed25519 note signature", ErrMalformedHead)
	}
	h.KeyName, h.KeyID, h.Signature = sig.Name, sig.Hash, raw[4:]
	h.Checkpoint = append([]byte(nil), checkpoint...)
	return h, nil
}

func parseHeadText(text string) (Head, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 4 {
		return Head{}, fmt.Errorf("%w: %d lines, want origin, size, root and time", ErrMalformedHead, len(lines))
	}
	var h Head
	var err error
	h.Origin = lines[0]
	if h.Size, err = strconv.ParseUint(lines[1], 10, 64); err != nil || lines[1] != strconv.FormatUint(h.Size, 10) {
		return Head{}, fmt.Errorf("%w: size %q", ErrMalformedHead, lines[1])
	}
	if h.Root, err = base64.StdEncoding.DecodeString(lines[2]); err != nil || len(h.Root) != hashSize {
		return Head{}, fmt.Errorf("%w: root %q", ErrMalformedHead, lines[2])
	}
	ts, ok := strings.CutPrefix(lines[3], "time ")
	if h.Time, err = time.Parse(time.RFC3339, ts); !ok || err != nil {
		return Head{}, fmt.Errorf("%w: time line %q", ErrMalformedHead, lines[3])
	}
	return h, nil
}

// KeyIDHex is the key hash as 8 hex digits.
func (h Head) KeyIDHex() string { return fmt.Sprintf("%08x", h.KeyID) }

// Same reports whether two heads state the same tree.
func (h Head) Same(o Head) bool { return h.Size == o.Size && bytes.Equal(h.Root, o.Root) }

// HeadJSON is the JSON form of a head, as GET /api/v1/log/head answers and
// as auditors save it. Only Checkpoint is trusted (its signature is
// checked); the other fields repeat it for people and are checked against
// it when a head file is read.
type HeadJSON struct {
	Number     uint64    `json:"number"`
	Origin     string    `json:"origin"`
	Size       uint64    `json:"size"`
	Root       Hash      `json:"root"`
	Time       time.Time `json:"time"`
	KeyName    string    `json:"key_name"`
	KeyID      string    `json:"key_id"`
	Checkpoint string    `json:"checkpoint"`
}

// JSON returns the head's JSON form.
func (h Head) JSON() HeadJSON {
	return HeadJSON{Number: h.Number, Origin: h.Origin, Size: h.Size, Root: h.Root, Time: h.Time.UTC(),
		KeyName: h.KeyName, KeyID: h.KeyIDHex(), Checkpoint: string(h.Checkpoint)}
}

// ReadHead reads a head file: a HeadJSON document or a bare checkpoint. It
// checks the signature with trusted (see OpenHead) and, for JSON, that the
// readable fields say what the checkpoint says.
func ReadHead(data []byte, trusted note.Verifiers) (Head, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return OpenHead(data, trusted)
	}
	var j HeadJSON
	if err := json.Unmarshal(trimmed, &j); err != nil {
		return Head{}, fmt.Errorf("%w: %v", ErrMalformedHead, err)
	}
	h, err := OpenHead([]byte(j.Checkpoint), trusted)
	if err != nil {
		return Head{}, err
	}
	if j.Size != h.Size || !bytes.Equal(j.Root, h.Root) || j.Origin != h.Origin {
		return Head{}, fmt.Errorf("%w: the size, root or origin differ from the signed checkpoint", ErrMalformedHead)
	}
	h.Number = j.Number
	return h, nil
}
