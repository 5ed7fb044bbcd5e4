package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/kemendagri"
)

// The ranking as shown (year, cluster, province and name filters, movement
// when asked) as a file: format=csv (machine-readable: '.' decimals) or
// format=xlsx (numbers stored as numbers, names as text, never formulas).
// The same read rule as the ranking: everyone's once published.

var rankingHeader = []string{"Peringkat", "Kode daerah", "Daerah", "Jenis", "Provinsi", "Predikat", "IID", "SPD", "SID",
	"Skor total", "IID sementara", "Inovasi dihitung", "Diumumkan"}

// rankingRecord is one row as text (CSV) and as typed values (XLSX).
func rankingRecord(r rankRowJSON) []any {
	yn := map[bool]string{true: "Ya", false: "Tidak"}
	num := func(s string) any {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
		return s
	}
	return []any{r.Rank, r.Region, r.Name, r.Kind, r.Province, r.Predicate, r.IID, num(r.SPD), num(r.SID), num(r.Total),
		r.Provisional, r.Counted, yn[r.Published]}
}

func writeRankingFile(w http.ResponseWriter, format string, year int, cluster domain.Cluster, rows []rankRowJSON, movement bool) error {
	header := rankingHeader
	if movement {
		header = append(append([]string{}, header...), "Gerak")
	}
	records := make([][]any, 0, len(rows))
	for _, r := range rows {
		rec := rankingRecord(r)
		if movement {
			if r.Movement != nil {
				rec = append(rec, *r.Movement)
			} else {
				rec = append(rec, "baru")
			}
		}
		records = append(records, rec)
	}
	name := fmt.Sprintf("peringkat-%d-%s", year, cluster)
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		cw := csv.NewWriter(w)
		cw.UseCRLF = true
		_ = cw.Write(header)
		for _, rec := range records {
			line := make([]string, len(rec))
			for i, v := range rec {
				switch v := v.(type) {
				case string:
					line[i] = kemendagri.CSVText(v)
				case float64:
					line[i] = strconv.FormatFloat(v, 'f', -1, 64)
				default:
					line[i] = fmt.Sprint(v)
				}
			}
			_ = cw.Write(line)
		}
		cw.Flush()
		return nil
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Peringkat"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	for row, rec := range append([][]any{toAny(header)}, records...) {
		for col, v := range rec {
			cell, err := excelize.CoordinatesToCellName(col+1, row+1)
			if err != nil {
				return err
			}
			if s, ok := v.(string); ok {
				err = f.SetCellStr(sheet, cell, s) // text, never a formula
			} else {
				err = f.SetCellValue(sheet, cell, v)
			}
			if err != nil {
				return err
			}
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
	return f.Write(w)
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
