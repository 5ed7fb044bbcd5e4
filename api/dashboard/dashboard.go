// Package dashboard is Jejak's web dashboard: a small single-page app in
// plain HTML, CSS and JavaScript modules, embedded in the binary so that it
// works fully offline. It reads and writes only through the /api/v1 JSON API.
package dashboard

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed static
var files embed.FS

// contentSecurityPolicy allows only the dashboard's own assets and the API:
// no inline scripts, no third-party origins.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// site is what the handler serves from memory: the page, the app's bundle
// and its source map, the style sheet. Everything else in static (the
// modules the bundle was built from, the icon) is served as it is.
type site struct {
	index, bundle, sourceMap, style *asset
}

// built is the site, built once per process: every server of a process
// (the tests start many) serves the same bytes.
var built = sync.OnceValues(func() (*site, error) {
	static, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	js, sourceMap, err := bundleApp(static)
	if err != nil {
		return nil, err
	}
	css, err := fs.ReadFile(static, "style.css")
	if err != nil {
		return nil, err
	}
	s := &site{
		bundle:    newAsset("bundle.js", "text/javascript; charset=utf-8", js),
		sourceMap: newAsset("bundle.js.map", "application/json", sourceMap),
		style:     newAsset("style.css", "text/css; charset=utf-8", css),
	}
	// index.html names the bundle and the style sheet by their content
	// hash, so that a browser may keep them until the binary changes.
	page, err := template.ParseFS(static, "index.html")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := page.Execute(&b, map[string]string{"App": s.bundle.url(), "Style": s.style.url()}); err != nil {
		return nil, err
	}
	s.index = newAsset("index.html", "text/html; charset=utf-8", b.Bytes())
	return s, nil
})

// Handler serves the dashboard: index.html at "/", the app's bundle
// (bundle.js), its source map and the assets by name. Only GET and HEAD
// are allowed (405 otherwise); unknown files answer 404. It panics if the
// embedded app does not build, which TestBundle rules out for a binary
// whose tests passed. The handler is safe for concurrent use.
func Handler() http.Handler {
	s, err := built()
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err)
	}
	assets := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		p := path.Clean("/" + r.URL.Path)
		switch p {
		case "/", "/index.html":
			serveAsset(w, r, s.index)
			return
		case "/bundle.js":
			serveAsset(w, r, s.bundle)
			return
		case "/bundle.js.map":
			serveAsset(w, r, s.sourceMap)
			return
		case "/style.css":
			serveAsset(w, r, s.style)
			return
		}
		// The modules and the icon change with the binary: revalidate on
		// every load.
		h.Set("Cache-Control", "no-cache")
		if strings.HasSuffix(p, ".js") {
			h.Set("Content-Type", "text/javascript; charset=utf-8")
		}
		assets.ServeHTTP(w, r)
	})
}

// serveAsset answers with a, gzip-compressed when the client accepts it.
// Asked for by its content hash (?v=), it may be cached for a year
// (immutable: that address never has other content); otherwise, as the
// page itself, it is revalidated on every load against its ETag.
func serveAsset(w http.ResponseWriter, r *http.Request, a *asset) {
	h := w.Header()
	if r.URL.Query().Get("v") == a.hash && a.name != "index.html" {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Content-Type", a.ctype)
	body, etag := a.body, `"`+a.hash+`"`
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = a.gz, `"`+a.hash+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip (named
// or "*", and not refused with q=0).
func acceptsGzip(v string) bool {
	for part := range strings.SplitSeq(v, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if name = strings.TrimSpace(name); strings.EqualFold(name, "gzip") || name == "*" {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
