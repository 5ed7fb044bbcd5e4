package dashboard

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBundle builds the app's bundle from the embedded modules: it builds
// without errors or warnings, holds every module app.js imports (directly
// or not) and its source map names them as they are served.
func TestBundle(t *testing.T) {
	static, err := fs.Sub(files, "static")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	js, sourceMap, err := bundleApp(static)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bundle.js: %d bytes, bundle.js.map: %d bytes, built in %v", len(js), len(sourceMap), time.Since(start))
	if !strings.HasSuffix(strings.TrimSpace(string(js)), "//# sourceMappingURL=bundle.js.map") {
		t.Error("bundle.js does not name its source map")
	}
	var m struct {
		Version int      `json:"version"`
		Sources []string `json:"sources"`
	}
	if err := json.Unmarshal(sourceMap, &m); err != nil || m.Version != 3 {
		t.Fatalf("source map: version %d, %v", m.Version, err)
	}
	// what the modules import, followed from app.js: all in the map
	imports := regexp.MustCompile(`(?m)^import\s[^;]*?from\s+'([^']+)'`)
	want := map[string]bool{}
	var walk func(name string)
	walk = func(name string) {
		if want[name] {
			return
		}
		want[name] = true
		src, err := fs.ReadFile(static, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, im := range imports.FindAllStringSubmatch(string(src), -1) {
			walk(path.Join(path.Dir(name), im[1]))
		}
	}
	walk(entry)
	if len(want) < 20 {
		t.Fatalf("found %d modules from app.js; expected the app's 20 or more", len(want))
	}
	for name := range want {
		if !slices.Contains(m.Sources, name) {
			t.Errorf("the source map does not name %s (it names %v)", name, m.Sources)
		}
		if _, err := fs.Stat(static, name); err != nil {
			t.Errorf("%s, named by the map, is not served: %v", name, err)
		}
	}
	if len(m.Sources) != len(want) {
		t.Errorf("the map names %d sources, app.js imports %d modules", len(m.Sources), len(want))
	}
}

// TestHandler checks what the page loads: index.html names the bundle and
// the style sheet by their content hash; those addresses may be cached for
// good, everything else is revalidated; gzip when accepted.
func TestHandler(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	get := func(path string, header map[string]string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "identity") // else the transport asks for gzip and decodes it
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var r io.Reader = res.Body
		if res.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			r = zr
		}
		body, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return res, string(body)
	}

	res, index := get("/", nil)
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-cache" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
		!strings.HasPrefix(res.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Fatalf("index: %d, headers %v", res.StatusCode, res.Header)
	}
	script := regexp.MustCompile(`<script type="module" src="(bundle\.js\?v=[0-9a-f]{16})"></script>`).FindStringSubmatch(index)
	style := regexp.MustCompile(`<link rel="stylesheet" href="(style\.css\?v=[0-9a-f]{16})">`).FindStringSubmatch(index)
	if script == nil || style == nil || strings.Contains(index, "{{") {
		t.Fatalf("index.html does not name the bundle and the style sheet by hash:\n%s", index)
	}
	if again, _ := get("/index.html", nil); again.Header.Get("ETag") != res.Header.Get("ETag") {
		t.Error("/ and /index.html differ")
	}
	if notModified, _ := get("/", map[string]string{"If-None-Match": res.Header.Get("ETag")}); notModified.StatusCode != http.StatusNotModified {
		t.Errorf("index revalidated with its ETag: %d, want 304", notModified.StatusCode)
	}

	res, js := get("/"+script[1], map[string]string{"Accept-Encoding": "gzip"})
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("bundle: %d, headers %v", res.StatusCode, res.Header)
	}
	if !strings.Contains(js, `document.body.dataset.ready="true"`) {
		t.Error("the bundle does not hold app.js")
	}
	plain, plainJS := get("/"+script[1], nil)
	if plain.Header.Get("Content-Encoding") != "" || plainJS != js || plain.Header.Get("ETag") == res.Header.Get("ETag") {
		t.Errorf("bundle without gzip: encoding %q, same body %v, ETags %s %s", plain.Header.Get("Content-Encoding"), plainJS == js,
			plain.Header.Get("ETag"), res.Header.Get("ETag"))
	}
	if stale, _ := get("/bundle.js?v=0000000000000000", nil); stale.StatusCode != 200 || stale.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("bundle under another hash: %d, Cache-Control %q (want the current bundle, revalidated)", stale.StatusCode, stale.Header.Get("Cache-Control"))
	}
	if res, css := get("/"+style[1], nil); res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") ||
		res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.Contains(css, "{") {
		t.Errorf("style: %d, headers %v", res.StatusCode, res.Header)
	}
	if res, m := get("/bundle.js.map", nil); res.StatusCode != 200 || !strings.Contains(m, `"pages/audit.js"`) {
		t.Errorf("source map: %d", res.StatusCode)
	}
	// the modules themselves are still served, for the source map
	if res, src := get("/pages/audit.js", nil); res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-cache" ||
		res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" || !strings.Contains(src, "export function page(ctx)") {
		t.Errorf("pages/audit.js: %d, headers %v", res.StatusCode, res.Header)
	}
	if res, _ := get("/missing.js", nil); res.StatusCode != 404 {
		t.Errorf("missing file: %d", res.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", nil)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %v %v", res.StatusCode, err)
	}
}
