package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/importer"
	"github.com/jejak-id/jejak/projections/index"
)

// importTemplate serves the import template (XLSX).
func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) error {
	data, err := importer.Template()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+importer.TemplateName+`"`)
	_, err = w.Write(data)
	return err
}

// importFile imports a spreadsheet sent as the request body (XLSX or CSV),
// as the caller: each row is decided with the caller's rights. Query:
// dry_run, valid_only (booleans), year (SPD answers; default this year).
// It answers the report (200) also when rows were refused; a file that
// cannot be imported at all is 422 with the reason in Indonesian.
func (s *Server) importFile(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	opts := importer.Options{Actor: actorFrom(r.Context())}
	var p domain.Problems
	flag := func(name string) bool {
		v := q.Get(name)
		b, err := strconv.ParseBool(v)
		p.Check(v == "" || err == nil, name, "must be true or false")
		return b
	}
	opts.DryRun, opts.ValidOnly = flag("dry_run"), flag("valid_only")
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		p.Check(err == nil && y >= 2000 && y <= 2100, "year", "must be a year between 2000 and 2100")
		opts.Year = y
	}
	if err := p.Err(); err != nil {
		return err
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return domain.Errorf(domain.CodeTooLarge, "the file is larger than %d MiB", importer.MaxFileBytes>>20)
		}
		return err
	}
	// Rows are matched by name with the innovations recorded: the index
	// first catches up with every commit appended before this request,
	// or an innovation entered by hand a moment ago would be proposed
	// again.
	head, err := s.store.Head(r.Context())
	if err != nil {
		return err
	}
	if err := s.runner.WaitFor(r.Context(), head, s.cfg.WaitTimeout); err != nil {
		return err
	}
	ix, _, err := s.index(r)
	if err != nil {
		return err
	}
	opts.Known = importer.KnownFrom(func(region string) []importer.Named {
		var out []importer.Named
		for _, inn := range ix.Innovations(index.InnovationFilter{Region: region}) {
			out = append(out, importer.Named{ID: inn.ID, Name: inn.Name})
		}
		return out
	})
	rep, err := (&importer.Importer{Service: s.service}).Run(r.Context(), data, opts)
	var fe *importer.FileError
	if errors.As(err, &fe) {
		return &domain.Error{Code: domain.CodeInvalid, Message: fe.Message, Problems: []domain.FieldProblem{{Field: "file", Message: fe.Message}}}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
