package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/importer"
	"github.com/jejak-id/jejak/projections/index"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import FILE [flags] | import --template [FILE]", `Import a region's spreadsheet (XLSX or CSV, Indonesian column names):
innovations with their stage dates (sheet Inovasi) and, optionally, SPD answers
of the open year (sheet Jawaban SPD). Each row is appended as the same commands
the API uses; re-running a file appends nothing, and a row that differs from
what is recorded is reported, not applied. One row with problems stops the
whole import unless --valid-only. --template writes the template (default
`+importer.TemplateName+`; "-" for standard output).`, stderr)
	var sf storeFlags
	sf.register(fs)
	template := fs.Bool("template", false, "write the import template and exit")
	dryRun := fs.Bool("dry-run", false, "check every row and append nothing")
	validOnly := fs.Bool("valid-only", false, "import the valid rows of a file that has invalid ones")
	year := fs.Int("year", 0, "assessment year of the SPD answers (default: this year)")
	maxRows := fs.Int("max-rows", importer.DefaultMaxRows, "refuse a sheet with more data rows than this")
	region := fs.String("region", "", "import as the operator of this region (only its rows); default: as an admin")
	by := fs.String("by", "impor", "user id recorded as the actor (submitter of answers)")
	if err := parseFlags(fs, reorder(args)); err != nil {
		return err
	}
	if *template {
		return writeTemplate(fs.Arg(0), stdout)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "jejak import: give one FILE (XLSX or CSV), or --template")
		return errUsage
	}
	data, err := readBounded(fs.Arg(0), 256<<20)
	if err != nil {
		return err
	}
	actor := domain.Actor{UserID: *by, Role: domain.RoleAdmin}
	if *region != "" {
		actor = domain.Actor{UserID: *by, Role: domain.RoleOperator, Region: *region}
	}
	// The projections find innovations entered by hand under a row's name.
	off, err := openOffline(ctx, sf, stderr)
	if err != nil {
		return err
	}
	defer off.Close()
	ix := off.Views.Index
	known := importer.KnownFrom(func(region string) []importer.Named {
		var out []importer.Named
		for _, inn := range ix.Innovations(index.InnovationFilter{Region: region}) {
			out = append(out, importer.Named{ID: inn.ID, Name: inn.Name})
		}
		return out
	})
	im := &importer.Importer{Service: domain.NewService(off.Store, nil)}
	bars := map[string]*progressBar{}
	var mu sync.Mutex
	progress := func(stage string, done, total int) {
		mu.Lock()
		defer mu.Unlock()
		bar, ok := bars[stage]
		if !ok {
			bar = newProgress(stderr, map[string]string{"periksa": "memeriksa baris", "impor": "mengimpor baris"}[stage])
			bars[stage] = bar
		}
		if done == total {
			bar.Done(done, total)
		} else {
			bar.Update(done, total)
		}
	}
	start := time.Now()
	rep, err := im.Run(ctx, data, importer.Options{Actor: actor, Year: *year, MaxRows: *maxRows, DryRun: *dryRun, ValidOnly: *validOnly, Known: known, Progress: progress})
	var fe *importer.FileError
	if errors.As(err, &fe) {
		return fmt.Errorf("%s: %s", fs.Arg(0), fe.Message)
	}
	if err != nil {
		return err
	}
	printReport(stdout, rep, time.Since(start))
	if rep.Counts[importer.StatusInvalid] > 0 && !rep.Applied || rep.Counts[importer.StatusFailed] > 0 {
		return errors.New("impor tidak selesai: lihat masalah di atas")
	}
	return nil
}

// reorder puts flags before the file name, so that "import FILE --dry-run"
// works as well as "import --dry-run FILE".
func reorder(args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case !strings.HasPrefix(a, "-") || a == "-":
			rest = append(rest, a)
		case strings.Contains(a, "=") || isBoolFlag(a):
			flags = append(flags, a)
		case i+1 < len(args):
			flags = append(flags, a, args[i+1])
			i++
		default:
			flags = append(flags, a)
		}
	}
	return append(flags, rest...)
}

func isBoolFlag(a string) bool {
	switch strings.TrimLeft(a, "-") {
	case "template", "dry-run", "valid-only", "h", "help":
		return true
	}
	return false
}

func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: lebih dari %d MB, batas satu kali impor", path, limit>>20)
	}
	return data, nil
}

func writeTemplate(path string, stdout io.Writer) error {
	data, err := importer.Template()
	if err != nil {
		return err
	}
	if path == "-" {
		_, err = stdout.Write(data)
		return err
	}
	if path == "" {
		path = importer.TemplateName
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "templat impor ditulis ke", path)
	return nil
}

func printReport(w io.Writer, rep *importer.Report, took time.Duration) {
	if len(rep.Problems) > 0 {
		fmt.Fprintln(w, "Masalah:")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  LEMBAR\tBARIS\tKOLOM\tMASALAH")
		for _, p := range rep.Problems {
			fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\n", p.Sheet, p.Row, p.Column, p.Message)
		}
		tw.Flush()
	}
	if len(rep.Notes) > 0 {
		fmt.Fprintln(w, "Catatan:")
		for _, p := range rep.Notes {
			where := p.Sheet
			if p.Row > 0 {
				where += fmt.Sprintf(" baris %d", p.Row)
			}
			if p.Column != "" {
				where += " kolom " + p.Column
			}
			fmt.Fprintf(w, "  %s: %s\n", where, p.Message)
		}
	}
	var parts []string
	for _, s := range []importer.Status{importer.StatusNew, importer.StatusContinued, importer.StatusUnchanged, importer.StatusChanged, importer.StatusInvalid, importer.StatusFailed} {
		if n := rep.Counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) == 0 {
		parts = []string{"tidak ada baris"}
	}
	fmt.Fprintf(w, "%d baris: %s.\n", len(rep.Rows), strings.Join(parts, ", "))
	if rep.Applied {
		fmt.Fprintf(w, "Ditambahkan %d commit, %d peristiwa dalam %s.\n", rep.Commits, rep.Events, took.Round(time.Millisecond))
	} else {
		fmt.Fprintf(w, "Tidak ada yang ditambahkan: %s.\n", rep.Refused)
	}
}
