package index

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jejak-id/jejak/domain"
)

// A printed region report (laporan daerah) carries a short verification
// code: the year, the region, the stream position the report was computed
// at, and the first ten hex digits of the SHA-256 of the score state it
// shows (ScoreDigest). Anyone holding the code can have the score replayed
// to that position and compared: `jejak verify-report CODE` or
// GET /api/v1/reports/verify?code=CODE. A code reads "2024-64.03-5899-3f2a9c01be".

// ReportCode is a report's verification code.
type ReportCode struct {
	Year     int
	Region   string
	Position uint64
	Digest   string // ten lowercase hex digits
}

// reportDigestLen is how many hex digits of the digest a code keeps.
const reportDigestLen = 10

func (c ReportCode) String() string {
	return fmt.Sprintf("%d-%s-%d-%s", c.Year, c.Region, c.Position, c.Digest)
}

// ParseReportCode reads a code; it returns a CodeInvalid error naming
// "code" for anything else.
func ParseReportCode(s string) (ReportCode, error) {
	bad := &domain.Error{Code: domain.CodeInvalid, Message: "not a report verification code",
		Problems: []domain.FieldProblem{{Field: "code", Message: "must read like 2024-64.03-5899-3f2a9c01be (year, region, position, digest)"}}}
	parts := strings.Split(strings.ToLower(strings.TrimSpace(s)), "-")
	if len(parts) != 4 {
		return ReportCode{}, bad
	}
	year, err := strconv.Atoi(parts[0])
	if err != nil || year < 2000 || year > 2100 {
		return ReportCode{}, bad
	}
	pos, err := strconv.ParseUint(parts[2], 10, 64)
	if err != nil || pos == 0 {
		return ReportCode{}, bad
	}
	if _, ok := domain.LookupRegion(parts[1]); !ok {
		return ReportCode{}, bad
	}
	if _, err := hex.DecodeString(parts[3]); err != nil || len(parts[3]) != reportDigestLen {
		return ReportCode{}, bad
	}
	return ReportCode{Year: year, Region: parts[1], Position: pos, Digest: parts[3]}, nil
}

// ScoreDigest is the hex SHA-256 of region's score state in year: the
// whole explanation, the phase and the published result (deterministic: the
// same state gives the same digest).
func (x *Index) ScoreDigest(year int, region string) (string, error) {
	rs, err := x.Score(year, region)
	if err != nil {
		return "", err
	}
	data, err := json.Marshal(struct {
		Result      *domain.ScoreResult
		Phase       domain.Phase
		NotAssessed bool
		Frozen      *frozenResult
	}{rs.Result, rs.Phase, rs.NotAssessed, rs.Frozen})
	if err != nil {
		return "", fmt.Errorf("score digest: %w", err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// ReportCodeAt is the code of a report of region in year computed from this
// index at position (the position the caller read it at).
func (x *Index) ReportCodeAt(year int, region string, position uint64) (ReportCode, error) {
	d, err := x.ScoreDigest(year, region)
	if err != nil {
		return ReportCode{}, err
	}
	return ReportCode{Year: year, Region: region, Position: position, Digest: d[:reportDigestLen]}, nil
}

// Matches reports whether the code's digest is that of this index's score
// (an index replayed to the code's position).
func (c ReportCode) Matches(x *Index) (bool, error) {
	d, err := x.ScoreDigest(c.Year, c.Region)
	if err != nil {
		return false, err
	}
	return d[:reportDigestLen] == c.Digest, nil
}
