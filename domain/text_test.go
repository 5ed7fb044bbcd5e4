package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
)

// proposeWith proposes an innovation whose details are changed by edit and
// returns the stored event or the error.
func proposeWith(edit func(*domain.InnovationDetails)) (domain.InnovationProposed, error) {
	d := details()
	edit(&d)
	in, err := domain.ProposeInnovation("inn-1", "18.01", d, testsupport.Day("2022-01-10"), domain.InnovationOrigin{})
	if err != nil {
		return domain.InnovationProposed{}, err
	}
	return in.Changes()[0].(domain.InnovationProposed), nil
}

func problemFields(err error) []string {
	var fields []string
	if e, ok := err.(*domain.Error); ok {
		for _, p := range e.Problems {
			fields = append(fields, p.Field)
		}
	}
	return fields
}

func TestTextRules(t *testing.T) {
	refused := []struct {
		name string
		edit func(*domain.InnovationDetails)
		want string // the field named
	}{
		{"a NUL in a name", func(d *domain.InnovationDetails) { d.Name = "SI\x00IDA" }, "name"},
		{"U+0001 in a name", func(d *domain.InnovationDetails) { d.Name = "SI\u0001IDA" }, "name"},
		{"a newline in a name", func(d *domain.InnovationDetails) { d.Name = "SI\nIDA" }, "name"},
		{"a tab in a unit", func(d *domain.InnovationDetails) { d.Unit = "Brida\tLampung" }, "unit"},
		{"a right-to-left override", func(d *domain.InnovationDetails) { d.Name = "SI-IDA \u202Egnp.exe" }, "name"},
		{"a bidi isolate", func(d *domain.InnovationDetails) { d.Name = "SI-IDA \u2067x\u2069" }, "name"},
		{"invalid UTF-8", func(d *domain.InnovationDetails) { d.Name = "SI-IDA \xff" }, "name"},
		{"DEL", func(d *domain.InnovationDetails) { d.Problem = "data\x7f" }, "problem"},
		{"a C1 control", func(d *domain.InnovationDetails) { d.Solution = "apli\u0085kasi" }, "solution"},
		{"a lone carriage return in long text", func(d *domain.InnovationDetails) { d.Benefit = "satu\rdua" }, "benefit"},
		{"a noncharacter", func(d *domain.InnovationDetails) { d.Name = "SI-IDA \uFFFE" }, "name"},
		{"a name of 201 characters", func(d *domain.InnovationDetails) { d.Name = strings.Repeat("é", 201) }, "name"},
		{"a problem of 4001 characters", func(d *domain.InnovationDetails) { d.Problem = strings.Repeat("a", 4001) }, "problem"},
		{"a name of only spaces", func(d *domain.InnovationDetails) { d.Name = " \u00a0 " }, "name"},
	}
	for _, c := range refused {
		t.Run("refuses "+c.name, func(t *testing.T) {
			_, err := proposeWith(c.edit)
			wantCode(t, err, domain.CodeInvalid)
			if f := problemFields(err); len(f) != 1 || f[0] != c.want {
				t.Errorf("problems %v, want one for %s", err, c.want)
			}
		})
	}

	t.Run("stores text trimmed and in NFC", func(t *testing.T) {
		e, err := proposeWith(func(d *domain.InnovationDetails) {
			d.Name = "  Cafe\u0301 Inovasi\u00a0"
			d.Problem = "baris satu\r\nbaris dua\tdengan tab\n"
		})
		if err != nil {
			t.Fatal(err)
		}
		if e.Name != "Caf\u00e9 Inovasi" || e.Problem != "baris satu\nbaris dua\tdengan tab" {
			t.Errorf("stored %q and %q", e.Name, e.Problem)
		}
	})
	t.Run("counts characters, not bytes", func(t *testing.T) {
		if _, err := proposeWith(func(d *domain.InnovationDetails) { d.Name = strings.Repeat("é", 200) }); err != nil {
			t.Error(err)
		}
	})
	t.Run("keeps left-to-right and right-to-left marks", func(t *testing.T) {
		if _, err := proposeWith(func(d *domain.InnovationDetails) { d.Name = "SI-IDA \u200f\u200e" }); err != nil {
			t.Error(err)
		}
	})
	t.Run("names every offending field at once", func(t *testing.T) {
		_, err := proposeWith(func(d *domain.InnovationDetails) { d.Name, d.Unit, d.Benefit = "a\x00", "b\u202e", "\xfe" })
		if f := problemFields(err); strings.Join(f, ",") != "name,unit,benefit" {
			t.Errorf("problems %v", err)
		}
	})

	t.Run("applies to evidence, reasons, sessions and attendees", func(t *testing.T) {
		in := MustInnovation(t, domain.StageProposed)
		err := in.Withdraw("alasan\u202e", testsupport.Day("2022-02-01"))
		if f := problemFields(err); len(f) != 1 || f[0] != "reason" {
			t.Errorf("withdraw: %v", err)
		}
		_, err = domain.ScheduleBimtek("s-1", domain.BimtekPlan{Region: "18.04", Title: "Bimtek\nIID", Kind: domain.SessionBimtek,
			Date: testsupport.Day("2025-08-06"), Venue: "Aula", Organiser: "Brida", Mode: domain.ModeLuring, Speakers: []string{"ok", "x\x00"}})
		if f := problemFields(err); strings.Join(f, ",") != "title,speakers[1]" {
			t.Errorf("schedule: %v", err)
		}
		_, err = domain.ScheduleBimtek("s-1", domain.BimtekPlan{Region: "18.04", Title: "Bimtek IID", Kind: domain.SessionBimtek,
			Date: testsupport.Day("2025-08-06"), Venue: "Aula", Organiser: "Brida", Mode: domain.ModeLuring})
		if err != nil {
			t.Fatal(err)
		}
		_, err = domain.CheckParticipant(domain.Participant{Name: "Siti\u0000", NIP: "198001012005012001", Unit: "Dinas", Role: strings.Repeat("r", 101)}, "18.04")
		if f := problemFields(err); strings.Join(f, ",") != "name,role" {
			t.Errorf("attendance: %v", err)
		}
	})

	t.Run("quotes identifiers cut to 64 characters", func(t *testing.T) {
		if got := domain.Quote(strings.Repeat("x", 10000)); got != `"`+strings.Repeat("x", 64)+`"…` {
			t.Errorf("Quote gave %d bytes: %.80s", len(got), got)
		}
		if got := domain.Quote("a\x00b"); got != `"a\x00b"` {
			t.Errorf("Quote gave %s", got)
		}
	})
}

func TestDateRanges(t *testing.T) {
	for _, on := range []struct {
		name string
		y    int
	}{{"0000-01-01", 0}, {"1900-01-01", 1900}, {"1999-12-31", 1999}, {"2101-01-01", 2101}} {
		t.Run("refuses a proposal dated "+on.name, func(t *testing.T) {
			d := time.Date(on.y, 1, 1, 0, 0, 0, 0, time.UTC)
			if on.name == "1999-12-31" {
				d = testsupport.Day("1999-12-31")
			}
			_, err := domain.ProposeInnovation("inn-1", "18.01", details(), d, domain.InnovationOrigin{})
			if f := problemFields(err); len(f) != 1 || f[0] != "proposed_on" {
				t.Errorf("got %v", err)
			}
		})
	}
	t.Run("accepts 2000-01-01", func(t *testing.T) {
		if _, err := domain.ProposeInnovation("inn-1", "18.01", details(), testsupport.Day("2000-01-01"), domain.InnovationOrigin{}); err != nil {
			t.Error(err)
		}
	})
	t.Run("refuses a schedule outside its year and the next", func(t *testing.T) {
		s := testsupport.Schedule2025()
		s[5].End = testsupport.Day("2027-01-01")
		_, err := domain.OpenPeriod(2025, "iid-2025.1", s)
		if f := problemFields(err); len(f) != 1 || f[0] != "schedule[5].end" {
			t.Errorf("got %v", err)
		}
	})
	t.Run("refuses a year outside 2000-2100", func(t *testing.T) {
		_, err := domain.OpenPeriod(1999, "iid-2025.1", testsupport.Schedule2025())
		if f := problemFields(err); len(f) == 0 || f[0] != "year" {
			t.Errorf("got %v", err)
		}
	})
}
