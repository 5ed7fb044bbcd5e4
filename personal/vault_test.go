package personal_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/personal"
)

func mustVault(t *testing.T, keys personal.Keys) *personal.Vault {
	t.Helper()
	v, err := personal.NewVault(keys, personal.NewMasterKey(), personal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var siti = domain.Participant{Name: "Siti Aminah", NIP: "198001012005012001", Position: "Kepala Seksi", Contact: "siti@example.go.id",
	Unit: "Dinas Kesehatan", Role: "pamong inovasi", Region: "18.04"}

func TestVault(t *testing.T) {
	ctx := context.Background()
	t.Run("seals every personal field and opens them again", func(t *testing.T) {
		v := mustVault(t, personal.NewMemoryKeys())
		a, err := v.Seal(ctx, siti)
		if err != nil {
			t.Fatal(err)
		}
		if !domain.ValidSubject(a.Subject) || a.NIPHash == "" || a.Unit != siti.Unit || a.Role != siti.Role || a.Region != siti.Region {
			t.Fatalf("sealed %+v", a)
		}
		for _, f := range []domain.Sealed{a.Name, a.NIP, a.Position, a.Contact} {
			if f == "" || strings.Contains(string(f), "Siti") || strings.Contains(string(f), siti.NIP) {
				t.Fatalf("field %q is empty or plain", f)
			}
		}
		got, err := v.Open(ctx, a)
		if err != nil || got != (domain.PersonalFields{Name: siti.Name, NIP: siti.NIP, Position: siti.Position, Contact: siti.Contact}) {
			t.Fatalf("opened %+v, %v", got, err)
		}
	})
	t.Run("gives one person one subject, never derived from the NIP", func(t *testing.T) {
		keys := personal.NewMemoryKeys()
		v := mustVault(t, keys)
		var wg sync.WaitGroup
		subjects := make([]string, 8)
		for i := range subjects {
			wg.Go(func() {
				a, err := v.Seal(ctx, siti)
				if err != nil {
					t.Error(err)
				}
				subjects[i] = a.Subject
			})
		}
		wg.Wait()
		for _, s := range subjects {
			if s != subjects[0] {
				t.Fatalf("subjects %v", subjects)
			}
		}
		other, _ := mustVault(t, personal.NewMemoryKeys()).Seal(ctx, siti)
		if other.Subject == subjects[0] || other.NIPHash == v.NIPHash(siti.NIP) {
			t.Fatal("another vault gave the same subject or NIP hash")
		}
	})
	t.Run("binds each ciphertext to its subject and field", func(t *testing.T) {
		v := mustVault(t, personal.NewMemoryKeys())
		a, _ := v.Seal(ctx, siti)
		swapped := a
		swapped.Name, swapped.Contact = a.Contact, a.Name
		if _, err := v.Open(ctx, swapped); err == nil {
			t.Fatal("fields swapped still open")
		}
		b, _ := v.Seal(ctx, domain.Participant{Name: "Budi", NIP: "198102022006021002", Unit: "Bappeda", Role: "ASN"})
		b.Name = a.Name
		if _, err := v.Open(ctx, b); err == nil {
			t.Fatal("another subject's ciphertext opens")
		}
	})
	t.Run("shreds: nothing sealed opens again, the NIP gets a new subject", func(t *testing.T) {
		keys := personal.NewMemoryKeys()
		v := mustVault(t, keys)
		a, _ := v.Seal(ctx, siti)
		if known, err := v.Known(ctx, a.Subject); !known || err != nil {
			t.Fatalf("known %v, %v", known, err)
		}
		if err := v.Shred(ctx, a.Subject); err != nil {
			t.Fatal(err)
		}
		if err := v.Shred(ctx, a.Subject); err != nil {
			t.Fatalf("shredding twice: %v", err)
		}
		if _, err := v.Open(ctx, a); !errors.Is(err, domain.ErrErased) {
			t.Fatalf("open after shred: %v", err)
		}
		if known, _ := v.Known(ctx, a.Subject); known {
			t.Fatal("still known")
		}
		b, err := v.Seal(ctx, siti)
		if err != nil || b.Subject == a.Subject {
			t.Fatalf("sealed again: %s, %v", b.Subject, err)
		}
	})
	t.Run("a second vault on the same keys and master key opens what the first sealed", func(t *testing.T) {
		keys, master := personal.NewMemoryKeys(), personal.NewMasterKey()
		v1, _ := personal.NewVault(keys, master, personal.Options{})
		v2, _ := personal.NewVault(keys, master, personal.Options{})
		a, _ := v1.Seal(ctx, siti)
		if got, err := v2.Open(ctx, a); err != nil || got.Name != siti.Name {
			t.Fatalf("opened %+v, %v", got, err)
		}
		wrong, _ := personal.NewVault(keys, personal.NewMasterKey(), personal.Options{})
		if _, err := wrong.Open(ctx, a); err == nil || errors.Is(err, domain.ErrErased) {
			t.Fatalf("another master key: %v", err)
		}
	})
	t.Run("opens a legacy attendee to its plain name", func(t *testing.T) {
		got, err := mustVault(t, personal.NewMemoryKeys()).Open(ctx, domain.Attendee{LegacyName: "Siti", Unit: "Dinas"})
		if err != nil || got.Name != "Siti" {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
}

func TestMasterKey(t *testing.T) {
	path := t.TempDir() + "/keys/personal-master.key"
	k1, err := personal.LoadOrCreateMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := personal.LoadOrCreateMasterKey(path)
	if err != nil || string(k1) != string(k2) || len(k1) != personal.MasterKeySize {
		t.Fatalf("loaded again: %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}
}
