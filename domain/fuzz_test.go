package domain

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzText: whatever a caller sends, cleanText either refuses it or returns
// text that keeps every rule, and cleaning it again changes nothing.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "SI-IDA", " Cafe\u0301 ", "a\r\nb", "a\x00b", "\u202eabc", "\xff", "\u2028", strings.Repeat("é", 201)} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		rule := nameText
		if multiline {
			rule = longText
		}
		var p Problems
		got := cleanText(&p, "field", s, rule)
		for _, pr := range p {
			if pr.Field != "field" || pr.Message == "" {
				t.Fatalf("problem %+v", pr)
			}
		}
		if len(p) > 0 {
			return
		}
		if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) || strings.TrimSpace(got) != got {
			t.Fatalf("accepted %q as %q: not valid, normal and trimmed", s, got)
		}
		if n := utf8.RuneCountInString(got); n > rule.max {
			t.Fatalf("accepted %d characters", n)
		}
		for _, r := range got {
			if msg := forbiddenRune(r, multiline); msg != "" {
				t.Fatalf("accepted %q with U+%04X", got, r)
			}
		}
		var again Problems
		if twice := cleanText(&again, "field", got, rule); twice != got || len(again) > 0 {
			t.Fatalf("cleaning %q again gave %q, %v", got, twice, again)
		}
	})
}

// FuzzIdentifiers: ids that pass ValidAggregateID are short and safe in a NATS
// subject token; Quote never echoes more than 64 characters.
func FuzzIdentifiers(f *testing.F) {
	for _, s := range []string{"18.04", "2025-18.04", "0190a5e2-7c1d-7b3e-8f00-000000000001", "a*b", "a>b", "a b", "_x", "", strings.Repeat("a", 129), "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if ValidAggregateID(id) {
			if len(id) == 0 || len(id) > 128 || strings.ContainsAny(id, "*> \t\r\n_") {
				t.Fatalf("ValidAggregateID accepted %q", id)
			}
		}
		q := Quote(id)
		// 64 runes at most, each escaped to at most 10 characters
		// (\U0010FFFF for an unprintable rune; \xff for an invalid byte
		// is 4), the quotes and the ellipsis
		if utf8.RuneCountInString(q) > 10*64+3 || (len(id) > 0 && !strings.HasPrefix(q, `"`)) {
			t.Fatalf("Quote(%q) = %q", id, q)
		}
	})
}
