package api

import (
	"encoding/base64"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/projections/kemendagri"
)

// The public innovation database (basis data inovasi, issue 16): GET
// /api/v1/innovations and /innovations/{id} without a token (or with
// view=public) answer what published years made public and what regions
// made public themselves (POST /innovations/{id}/publicity), never answers,
// evidence, the people who recorded anything or withdrawal reasons. The JSON
// below is the whole of it: a test compares every field with an allow-list.

type publicInnovationJSON struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Region       string `json:"region"`
	RegionName   string `json:"region_name"`
	Province     string `json:"province"`
	Unit         string `json:"unit"`
	Affair       string `json:"affair"`
	Form         string `json:"form"`
	Digital      bool   `json:"digital"`
	Initiator    string `json:"initiator"`
	Stage        string `json:"stage"`
	ProposedOn   string `json:"proposed_on"`
	Years        []int  `json:"years"`
	CountedYears []int  `json:"counted_years"`
	// MadePublicOn is the day the region made it public, if it did.
	MadePublicOn string `json:"made_public_on,omitempty"`
}

type publicInnovationDetailJSON struct {
	publicInnovationJSON
	Problem            string                  `json:"problem"`
	Solution           string                  `json:"solution"`
	Benefit            string                  `json:"benefit"`
	Stages             []publicStageJSON       `json:"stages"`
	Replications       []publicReplicationJSON `json:"replications"`
	OriginInnovationID string                  `json:"origin_innovation_id,omitempty"`
	OriginRegion       string                  `json:"origin_region,omitempty"`
}

type publicStageJSON struct {
	Stage string `json:"stage"`
	On    string `json:"on"`
}

type publicReplicationJSON struct {
	Region     string `json:"region"`
	RegionName string `json:"region_name"`
	On         string `json:"on"`
}

// publicView reports whether a request reads the public database: no
// token, or view=public.
func publicView(r *http.Request) bool {
	return actorFrom(r.Context()).Role == domain.RolePublic || r.URL.Query().Get("view") == "public"
}

func publicInnovation(p index.PublicInnovation) publicInnovationJSON {
	out := publicInnovationJSON{ID: p.ID, Name: p.Name, Region: p.Region, Unit: p.Unit, Affair: string(p.Affair), Form: string(p.Form),
		Digital: p.Digital, Initiator: string(p.Initiator), Stage: string(p.Stage), ProposedOn: p.ProposedOn,
		Years: p.Years, CountedYears: p.CountedYears, MadePublicOn: p.MadePublicOn}
	out.RegionName, out.Province = regionNames(p.Region)
	return out
}

func regionNames(code string) (name, province string) {
	g, ok := domain.LookupRegion(code)
	if !ok {
		return code, ""
	}
	if pr, ok := domain.LookupRegion(g.ProvinceCode); ok {
		province = pr.Name
	}
	return g.Name, province
}

// listPublicInnovations answers a page of the public database (keyset
// paging by name and id: cursor is the page's next_cursor), or all of it as
// CSV with format=csv.
func (s *Server) listPublicInnovations(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := index.PublicInnovationFilter{Query: q.str("q"), Province: q.region("province"), Region: q.region("region"),
		Affair: domain.Affair(q.str("affair")), Stage: domain.Stage(q.str("stage")), Initiator: domain.Initiator(q.str("initiator")),
		Year: q.int("year", 0, 2000, 2100)}
	switch q.str("made_public") {
	case "":
	case "true", "ya":
		f.MadePublic = true
	default:
		q.p.Add("made_public", "must be true (or left out)")
	}
	switch q.str("digital") {
	case "":
	case "true", "ya":
		f.Digital = new(true)
	case "false", "tidak":
		f.Digital = new(false)
	default:
		q.p.Add("digital", "must be true or false")
	}
	limit := q.int("limit", 50, 1, 500)
	after, hasCursor := decodeCursor(q.str("cursor"))
	if q.str("cursor") != "" && !hasCursor {
		q.p.Add("cursor", "must be a next_cursor of an earlier page")
	}
	format := q.str("format")
	if format != "" && format != "json" && format != "csv" {
		q.p.Add("format", "must be json or csv")
	}
	if err := q.err(); err != nil {
		return err
	}
	ix, pos, err := s.index(r)
	if err != nil {
		return err
	}
	all := ix.PublicInnovations(f)
	if format == "csv" {
		return writePublicCSV(w, all)
	}
	start := 0
	if hasCursor {
		for start < len(all) && !afterKey(all[start], after) {
			start++
		}
	}
	end := min(start+limit, len(all))
	items := make([]publicInnovationJSON, 0, end-start)
	for _, p := range all[start:end] {
		items = append(items, publicInnovation(p))
	}
	body := map[string]any{"items": items, "total": len(all), "limit": limit, "position": pos}
	if end < len(all) {
		body["next_cursor"] = encodeCursor(all[end-1])
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// The cursor is the last item's sort key (lowercased name, id).
func encodeCursor(p index.PublicInnovation) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.ToLower(p.Name) + "\x00" + p.ID))
}

func decodeCursor(c string) ([2]string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || c == "" {
		return [2]string{}, false
	}
	name, id, ok := strings.Cut(string(b), "\x00")
	return [2]string{name, id}, ok
}

// afterKey reports whether p sorts after the cursor's key.
func afterKey(p index.PublicInnovation, key [2]string) bool {
	if c := strings.Compare(strings.ToLower(p.Name), key[0]); c != 0 {
		return c > 0
	}
	return p.ID > key[1]
}

// writePublicCSV writes the filtered list with Indonesian headers; text
// people typed is neutralised against formula injection.
func writePublicCSV(w http.ResponseWriter, all []index.PublicInnovation) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="basis-data-inovasi.csv"`)
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	t := kemendagri.CSVText
	years := func(ys []int) string {
		s := make([]string, len(ys))
		for i, y := range ys {
			s[i] = strconv.Itoa(y)
		}
		return strings.Join(s, " ")
	}
	yn := map[bool]string{true: "Ya", false: "Tidak"}
	_ = cw.Write([]string{"ID", "Nama inovasi", "Kode daerah", "Daerah", "Provinsi", "Perangkat daerah", "Urusan", "Bentuk",
		"Digital", "Inisiator", "Tahapan", "Diusulkan", "Tahun tampil", "Tahun dihitung", "Ditampilkan daerah sejak"})
	for _, p := range all {
		j := publicInnovation(p)
		_ = cw.Write([]string{j.ID, t(j.Name), j.Region, j.RegionName, j.Province, t(j.Unit), j.Affair, j.Form, yn[j.Digital],
			j.Initiator, j.Stage, j.ProposedOn, years(j.Years), years(j.CountedYears), j.MadePublicOn})
	}
	cw.Flush()
	return nil // the status is sent; a broken connection is the client's
}

// getPublicInnovation answers one innovation of the public database, with
// its problem, solution and benefit as proposed (from its first event).
func (s *Server) getPublicInnovation(w http.ResponseWriter, r *http.Request, id string) error {
	ix, _, err := s.index(r)
	if err != nil {
		return err
	}
	d, err := ix.PublicInnovationByID(id)
	if err != nil {
		return err
	}
	out := publicInnovationDetailJSON{publicInnovationJSON: publicInnovation(d.PublicInnovation), Stages: []publicStageJSON{},
		Replications: []publicReplicationJSON{}, OriginInnovationID: d.OriginInnovationID, OriginRegion: d.OriginRegion}
	for _, st := range d.Stages {
		out.Stages = append(out.Stages, publicStageJSON{Stage: string(st.Stage), On: st.On})
	}
	for _, rp := range d.Replications {
		name, _ := regionNames(rp.Region)
		out.Replications = append(out.Replications, publicReplicationJSON{Region: rp.Region, RegionName: name, On: rp.On})
	}
	events, err := s.store.Load(r.Context(), domain.AggregateInnovation, id, 0)
	if err != nil {
		return err
	}
	if len(events) > 0 {
		if p, ok := events[0].Data.(domain.InnovationProposed); ok {
			out.Problem, out.Solution, out.Benefit = p.Problem, p.Solution, p.Benefit
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
