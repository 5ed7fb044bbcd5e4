package domain

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text that enters the log stays there forever, so every free-text field of
// every command passes one rule set before an event records it:
//
//   - valid UTF-8 (the API already refuses invalid bytes in a body with 400;
//     this catches every other caller);
//   - normalised to NFC, so that "é" typed as one code point or as "e" plus
//     a combining accent is stored, compared and exported the same;
//   - trimmed of leading and trailing white space;
//   - no control characters (C0, DEL, C1) and no Unicode noncharacters; long
//     free text (descriptions, reasons, notes) may hold newlines and tabs,
//     with CRLF stored as LF; one-line fields (names, units, titles) may not;
//   - no bidirectional embedding, override or isolate characters (U+202A to
//     U+202E, U+2066 to U+2069), which can make a name read differently from
//     what it is; the marks LRM, RLM and ALM stay allowed;
//   - at most a number of characters (code points, after normalisation) per
//     field.
//
// A problem names the field by the API's name. Identifiers (region codes,
// aggregate ids, indicator codes, enum values) are not text: they keep their
// own, stricter grammars.
type textRule struct {
	max       int  // characters after normalisation
	multiline bool // newlines and tabs allowed
}

var (
	nameText   = textRule{max: 200}                   // names, units, titles, venues, organisers
	roleText   = textRule{max: 100}                   // a participant's role
	linkText   = textRule{max: 2000}                  // a URL
	longText   = textRule{max: 4000, multiline: true} // problem, solution, benefit
	reasonText = textRule{max: 1000, multiline: true} // reasons and notes
)

// cleanText checks s against rule, adds a problem for field when it breaks
// the rule, and returns s normalised (NFC, trimmed, CRLF as LF).
func cleanText(p *Problems, field, s string, rule textRule) string {
	if !utf8.ValidString(s) {
		p.Add(field, "is not valid UTF-8")
		return s
	}
	if rule.multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	s = strings.TrimSpace(norm.NFC.String(s))
	for _, r := range s {
		if msg := forbiddenRune(r, rule.multiline); msg != "" {
			p.Add(field, "%s (U+%04X)", msg, r)
			return s
		}
	}
	if n := utf8.RuneCountInString(s); n > rule.max {
		p.Add(field, "is longer than %d characters (%d)", rule.max, n)
	}
	return s
}

// forbiddenRune says why r may not be part of text, "" when it may.
func forbiddenRune(r rune, multiline bool) string {
	switch {
	case r == '\n' || r == '\t' || r == '\u2028' || r == '\u2029':
		if multiline {
			return ""
		}
		return "must be one line, without line breaks or tabs"
	case unicode.Is(unicode.Cc, r):
		return "must not contain control characters"
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return "must not contain bidirectional override or isolate characters"
	case r >= '\uFDD0' && r <= '\uFDEF', r&0xFFFE == 0xFFFE:
		return "must not contain Unicode noncharacters"
	}
	return ""
}

// IDGrammar describes the grammar of aggregate ids (ValidAggregateID) for
// problems.
const IDGrammar = "must be 1 to 128 letters, digits, '.' or '-', starting with a letter or digit"

// Quote renders an identifier or value given by a caller for a message: in
// quotes, with anything not printable escaped, and cut to 64 characters so
// that an error never echoes a huge input.
func Quote(s string) string {
	const max = 64
	if utf8.RuneCountInString(s) <= max {
		return fmt.Sprintf("%q", s)
	}
	cut := 0
	for i := range s {
		if cut == max {
			return fmt.Sprintf("%q", s[:i]) + "…"
		}
		cut++
	}
	return fmt.Sprintf("%q", s)
}
