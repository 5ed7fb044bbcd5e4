package api_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jejak-id/jejak/api/apitest"
)

// routeTable reads the method and pattern of every route literal in
// routes.go and server.go (the route table and /healthz, /readyz, /metrics),
// resolving string constants and concatenations such as v1 + "/me".
func routeTable(t *testing.T) []string {
	t.Helper()
	var out []string
	fset := token.NewFileSet()
	for _, name := range []string{"routes.go", "server.go"} {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		consts := map[string]string{}
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, id := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							consts[id.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
			return true
		})
		var eval func(ast.Expr) (string, bool)
		eval = func(e ast.Expr) (string, bool) {
			switch e := e.(type) {
			case *ast.BasicLit:
				s, err := strconv.Unquote(e.Value)
				return s, err == nil
			case *ast.Ident:
				s, ok := consts[e.Name]
				return s, ok
			case *ast.BinaryExpr:
				l, ok1 := eval(e.X)
				r, ok2 := eval(e.Y)
				return l + r, ok1 && ok2 && e.Op == token.ADD
			}
			return "", false
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			var method, pattern string
			for _, el := range lit.Elts {
				kv, ok := el.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				key, ok := kv.Key.(*ast.Ident)
				if !ok {
					continue
				}
				switch key.Name {
				case "method", "pattern":
					v, ok := eval(kv.Value)
					if !ok {
						t.Fatalf("%s: cannot evaluate the %s of a route", fset.Position(kv.Pos()), key.Name)
					}
					if key.Name == "method" {
						method = v
					} else {
						pattern = v
					}
				}
			}
			if method != "" && pattern != "" {
				out = append(out, method+" "+pattern)
			}
			return true
		})
	}
	if len(out) < 30 {
		t.Fatalf("found only %d routes in routes.go and server.go; has the route table moved?", len(out))
	}
	return out
}

func TestOpenAPIDocument(t *testing.T) {
	c := mustContract(t)

	t.Run("is an OpenAPI 3.1 document that kin-openapi validates", func(t *testing.T) {
		if c.doc.OpenAPI != "3.1.0" || !c.doc.IsOpenAPI31OrLater() {
			t.Fatalf("openapi = %q, want 3.1.0", c.doc.OpenAPI)
		}
	})

	t.Run("documents every route of the route table and nothing else", func(t *testing.T) {
		var documented []string
		for path, item := range c.doc.Paths.Map() {
			for method := range item.Operations() {
				documented = append(documented, method+" "+path)
			}
		}
		routes := routeTable(t)
		for _, r := range routes {
			if !slices.Contains(documented, r) {
				t.Errorf("route %s is not documented in openapi.json", r)
			}
		}
		for _, d := range documented {
			if !slices.Contains(routes, d) {
				t.Errorf("openapi.json documents %s, which the route table does not have", d)
			}
		}
	})

	t.Run("gives every operation a tag, a summary, an operation id and a problem answer", func(t *testing.T) {
		for path, item := range c.doc.Paths.Map() {
			for method, op := range item.Operations() {
				if len(op.Tags) == 0 || op.Summary == "" || op.OperationID == "" {
					t.Errorf("%s %s: needs tags, summary and operationId", method, path)
				}
				if op.Responses.Default() == nil {
					t.Errorf("%s %s: no default (problem) response", method, path)
				}
			}
		}
	})

	t.Run("closes every request body schema to unknown fields", func(t *testing.T) {
		for path, item := range c.doc.Paths.Map() {
			for method, op := range item.Operations() {
				if op.RequestBody == nil {
					continue
				}
				media := op.RequestBody.Value.Content.Get("application/json")
				if media == nil { // uploads: the form's fields
					media = op.RequestBody.Value.Content.Get("multipart/form-data")
				}
				if media == nil {
					continue // a file sent as the body (the import)
				}
				s := media.Schema.Value
				if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
					t.Errorf("%s %s: request body allows unknown fields", method, path)
				}
			}
		}
	})

	t.Run("is what the server serves", func(t *testing.T) {
		s := apitest.Start(t)
		res := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/openapi.json"})
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"openapi": "3.1.0"`) {
			t.Fatalf("GET /api/v1/openapi.json: %d %.100s", res.Status, res.Body)
		}
	})
}
