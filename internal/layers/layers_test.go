// Package layers holds one test: Jejak's packages import only packages
// below them in the picture of docs/ARCHITECTURE.md, so data flows one way
// (api -> domain decides -> eventstore appends -> projections apply -> api
// reads) and the domain imports no infrastructure.
package layers

import (
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/jejak-id/jejak/"

// layer ranks every package, bottom first. A package may import module
// packages of a lower rank only; a new package must be placed here (and in
// the picture) before it can land.
var layer = map[string]int{
	"domain": 0,

	"natsinfra":              1,
	"projections/kemendagri": 1, // file formats, no domain knowledge
	"merklelog":              1, // the signed Merkle log: ports only, no Jejak imports
	"personal":               1, // personal data keys: AES-256-GCM, the NIP index (port: domain.PersonalData)

	"eventstore":           2,
	"eventstore/memstore":  2,
	"eventstore/storetest": 2,

	"projections/index": 3, // read models: fed by events, know nothing of the engine
	"projections/audit": 3,

	"projections": 4, // the engine: runner, views, time travel, checkpoints

	"projections/snapshot": 5,
	"reactors":             5,
	"sampledata":           5,
	"importer":             5, // spreadsheet import: files in, domain commands out

	"projections/export": 6,

	"api/dashboard": 6, // static files
	"api":           7,

	"app": 8, // the composition root: the only place that wires the stack

	"cmd/jejak":            10,
	"bench/projbench":      9,
	"bench/storebench":     9,
	"bench/logbench":       9,
	"bench/evidencebench":  9,
	"bench/httpbench":      9,
	"api/apitest":          10,
	"internal/testsupport": 9,
	"internal/layers":      9,
	"deploy/clustertest":   9,
	"deploy/credentials":   9,
	"deploy/gencreds":      10,
	"deploy/probe":         9,
}

// stdlibOnly lists, for the packages that import no infrastructure, the
// only module paths they may import besides the standard library. The
// domain normalises text with golang.org/x/text/unicode/norm (Unicode data
// and algorithms kept by the Go team, not infrastructure).
var stdlibOnly = map[string][]string{
	"domain": {"github.com/google/uuid", "golang.org/x/text/unicode/norm"},
}

func TestLayers(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			dir := filepath.Dir(path)
			if !slices.Contains(dirs, dir) {
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		rel = filepath.ToSlash(rel)
		pkg, err := build.Default.ImportDir(dir, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				continue
			}
			t.Fatalf("%s: %v", rel, err)
		}
		if pkg.Name == "main" && rel != "cmd/jejak" && !strings.HasPrefix(rel, "deploy/") {
			continue
		}
		rank, known := layer[rel]
		if !known {
			t.Errorf("package %s is not in the layer table: place it (internal/layers and the picture in docs/ARCHITECTURE.md)", rel)
			continue
		}
		for _, imp := range pkg.Imports {
			if allowed, ok := stdlibOnly[rel]; ok && strings.Contains(strings.Split(imp, "/")[0], ".") && !slices.Contains(allowed, imp) {
				t.Errorf("%s imports %s: it may import only the standard library and %v", rel, imp, allowed)
			}
			dep, ok := strings.CutPrefix(imp, module)
			if !ok {
				continue
			}
			depRank, known := layer[dep]
			if !known {
				continue // reported for dep itself
			}
			if depRank >= rank {
				t.Errorf("%s (layer %d) imports %s (layer %d): a package may import only layers below it", rel, rank, dep, depRank)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s", root)
	}
}
