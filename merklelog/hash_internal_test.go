package merklelog

import (
	"bytes"
	"crypto/sha256"
	"testing"
)

// TestHashChildrenIsTheLibrarys: the node hash used by the tree is the
// library's RFC 6962 node hash, and the leaf hash is SHA-256(0x00 ||
// AppendCanonical), payload and all.
func TestHashChildrenIsTheLibrarys(t *testing.T) {
	l, r := sha256.Sum256([]byte("kiri")), sha256.Sum256([]byte("kanan"))
	if got, want := hashChildren(l[:], r[:]), Hasher.HashChildren(l[:], r[:]); !bytes.Equal(got, want) {
		t.Fatalf("hashChildren %x, library %x", got, want)
	}
	c := Commit{Position: 7, Subject: "jejak.events.region.18.04", Header: map[string][]string{"Jejak-Type": {"a", "b"}},
		Payload: []byte(`{"n":7}`)}
	want := sha256.Sum256(AppendCanonical([]byte{0x00}, c))
	var lh leafHasher
	for range 2 { // the buffer is reused
		if got := lh.hash(c); !bytes.Equal(got, want[:]) {
			t.Fatalf("leaf hash %x, want %x", got, want)
		}
	}
}
