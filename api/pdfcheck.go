package api

import (
	"io"
	"sync"

	pdfapi "github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// PDFs are checked with pdfcpu (github.com/pdfcpu/pdfcpu): pure Go (no cgo,
// so the scratch image stays as it is), actively maintained, and it parses
// and validates the whole cross-reference table and every object under
// resource limits, which is what "broken" means to a PDF viewer; it also
// reports encryption and the page count. The relaxed validation mode
// accepts the small deviations that common producers (office suites,
// scanners) are known for.

// pdfcpuConfig stops pdfcpu from reading or writing a configuration file in
// the user's directory (it does unless told not to, through a package
// variable) and is built once.
var pdfcpuConfig = sync.OnceValue(func() *model.Configuration {
	model.ConfigPath = "disable"
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return conf
})

// checkPDF reads and validates the PDF in rs. It returns the page count, or
// a problem ("" when there is none): a file pdfcpu cannot read or validate,
// one with no pages, or an encrypted one (a verifier could not open it
// without the password, and its content could not be checked).
func checkPDF(rs io.ReadSeeker) (pages int, problem string) {
	defer func() {
		if recover() != nil {
			pages, problem = 0, "is a damaged PDF (it could not be read)"
		}
	}()
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return 0, "could not be read back"
	}
	conf := *pdfcpuConfig()
	ctx, err := pdfapi.ReadContext(rs, &conf)
	if err != nil {
		return 0, "is a damaged or password-protected PDF (it could not be read)"
	}
	if ctx.Encrypt != nil {
		return 0, "is an encrypted PDF; upload it without a password or protection"
	}
	if err := pdfapi.ValidateContext(ctx); err != nil {
		return 0, "is a damaged PDF (it is not valid)"
	}
	if ctx.PageCount < 1 {
		return 0, "is a PDF without pages"
	}
	return ctx.PageCount, ""
}
