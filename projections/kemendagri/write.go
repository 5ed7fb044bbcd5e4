package kemendagri

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write builds an export (see Build) and writes its files into dir, creating
// dir if needed. Each file is written to a temporary file in dir, synced and
// renamed over the old one, and manifest.json is written last, so a reader
// never sees a half-written file and a complete manifest means a complete
// export. Files of dir that are not part of an export are left alone (but
// Compare reports them as extra, so give each export its own directory).
//
// Progress counts the build steps and then one step per file written.
// Write returns the manifest it wrote. It is safe for concurrent use with
// different directories.
func Write(dir string, t Tables, m Meta, opts ...Option) (Manifest, error) {
	o := newOptions(opts)
	total := 2 * buildSteps()
	files, man, err := build(t, m, o.progress, total)
	if err != nil {
		return Manifest{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Manifest{}, fmt.Errorf("export: %w", err)
	}
	for i, f := range files {
		if err := writeAtomic(dir, f); err != nil {
			return Manifest{}, fmt.Errorf("export: %w", err)
		}
		o.progress(buildSteps()+i+1, total)
	}
	return man, syncDir(dir)
}

func writeAtomic(dir string, f File) (err error) {
	tmp, err := os.CreateTemp(dir, "."+f.Name+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(f.Data); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, f.Name))
}

// syncDir makes the renames durable. Some platforms cannot sync a directory;
// that is not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}
