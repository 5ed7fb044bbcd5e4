// Package domain holds Jejak's aggregates, commands, events, invariants and
// the IID scoring rules. It imports only the standard library, uuid and
// golang.org/x/text/unicode/norm (text is stored in NFC, see text.go).
//
// Aggregates (state unexported, rebuilt from history by one apply switch):
// Innovation (id: UUID), Assessment (id: AssessmentID, "2025-18.04"),
// Period (id: the year), Bimtek (id: UUID) and RegionProfile (id: the
// Kemendagri code). Service runs commands against the EventStore port;
// Authorize is the one access rule. Score is a pure function from a
// ScoreInput, which projections build incrementally from events (see
// InnovationInput and AnswerInput), to a ScoreResult with its explanation.
//
// Reference data is embedded: data/wilayah.csv (Regions) and one indicator
// catalogue per assessment year in catalogue/*.json (CatalogueForYear).
//
// The rules these types encode, their sources and Jejak's own choices are
// described in docs/DOMAIN.md.
package domain
