package index

import (
	"bytes"
	"testing"
)

// FuzzIndexState feeds the snapshot decoder anything: it refuses damage
// with an error, never panics or allocates without bound, and what it
// accepts encodes again to the same bytes.
func FuzzIndexState(f *testing.F) {
	for _, st := range []*indexState{newIndexState(), edgeState()} {
		data, err := encodeIndexState(st, 0)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add([]byte(indexCodecMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := decodeIndexState(data)
		if err != nil {
			return
		}
		again, err := encodeIndexState(st, len(data))
		if err != nil {
			return // a state the encoder refuses (e.g. a misfiled answer)
		}
		st2, err := decodeIndexState(again)
		if err != nil {
			t.Fatalf("re-encoded state does not decode: %v", err)
		}
		third, err := encodeIndexState(st2, len(again))
		if err != nil || !bytes.Equal(again, third) {
			t.Fatalf("encoding is not stable: %v", err)
		}
	})
}
