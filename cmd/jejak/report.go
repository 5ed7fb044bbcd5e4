package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
)

// errReportInvalid is the exit of verify-report when the code does not
// match the history.
var errReportInvalid = errors.New("the report does not match the history")

// runVerifyReport checks a printed report's verification code against the
// event history: the score of the code's region and year, replayed to the
// code's position, must have the code's digest.
func runVerifyReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify-report [flags] CODE", `Check the verification code printed on a region report (laporan daerah):
replay the region's score of that year to the code's stream position and
compare the digest of its state with the code. Exit status 0 when they match.

Example:
  jejak verify-report 2024-64.03-5899-3f2a9c01be`, stderr)
	var sf storeFlags
	sf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "jejak verify-report: give exactly one CODE")
		return errUsage
	}
	code, err := index.ParseReportCode(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "jejak verify-report: %q is not a report code (year-region-position-digest, e.g. 2024-64.03-5899-3f2a9c01be)\n", fs.Arg(0))
		return errUsage
	}
	o, err := openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer o.Close()
	head, err := o.Store.Head(ctx)
	if err != nil {
		return err
	}
	if head < code.Position {
		fmt.Fprintf(stdout, "TIDAK COCOK: riwayat baru sampai posisi %d, kode menyebut posisi %d\n", head, code.Position)
		return errReportInvalid
	}
	ix := index.New()
	if err := projections.Replay(ctx, o.Store, code.Position, ix); err != nil {
		return err
	}
	ok, err := code.Matches(ix)
	if err != nil {
		return err
	}
	rs, err := ix.Score(code.Year, code.Region)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintf(stdout, "TIDAK COCOK: skor %s %d pada posisi %d tidak sama dengan yang dicetak\n", code.Region, code.Year, code.Position)
		return errReportInvalid
	}
	fmt.Fprintf(stdout, "COCOK: laporan %s %d pada posisi %d, IID %s (%s)\n", code.Region, code.Year, code.Position,
		rs.Result.Verified.IID, rs.Result.Verified.Predicate)
	return nil
}
