package kemendagri

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// CheckManifest checks an export directory against its own manifest.json,
// without rebuilding it: every listed file must exist with the listed size
// and SHA-256. It is what a recipient can check; Compare is what `jejak
// verify` checks. It returns the first mismatch (Kind Missing or
// ManifestMismatch), or Kind Same. The error is non-nil when dir or its
// manifest cannot be read or parsed.
func CheckManifest(dir string) (Difference, error) {
	raw, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return Difference{}, fmt.Errorf("export: %w", err)
	}
	var man Manifest
	if err := json.Unmarshal(raw, &man); err != nil {
		return Difference{}, fmt.Errorf("export: %s: %w", ManifestName, err)
	}
	for _, f := range man.Files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.Base(f.Name)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return Difference{Kind: Missing, File: f.Name, Offset: -1}, nil
		case err != nil:
			return Difference{}, fmt.Errorf("export: %w", err)
		}
		d := Difference{Kind: ManifestMismatch, File: f.Name, Offset: -1}
		if got := int64(len(data)); got != f.Size {
			d.Detail, d.Want, d.Got = "size differs from the manifest", strconv.FormatInt(f.Size, 10), strconv.FormatInt(got, 10)
			return d, nil
		}
		if got := sha256Hex(data); got != f.SHA256 {
			d.Detail, d.Want, d.Got = "SHA-256 differs from the manifest", f.SHA256, got
			return d, nil
		}
	}
	return Difference{Kind: Same, Offset: -1}, nil
}
