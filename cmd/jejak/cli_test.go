package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// jejak runs the command line in process, as main does, and returns the
// exit code and what the command printed.
func jejak(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func mustJejak(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := jejak(t, args...)
	if code != 0 {
		t.Fatalf("jejak %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// TestExportCommands goes through the offline tools on a generated store:
// export twice from one snapshot, verify, tamper, snapshot list and show.
func TestExportCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	mustJejak(t, "generate", "--data", data, "--scale", "0.003", "--years", "2024-2025")

	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	first := mustJejak(t, "export", "--data", data, "--year", "2025", "--out", a)
	mustJejak(t, "export", "--data", data, "--year", "2025", "--out", b)
	if !strings.Contains(first, "ekspor 2025 dari snapshot index-") {
		t.Errorf("export printed %q", first)
	}

	t.Run("two exports of one snapshot are byte-identical", func(t *testing.T) {
		names, err := os.ReadDir(a)
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != 6 {
			t.Fatalf("export wrote %d files, want 6", len(names))
		}
		for _, n := range names {
			x, _ := os.ReadFile(filepath.Join(a, n.Name()))
			y, err := os.ReadFile(filepath.Join(b, n.Name()))
			if err != nil || !bytes.Equal(x, y) {
				t.Errorf("%s differs between the two exports (%v)", n.Name(), err)
			}
		}
	})

	t.Run("verify matches, then names a tampered cell", func(t *testing.T) {
		if out := mustJejak(t, "verify", "--data", data, a); !strings.HasPrefix(out, "COCOK") {
			t.Fatalf("verify printed %q", out)
		}
		path := filepath.Join(b, "daerah.csv")
		csv, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(string(csv), "\n", 3)
		lines[1] = strings.Replace(lines[1], ",", ",X", 1)
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, _ := jejak(t, "verify", "--data", data, b)
		if code != 1 || !strings.Contains(out, "TIDAK COCOK") || !strings.Contains(out, "daerah.csv") {
			t.Fatalf("verify of a tampered export: exit %d, %q", code, out)
		}
	})

	t.Run("snapshot list and show", func(t *testing.T) {
		list := mustJejak(t, "snapshot", "list", "--data", data)
		fields := strings.Fields(strings.Split(list, "\n")[1])
		if len(fields) == 0 || !strings.HasPrefix(fields[0], "index-") {
			t.Fatalf("snapshot list printed %q", list)
		}
		show := mustJejak(t, "snapshot", "show", "--data", data, fields[0])
		if !strings.Contains(show, "2025") || !strings.Contains(show, "daerah dinilai") {
			t.Errorf("snapshot show printed %q", show)
		}
		var state struct {
			Periods     map[string]json.RawMessage
			Innovations map[string]json.RawMessage
		}
		raw := mustJejak(t, "snapshot", "show", "--json", "--data", data, fields[0])
		if err := json.Unmarshal([]byte(raw), &state); err != nil || len(state.Periods) != 2 || len(state.Innovations) == 0 {
			t.Errorf("snapshot show --json: %v, %d periods, %d innovations", err, len(state.Periods), len(state.Innovations))
		}
	})

	t.Run("an innovation's audit trail holds its answers", func(t *testing.T) {
		type entry struct {
			Type    string            `json:"type"`
			Subject map[string]string `json:"subject"`
		}
		// an innovation with answers, from the readable index state
		list := mustJejak(t, "snapshot", "list", "--data", data)
		name := strings.Fields(strings.Split(list, "\n")[1])[0]
		var state struct {
			Assessments map[string]struct {
				Answers map[string]struct{ InnovationID string }
			}
		}
		if err := json.Unmarshal([]byte(mustJejak(t, "snapshot", "show", "--json", "--data", data, name)), &state); err != nil {
			t.Fatal(err)
		}
		id := ""
		for _, a := range state.Assessments {
			for _, ans := range a.Answers {
				if ans.InnovationID != "" && (id == "" || ans.InnovationID < id) {
					id = ans.InnovationID
				}
			}
		}
		if id == "" {
			t.Fatal("the generated data holds no innovation answers")
		}
		var trail []entry
		if err := json.Unmarshal([]byte(mustJejak(t, "audit", "--data", data, "--entity", "innovation/"+id, "--format", "json")), &trail); err != nil {
			t.Fatal(err)
		}
		answers := 0
		for _, e := range trail {
			if e.Type == "assessment.answer_submitted" {
				if e.Subject["innovation_id"] != id {
					t.Fatalf("the trail of %s holds an answer about %s", id, e.Subject["innovation_id"])
				}
				answers++
			}
		}
		if len(trail) == 0 || trail[0].Type != "innovation.proposed" || answers == 0 {
			t.Errorf("trail of %s: %d entries, first %+v, %d answers", id, len(trail), trail, answers)
		}
	})

	t.Run("usage errors exit 2 and say what is missing", func(t *testing.T) {
		for _, args := range [][]string{
			{"export", "--data", data, "--out", a},
			{"export", "--data", data, "--year", "2025", "--out", a, "--as-of", "kemarin"},
			{"snapshot", "drop"},
			{"verify", "--data", data},
			{"no-such-command"},
		} {
			code, _, errOut := jejak(t, args...)
			if code != 2 || errOut == "" {
				t.Errorf("jejak %s: exit %d, stderr %q; want 2 and a message", strings.Join(args, " "), code, errOut)
			}
		}
		// The audit query is checked by the audit package, as for the API;
		// the message names the flag.
		for _, tc := range []struct {
			args []string
			says string
		}{
			{[]string{"audit", "--data", data}, "--entity: give an entity"},
			{[]string{"audit", "--data", data, "--entity", "innovation/"}, "--entity: must be type/id"},
			{[]string{"audit", "--data", data, "--region", "64.03", "--type", "innovation.deleted"}, "--type: \"innovation.deleted\" is not an event type"},
			{[]string{"audit", "--data", data, "--region", "64.03", "--from", "2025-03-01", "--to", "2025-02-01"}, "--to: must not be before from"},
			{[]string{"audit", "--data", data, "--actor", "op", "--event-id", "x", "--as-of", "kemarin"}, "--event-id: must be an event id"},
		} {
			code, _, errOut := jejak(t, tc.args...)
			if code != 2 || !strings.Contains(errOut, tc.says) {
				t.Errorf("jejak %s: exit %d, stderr %q; want 2 and %q", strings.Join(tc.args, " "), code, errOut, tc.says)
			}
		}
	})

	t.Run("an export of a year without a period fails clearly", func(t *testing.T) {
		before := mustJejak(t, "snapshot", "list", "--data", data)
		code, _, errOut := jejak(t, "export", "--data", data, "--year", "2019", "--out", filepath.Join(t.TempDir(), "c"))
		if code != 1 || !strings.Contains(errOut, "2019") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
		if after := mustJejak(t, "snapshot", "list", "--data", data); after != before {
			t.Errorf("a failed export changed the snapshots:\n%s\n%s", before, after)
		}
	})
}

// TestBackupRestoreCommands: jejak backup, then jejak restore into an empty
// data directory (and refused into a full one) gives the same store.
func TestBackupRestoreCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	mustJejak(t, "generate", "--data", data, "--scale", "0.002", "--years", "2025")
	file := filepath.Join(t.TempDir(), "jejak.backup")
	out := mustJejak(t, "backup", "--data", data, "--out", file)
	if !strings.Contains(out, "cadangan "+file) {
		t.Errorf("backup printed %q", out)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	mustJejak(t, "restore", file, "--data", restored)
	if code, _, errOut := jejak(t, "restore", file, "--data", restored); code != 1 || !strings.Contains(errOut, "not empty") {
		t.Errorf("a second restore: exit %d, %q", code, errOut)
	}
	mustJejak(t, "restore", "--force", "--data", restored, file)
	a, b := mustJejak(t, "snapshot", "create", "--data", data), mustJejak(t, "snapshot", "create", "--data", restored)
	hash := func(s string) string { // the SHA-256 column of the last line
		f := strings.Fields(s)
		return f[len(f)-1]
	}
	if len(hash(a)) != 64 || hash(a) != hash(b) {
		t.Errorf("snapshots differ:\n%s\n%s", a, b)
	}
}
