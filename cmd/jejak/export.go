package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/export"
	"github.com/jejak-id/jejak/projections/kemendagri"
	"github.com/jejak-id/jejak/projections/snapshot"
)

func runSnapshot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list" && args[0] != "show") {
		fmt.Fprintln(stderr, `Usage: jejak snapshot create [--as-of T] | list | show [--json] NAME   [store flags]

A snapshot is the index's state at a stream position, serialised
deterministically and kept with its SHA-256 in the JEJAK_SNAPSHOTS object
store. Exports are built from snapshots, and past states (as-of reads)
start from the nearest one. jejak serve also takes one on a schedule
(--snapshot-every). show --json prints the whole state as readable JSON.`)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	fs := newFlags("snapshot "+args[0], "Create, list or show snapshots.", stderr)
	var sf storeFlags
	sf.register(fs)
	asOf := fs.String("as-of", "", "create: the state at this date, RFC 3339 time or position (default: now)")
	asJSON := fs.Bool("json", false, "show: print the whole index state as readable JSON instead of a summary")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	var at projections.AsOf
	if *asOf != "" {
		var err error
		if at, err = projections.ParseAsOf(*asOf); err != nil {
			fmt.Fprintln(stderr, "jejak snapshot: --as-of: use a date (2025-08-06), an RFC 3339 time or a position")
			return errUsage
		}
	}
	off, err := openOffline(ctx, sf, stderr)
	if err != nil {
		return err
	}
	defer off.Close()
	switch args[0] {
	case "create":
		info, err := off.Snapshots.Create(ctx, at)
		if err != nil {
			return err
		}
		printSnapshots(stdout, []snapshot.Info{info})
	case "list":
		all, err := off.Snapshots.List(ctx)
		if err != nil {
			return err
		}
		printSnapshots(stdout, all)
	case "show":
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, "jejak snapshot show NAME (see jejak snapshot list)")
			return errUsage
		}
		info, ok, err := off.Snapshots.Lookup(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no snapshot %q (see jejak snapshot list)", fs.Arg(0))
		}
		ix, err := off.Snapshots.Load(ctx, info)
		if err != nil {
			return err
		}
		if *asJSON {
			data, err := ix.StateJSON()
			if err != nil {
				return err
			}
			_, err = stdout.Write(data)
			return err
		}
		printSnapshots(stdout, []snapshot.Info{info})
		for _, p := range ix.Years() {
			fmt.Fprintf(stdout, "  %d  %-18s  %-12s  %d daerah dinilai\n", p.Year, p.CatalogueVersion, p.Phase, p.Regions)
		}
	}
	return nil
}

func printSnapshots(w io.Writer, all []snapshot.Info) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAMA\tPOSISI\tWAKTU (UTC)\tUKURAN\tSHA-256")
	for _, s := range all {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\n", s.Name, s.Position, s.Time.Format("2006-01-02 15:04:05"), s.Size, s.SHA256)
	}
	tw.Flush()
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export --year YEAR [--as-of T] --out DIR", `Write the Kemendagri export of an assessment year (XLSX, CSV, JSON and a
manifest with SHA-256 sums) built from a snapshot: the same snapshot always
gives the same bytes. Check it later with jejak verify DIR.

With --with-evidence, the evidence files (bukti dukung) the year's answers
cite are written too, as evidence/<sha256>.<ext>, and listed with their
hashes in the manifest.`, stderr)
	var sf storeFlags
	sf.register(fs)
	year := fs.Int("year", 0, "assessment year (required)")
	asOf := fs.String("as-of", "", "the state at this date, RFC 3339 time or position (default: now)")
	out := fs.String("out", "", "directory to write (required; created)")
	withEvidence := fs.Bool("with-evidence", false, "also write the evidence files the answers cite, listed in the manifest")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var at projections.AsOf
	var err error
	if *asOf != "" {
		at, err = projections.ParseAsOf(*asOf)
	}
	if *year == 0 || *out == "" || err != nil {
		fmt.Fprintln(stderr, "jejak export: --year and --out are required; --as-of takes a date (2025-08-06), an RFC 3339 time or a position")
		return errUsage
	}
	off, err := openOffline(ctx, sf, stderr)
	if err != nil {
		return err
	}
	defer off.Close()
	bar := newProgress(stderr, "membuat ekspor")
	steps := 0
	build := export.Build
	if *withEvidence {
		build = export.BuildWithEvidence
	}
	ex, err := build(ctx, off.Snapshots, *year, at, version, func(done, total int) { steps = total; bar.Update(done, total) })
	if err != nil {
		return err
	}
	bar.Done(steps, steps)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := app.WriteExportEvidence(ctx, off.Storage, *out, ex.Manifest.Evidence); err != nil {
		return err
	}
	for _, f := range ex.Files {
		if err := writeFileAtomic(filepath.Join(*out, f.Name), f.Data); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "ekspor %d dari snapshot %s (posisi %d, sha256 %s) ditulis ke %s:\n", *year, ex.Snapshot.Name,
		ex.Snapshot.Position, ex.Snapshot.SHA256, *out)
	for _, f := range ex.Manifest.Files {
		fmt.Fprintf(stdout, "  %-14s %9d B  %s\n", f.Name, f.Size, f.SHA256)
	}
	if *withEvidence {
		fmt.Fprintf(stdout, "  %d berkas bukti dukung di %s/\n", len(ex.Manifest.Evidence), kemendagri.EvidenceDir)
	}
	return nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify DIR | verify --log", `Check an export against the event history: replay the store to the position
in DIR/manifest.json, rebuild the export and compare it byte for byte.
Exit status 0 when it matches; otherwise the first difference is printed.

With --log, check the whole history instead: recompute the Merkle tree from
the event stream, check every signed head's signature (with the public
keys: <data>/keys/seal.pub by default) and root, and name the first
position whose bytes differ from what a head covered.

Checking an export also re-hashes its evidence files (when it has them) and
every evidence object the history cites in the store (JEJAK_EVIDENCE),
naming any that is missing or whose bytes changed; --evidence does only
the latter.`, stderr)
	var sf storeFlags
	sf.register(fs)
	log := fs.Bool("log", false, "check the Merkle log against the stream instead of an export")
	evidenceOnly := fs.Bool("evidence", false, "re-hash every evidence object the history cites, and nothing else")
	var keys keyFiles
	fs.Var(&keys, "public-key", "with --log: public sealing key file(s); default <data>/keys/seal.pub (+ seal-trusted.pub)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *log {
		if fs.NArg() != 0 {
			fmt.Fprintln(stderr, "jejak verify --log takes no directory")
			return errUsage
		}
		return verifyLog(ctx, sf, keys, stdout, stderr)
	}
	if *evidenceOnly {
		if fs.NArg() != 0 {
			fmt.Fprintln(stderr, "jejak verify --evidence takes no directory")
			return errUsage
		}
		o, err := openStore(ctx, sf)
		if err != nil {
			return err
		}
		defer o.Close()
		return verifyEvidence(ctx, o, stdout, stderr)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "jejak verify: give the export directory, or --log, or --evidence")
		return errUsage
	}
	o, err := openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer o.Close()
	bar := newProgress(stderr, "memutar ulang peristiwa")
	res, err := export.Verify(ctx, o.Store, fs.Arg(0), bar.Update)
	if err != nil {
		return err
	}
	bar.Done(int(res.Manifest.Position), int(res.Manifest.Position))
	if res.Match() {
		fmt.Fprintf(stdout, "COCOK: ekspor %d sama persis dengan riwayat peristiwa sampai posisi %d (snapshot %s)\n",
			res.Manifest.Year, res.Manifest.Position, res.SnapshotHash)
		if n := len(res.Manifest.Evidence); n > 0 {
			fmt.Fprintf(stdout, "COCOK: %d berkas bukti dukung di ekspor sesuai hash-nya\n", n)
		}
		return verifyEvidence(ctx, o, stdout, stderr)
	}
	fmt.Fprintf(stdout, "TIDAK COCOK: %s\n", res.Difference)
	if res.SnapshotHash != res.Manifest.SnapshotHash {
		fmt.Fprintf(stdout, "snapshot dari riwayat: %s; di manifest: %s\n", res.SnapshotHash, res.Manifest.SnapshotHash)
	}
	return errors.New("the export does not match the event history")
}

// verifyEvidence re-hashes every evidence object the history cites.
func verifyEvidence(ctx context.Context, o *app.Storage, stdout, stderr io.Writer) error {
	bar := newProgress(stderr, "memeriksa bukti dukung")
	res, err := app.VerifyEvidence(ctx, o, 0, bar.Update)
	if err != nil {
		return err
	}
	bar.Done(res.Referenced, res.Referenced)
	if len(res.Problems) == 0 {
		fmt.Fprintf(stdout, "COCOK: %d berkas bukti dukung yang dirujuk riwayat ada dan sesuai hash-nya (%d B)\n", res.Referenced, res.Bytes)
		return nil
	}
	for _, p := range res.Problems {
		if p.Missing {
			fmt.Fprintf(stdout, "HILANG: bukti dukung %s tidak ada di %s\n", p.SHA256, natsinfra.EvidenceBucket)
		} else {
			fmt.Fprintf(stdout, "BERUBAH: bukti dukung %s kini ber-hash %s (%d B)\n", p.SHA256, p.Got, p.Size)
		}
	}
	return fmt.Errorf("%d of %d evidence files are missing or changed", len(res.Problems), res.Referenced)
}
