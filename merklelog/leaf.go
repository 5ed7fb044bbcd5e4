package merklelog

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"

	"github.com/transparency-dev/merkle/rfc6962"
)

// Commit is one stream message as stored: what a leaf commits to.
type Commit struct {
	Position uint64              // stream sequence, 1-based; the leaf index is Position-1
	Subject  string              // jejak.events.<type>.<id>
	Header   map[string][]string // the message headers (only LeafHeaders are hashed)
	Payload  []byte              // the message body, byte for byte
}

// LeafHeaders returns the message headers a leaf covers, in this order:
// the ones that say what the commit is (command id, event types, aggregate
// version after the commit). Server directives such as
// Nats-Expected-Last-Subject-Sequence are not covered. This list is part
// of the stored format: changing it changes every leaf hash.
func LeafHeaders() []string { return []string{"Nats-Msg-Id", "Jejak-Type", "Jejak-Version"} }

// AppendCanonical appends the canonical bytes of c to dst:
//
//	u64be(position)
//	u32be(len(subject)) subject
//	u32be(len(LeafHeaders))
//	for each name in LeafHeaders:
//	    u32be(len(name)) name
//	    u32be(number of values)  for each value: u32be(len(value)) value
//	u32be(len(payload)) payload
//
// All integers are big-endian; strings are UTF-8 as stored.
func AppendCanonical(dst []byte, c Commit) []byte {
	return append(appendCanonicalHead(dst, c), c.Payload...)
}

// appendCanonicalHead appends the canonical bytes of c up to the payload
// itself (the payload's length included).
func appendCanonicalHead(dst []byte, c Commit) []byte {
	dst = binary.BigEndian.AppendUint64(dst, c.Position)
	dst = appendBytes(dst, c.Subject)
	names := LeafHeaders()
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(names)))
	for _, name := range names {
		dst = appendBytes(dst, name)
		values := c.Header[name]
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(values)))
		for _, v := range values {
			dst = appendBytes(dst, v)
		}
	}
	return binary.BigEndian.AppendUint32(dst, uint32(len(c.Payload)))
}

func appendBytes[T string | []byte](dst []byte, b T) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(b)))
	return append(dst, b...)
}

// Hasher is the RFC 6962 hasher: leaf = SHA-256(0x00 || bytes), node =
// SHA-256(0x01 || left || right).
var Hasher = rfc6962.DefaultHasher

// LeafHash returns SHA-256(0x00 || canonical bytes of c).
func LeafHash(c Commit) []byte {
	var lh leafHasher
	return lh.hash(c)
}

// leafHasher hashes leaves reusing one buffer; it is owned by one goroutine.
type leafHasher struct {
	buf []byte
	h   hash.Hash
}

func (l *leafHasher) hash(c Commit) []byte {
	if l.h == nil {
		l.h = sha256.New()
	}
	// The payload is hashed where it is, not copied after the rest.
	l.buf = appendCanonicalHead(append(l.buf[:0], 0x00), c)
	l.h.Reset()
	l.h.Write(l.buf)
	l.h.Write(c.Payload)
	return l.h.Sum(make([]byte, 0, sha256.Size))
}

// hashChildren is Hasher.HashChildren, SHA-256(0x01 || left || right),
// with one allocation instead of three: the tree and verify --log hash
// about one node per commit.
func hashChildren(l, r []byte) []byte {
	if len(l) != sha256.Size || len(r) != sha256.Size {
		return Hasher.HashChildren(l, r)
	}
	var b [1 + 2*sha256.Size]byte
	b[0] = 0x01
	copy(b[1:], l)
	copy(b[1+sha256.Size:], r)
	sum := sha256.Sum256(b[:])
	return sum[:]
}
