package kemendagri_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jejak-id/jejak/projections/kemendagri"
)

func TestCSV(t *testing.T) {
	files, _ := MustBuild(t, sampleTables(), sampleMeta())
	read := func(t *testing.T, name string) [][]string {
		t.Helper()
		records, err := csv.NewReader(bytes.NewReader(fileNamed(t, files, name))).ReadAll()
		if err != nil {
			t.Fatalf("%s is not valid CSV: %v", name, err)
		}
		return records
	}

	t.Run("is RFC 4180 with CRLF line ends and no byte order mark", func(t *testing.T) {
		for _, name := range []string{"daerah.csv", "inovasi.csv", "bimtek.csv"} {
			data := fileNamed(t, files, name)
			if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
				t.Errorf("%s starts with a BOM", name)
			}
			if !bytes.HasSuffix(data, []byte("\r\n")) || bytes.Count(data, []byte("\n")) != bytes.Count(data, []byte("\r\n")) {
				t.Errorf("%s has a line end other than CRLF", name)
			}
		}
	})

	t.Run("round-trips a name with a comma, quotes and a newline", func(t *testing.T) {
		records := read(t, "inovasi.csv")
		if got := records[3][1]; got != "Posyandu \"Pintar\", terpadu\nversi 2" {
			t.Fatalf("name read back as %q", got)
		}
		if got := read(t, "daerah.csv")[3][1]; got != `Kabupaten "Fakfak", Papua Barat` {
			t.Fatalf("region name read back as %q", got)
		}
	})

	t.Run("neutralises text a spreadsheet would run as a formula", func(t *testing.T) {
		tables := sampleTables()
		names := []string{"=HYPERLINK(\"http://x.example\",\"klik\")", "+1", "-1", "@SUM(A1)", "\tTab", "Biasa - aman", ""}
		for i, name := range names {
			tables.Innovations[i%len(tables.Innovations)].Name = name
			tables.Innovations[i%len(tables.Innovations)].Unit = name
			files, _ := MustBuild(t, tables, sampleMeta())
			records, err := csv.NewReader(bytes.NewReader(fileNamed(t, files, "inovasi.csv"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			want := name
			if name != "" && strings.ContainsRune("=+-@\t", rune(name[0])) {
				want = "'" + name
			}
			found := false
			for _, r := range records[1:] {
				if r[0] == tables.Innovations[i%len(tables.Innovations)].ID {
					found = true
					if r[1] != want || r[4] != want {
						t.Errorf("%q written as name %q, unit %q; want %q", name, r[1], r[4], want)
					}
				}
			}
			if !found {
				t.Fatalf("innovation %s not written", tables.Innovations[i%len(tables.Innovations)].ID)
			}
			if name != "" && !bytes.Contains(fileNamed(t, files, "export.json"), []byte(strings.ReplaceAll(strings.ReplaceAll(mustJSON(t, name), "<", `\u003c`), ">", `\u003e`))) {
				t.Errorf("export.json does not keep %q as it is", name)
			}
		}
		// numbers are Jejak's own: a negative decimal is not text
		if got := read(t, "daerah.csv")[1][5]; strings.HasPrefix(got, "'") {
			t.Errorf("a decimal was neutralised: %q", got)
		}
	})

	t.Run("sorts rows and writes exact decimals, empty ranks and natural indicator order", func(t *testing.T) {
		regions := read(t, "daerah.csv")
		want := [][]string{
			{"Kode", "Nama Daerah", "Jenis", "Provinsi", "Klaster", "Skor SPD", "Skor SID", "Skor Total", "IID", "Predikat",
				"Peringkat Nasional", "Peringkat Klaster", "Inisiatif", "Uji Coba", "Penerapan", "Replikasi"},
			{"18", "Lampung", "provinsi", "Lampung", "provinsi", "50.005", "30.000", "80.005", "80.01", "Sangat Inovatif", "1", "1", "0", "0", "9", "0"},
		}
		for i := range want {
			if strings.Join(regions[i], "|") != strings.Join(want[i], "|") {
				t.Errorf("row %d is %q, want %q", i+1, regions[i], want[i])
			}
		}
		if unranked := regions[3]; unranked[0] != "91.01" || unranked[10] != "" || unranked[11] != "" {
			t.Errorf("unranked region row %q", unranked)
		}
		innovations := read(t, "inovasi.csv")
		if got := strings.Join(innovations[0][14:], "|"); got != "Verifikasi Indikator 1|Verifikasi Indikator 2|Verifikasi Indikator 2a|Verifikasi Indikator 10" {
			t.Errorf("verification columns %s", got)
		}
		var ids []string
		for _, r := range innovations[1:] {
			ids = append(ids, r[0])
		}
		if strings.Join(ids, ",") != "c3,a1,b2" {
			t.Errorf("innovations in order %v, want by region code then ID", ids)
		}
		ids = nil
		for _, r := range read(t, "bimtek.csv")[1:] {
			ids = append(ids, r[0])
		}
		if strings.Join(ids, ",") != "k0,k1,k2" {
			t.Errorf("bimtek in order %v, want by date then ID", ids)
		}
	})
}

func TestJSON(t *testing.T) {
	t.Run("carries meta and all tables with exact decimals", func(t *testing.T) {
		files, _ := MustBuild(t, sampleTables(), sampleMeta())
		data := fileNamed(t, files, "export.json")
		var doc struct {
			Meta    map[string]any         `json:"meta"`
			Regions []kemendagri.RegionRow `json:"regions"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Meta["snapshotHash"] != sampleMeta().SnapshotHash || len(doc.Regions) != 3 || doc.Regions[1].IID.String() != "68.38" {
			t.Fatalf("export.json read back as %+v", doc)
		}
		if !bytes.Contains(data, []byte(`"spd": 41.250,`)) {
			t.Error("export.json does not keep the decimals of SPD")
		}
	})
}

func TestDecimal(t *testing.T) {
	t.Run("renders with its own number of decimals", func(t *testing.T) {
		for _, c := range []struct {
			d    kemendagri.Decimal
			want string
		}{
			{kemendagri.Hundredths(7850), "78.50"}, {kemendagri.Thousandths(12345), "12.345"}, {kemendagri.Thousandths(-5), "-0.005"},
			{kemendagri.Hundredths(0), "0.00"}, {kemendagri.Decimal{}, "0"}, {kemendagri.MustParseDecimal("-3.10"), "-3.10"},
		} {
			if got := c.d.String(); got != c.want {
				t.Errorf("%#v renders %q, want %q", c.d, got, c.want)
			}
		}
	})

	t.Run("rejects what is not a plain decimal of at most three places", func(t *testing.T) {
		for _, s := range []string{"", "1.", ".5", "1.2345", "1e3", "+1", "1,5", "--1", "0x10"} {
			if _, err := kemendagri.ParseDecimal(s); err == nil {
				t.Errorf("ParseDecimal(%q) succeeded", s)
			}
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
