package api

import (
	"net/http"

	"github.com/jejak-id/jejak/domain"
)

func (s *Server) getCatalogue(w http.ResponseWriter, r *http.Request) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	c, err := domain.CatalogueForYear(year)
	if err != nil {
		return domain.Errorf(domain.CodeNotFound, "no indicator catalogue for %d", year)
	}
	type indicator struct {
		Code       string        `json:"code"`
		Name       string        `json:"name"`
		Aspect     domain.Aspect `json:"aspect"`
		Bobot      string        `json:"bobot"`
		Parameters []string      `json:"parameters"`
		Mandatory  bool          `json:"mandatory"`
		Derived    bool          `json:"derived"`
	}
	var out []indicator
	for _, ind := range c.Indicators() {
		out = append(out, indicator{Code: ind.Code, Name: ind.Name, Aspect: ind.Aspect, Bobot: ind.Bobot.String(),
			Parameters: ind.Parameters[:], Mandatory: ind.Mandatory, Derived: ind.IsDerived()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "version": c.Version(), "max_total": c.MaxTotal().String(),
		"indicators": out})
	return nil
}
