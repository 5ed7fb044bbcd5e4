package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/merklelog"
)

// keyFiles is a repeatable flag of public key files.
type keyFiles []string

func (k *keyFiles) String() string { return strings.Join(*k, ",") }
func (k *keyFiles) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*k = append(*k, p)
		}
	}
	return nil
}

// verifyLog is jejak verify --log: recompute the Merkle tree from the
// stream and check every signed head.
func verifyLog(ctx context.Context, sf storeFlags, keys keyFiles, stdout, stderr io.Writer) error {
	trusted, err := app.TrustedSealKeys(sf.DataDir, keys...)
	if err != nil {
		return fmt.Errorf("%w (give the public keys with --public-key)", err)
	}
	o, err := openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer o.Close()
	tiles, seals, err := app.OpenLogStores(ctx, o.Conn, o.Replicas)
	if err != nil {
		return err
	}
	head, err := o.Store.Head(ctx)
	if err != nil {
		return err
	}
	bar := newProgress(stderr, "menghitung ulang pohon Merkle")
	rep, err := merklelog.VerifyLog(ctx, app.ReadRaw(o.Store), seals, tiles, merklelog.NewHeads(seals, trusted),
		func(p uint64) { bar.Update(int(p), int(head)) })
	if err != nil {
		return err
	}
	bar.Done(int(rep.Commits), int(head))
	if rep.OK() {
		fmt.Fprintf(stdout, "LOG UTUH: %d commit dihitung ulang; %d kepala bertanda tangan sah dan cocok", rep.Commits, rep.HeadsOK)
		if h := rep.LatestOK; h.Number > 0 {
			fmt.Fprintf(stdout, " (terakhir #%d: %d commit, akar %s, kunci %s+%s, %s)", h.Number, h.Size,
				hex.EncodeToString(h.Root), h.KeyName, h.KeyIDHex(), h.Time.Format("2006-01-02 15:04:05 MST"))
		}
		fmt.Fprintln(stdout)
		return nil
	}
	fmt.Fprintf(stdout, "LOG TIDAK UTUH: %d commit dibaca, %d dari %d kepala cocok\n", rep.Commits, rep.HeadsOK, rep.Heads)
	for _, p := range rep.Problems {
		fmt.Fprintln(stdout, "  -", p)
	}
	if rep.FirstDifference != 0 {
		fmt.Fprintf(stdout, "posisi pertama yang berbeda: %d\n", rep.FirstDifference)
	}
	return errors.New("the event stream does not match its signed heads")
}

func runVerifyProof(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify-proof --public-key FILE --head HEAD [--old OLD_HEAD] --proof PROOF", `Check a proof of the Merkle log offline, with only the public sealing key:

  inclusion:    --head HEAD --proof PROOF          the commit is in HEAD's tree
  consistency:  --old OLD --head HEAD --proof PROOF HEAD's log extends OLD's

HEAD and OLD are heads saved from GET /api/v1/log/head (JSON) or bare
checkpoints; PROOF is the answer of /api/v1/log/proof/inclusion or
/consistency. A head not signed by a given key, or whose size goes back, is
refused. Exit status 0 when the proof holds.`, stderr)
	var keys keyFiles
	fs.Var(&keys, "public-key", "public sealing key file(s) (seal.pub; repeat or separate with commas)")
	headFile := fs.String("head", "", "the (newer) signed head")
	oldFile := fs.String("old", "", "the older signed head, for a consistency proof")
	proofFile := fs.String("proof", "", "the proof")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if len(keys) == 0 || *headFile == "" || *proofFile == "" {
		fmt.Fprintln(stderr, "jejak verify-proof: --public-key, --head and --proof are required")
		return errUsage
	}
	vs, err := merklelog.LoadPublicKeys(keys...)
	if err != nil {
		return err
	}
	trusted := merklelog.TrustedKeys(vs...)
	head, err := readHeadFile(*headFile, trusted)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(*proofFile)
	if err != nil {
		return err
	}
	var kind struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(raw, &kind); err != nil {
		return fmt.Errorf("%s is not a proof: %w", *proofFile, err)
	}
	if *oldFile != "" {
		old, err := readHeadFile(*oldFile, trusted)
		if err != nil {
			return err
		}
		var p merklelog.ConsistencyProof
		if err := json.Unmarshal(raw, &p); err != nil {
			return fmt.Errorf("%s is not a consistency proof: %w", *proofFile, err)
		}
		if err := merklelog.CheckConsistency(old, head, p); err != nil {
			fmt.Fprintf(stdout, "BUKTI DITOLAK: log di kepala #%d (%d commit) bukan kelanjutan log di kepala #%d (%d commit): %v\n",
				head.Number, head.Size, old.Number, old.Size, err)
			return errors.New("the consistency proof does not hold")
		}
		fmt.Fprintf(stdout, "BUKTI SAH: log di kepala #%d (%d commit) adalah kelanjutan log di kepala #%d (%d commit), tanpa ada yang diubah atau dihapus\n",
			head.Number, head.Size, old.Number, old.Size)
		return nil
	}
	var p merklelog.InclusionProof
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("%s is not an inclusion proof: %w", *proofFile, err)
	}
	if err := merklelog.CheckInclusion(head, p); err != nil {
		fmt.Fprintf(stdout, "BUKTI DITOLAK: commit di posisi %d tidak terbukti ada di kepala #%d: %v\n", p.Position, head.Number, err)
		return errors.New("the inclusion proof does not hold")
	}
	fmt.Fprintf(stdout, "BUKTI SAH: commit di posisi %d (daun %s) termasuk dalam log bertanda tangan #%d (%d commit, akar %s)\n",
		p.Position, hex.EncodeToString(p.LeafHash), head.Number, head.Size, hex.EncodeToString(head.Root))
	return nil
}

func readHeadFile(path string, trusted note.Verifiers) (merklelog.Head, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return merklelog.Head{}, err
	}
	h, err := merklelog.ReadHead(data, trusted)
	if err != nil {
		return merklelog.Head{}, fmt.Errorf("%s refused: %w", path, err)
	}
	return h, nil
}

// runSealKey is jejak seal-key: create a sealing key pair (for a new
// deployment or a rotation).
func runSealKey(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("seal-key --out FILE [--origin NAME]", `Create a new Ed25519 sealing key for the Merkle log: FILE (private, 0600)
and FILE's .pub twin (public, for auditors). To rotate: create a new key,
append the old .pub to <data>/keys/seal-trusted.pub (so the old heads still
verify), and restart jejak serve with --seal-key FILE. Every head names the
key that signed it.`, stderr)
	out := fs.String("out", "", "private key file to create (required)")
	origin := fs.String("origin", merklelog.DefaultOrigin, "the log's name (the key's name, first line of every head)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(stderr, "jejak seal-key: --out is required")
		return errUsage
	}
	if err := merklelog.GenerateKeyFiles(*out, *origin); err != nil {
		return err
	}
	pub, err := os.ReadFile(merklelog.PublicKeyPath(*out))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "kunci segel dibuat: %s (rahasia) dan %s (publik):\n%s", *out, merklelog.PublicKeyPath(*out), pub)
	return nil
}
