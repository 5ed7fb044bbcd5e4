package dashboard

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"

	esbuild "github.com/evanw/esbuild/pkg/api"
)

// The app starts from one file. The source stays the readable ES modules in
// static/ (app.js and the modules it imports); at start the server bundles
// them in memory with esbuild into bundle.js (minified, with a source map
// that names the modules, which are still served as they are). Before this,
// a fresh navigation fetched 22 module files in three waves, one wave per
// level of imports, and the app asked for a page's data 150-320 ms after
// navigation (docs/BENCHMARKS.md, issue 16).
//
// Why at start and not with go generate: the modules stay the only source,
// nothing generated is committed that could fall behind them, and every
// test and binary serves what the modules say. It costs the binary
// esbuild's bundler (6.3 MB) and each process one build, 20-40 ms
// (TestBundle logs it), and compressing it once (docs/BENCHMARKS.md).

// entry is the app's module, the root of the bundle.
const entry = "app.js"

// asset is a file built in memory, served with a content ETag, gzip
// compressed once for clients that accept it.
type asset struct {
	name, ctype string
	body, gz    []byte
	hash        string // hex SHA-256 of body, first 16 digits: the ETag and the ?v= of its URL
}

func newAsset(name, ctype string, body []byte) *asset {
	sum := sha256.Sum256(body)
	a := &asset{name: name, ctype: ctype, body: body, hash: hex.EncodeToString(sum[:8])}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(body)
	if zw.Close() == nil && buf.Len() < len(body) {
		a.gz = buf.Bytes()
	}
	return a
}

// url is the asset's address with its content hash, which may be cached
// for good: another content has another address.
func (a *asset) url() string { return a.name + "?v=" + a.hash }

// bundleApp bundles entry and every module it imports from static into
// bundle.js and its source map bundle.js.map.
func bundleApp(static fs.FS) (js, sourceMap []byte, err error) {
	load := esbuild.Plugin{Name: "embedded", Setup: func(b esbuild.PluginBuild) {
		// Every import is a relative path in static ("./lib.js",
		// "../chart.js"); it resolves to an absolute path under "/" that
		// names the file in static, read from there and never from disk.
		b.OnResolve(esbuild.OnResolveOptions{Filter: ".*"}, func(args esbuild.OnResolveArgs) (esbuild.OnResolveResult, error) {
			p := args.Path
			if args.Kind != esbuild.ResolveEntryPoint {
				if !strings.HasPrefix(p, "./") && !strings.HasPrefix(p, "../") {
					return esbuild.OnResolveResult{}, fmt.Errorf("import %q: only relative imports of the dashboard's own modules", p)
				}
				p = path.Join(path.Dir(args.Importer), p)
			}
			return esbuild.OnResolveResult{Path: path.Join("/", p), Namespace: "file"}, nil
		})
		b.OnLoad(esbuild.OnLoadOptions{Filter: ".*", Namespace: "file"}, func(args esbuild.OnLoadArgs) (esbuild.OnLoadResult, error) {
			data, err := fs.ReadFile(static, strings.TrimPrefix(args.Path, "/"))
			if err != nil {
				return esbuild.OnLoadResult{}, err
			}
			src := string(data)
			return esbuild.OnLoadResult{Contents: &src, Loader: esbuild.LoaderJS, ResolveDir: path.Dir(args.Path)}, nil
		})
	}}
	res := esbuild.Build(esbuild.BuildOptions{
		EntryPoints:       []string{entry},
		Bundle:            true,
		Format:            esbuild.FormatESModule,
		Platform:          esbuild.PlatformBrowser,
		Target:            esbuild.ES2022,
		MinifyWhitespace:  true,
		MinifySyntax:      true,
		MinifyIdentifiers: true,
		Sourcemap:         esbuild.SourceMapLinked,
		SourcesContent:    esbuild.SourcesContentExclude, // the modules are served: the map names them
		AbsWorkingDir:     "/",
		Outfile:           "/bundle.js",
		Plugins:           []esbuild.Plugin{load},
		LogLevel:          esbuild.LogLevelSilent,
		Write:             false,
	})
	if msgs := append(res.Errors, res.Warnings...); len(msgs) > 0 {
		var b strings.Builder
		for _, m := range msgs {
			if m.Location != nil {
				fmt.Fprintf(&b, "%s:%d:%d: ", m.Location.File, m.Location.Line, m.Location.Column)
			}
			fmt.Fprintf(&b, "%s; ", m.Text)
		}
		return nil, nil, fmt.Errorf("bundling the dashboard: %s", strings.TrimSuffix(b.String(), "; "))
	}
	for _, f := range res.OutputFiles {
		switch f.Path {
		case "/bundle.js":
			js = f.Contents
		case "/bundle.js.map":
			sourceMap = f.Contents
		}
	}
	if js == nil || sourceMap == nil {
		return nil, nil, fmt.Errorf("bundling the dashboard: esbuild wrote no bundle.js and bundle.js.map")
	}
	return js, sourceMap, nil
}
