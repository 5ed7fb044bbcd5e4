package kemendagri

import (
	"bytes"
	"encoding/json"
)

// document is the layout of export.json.
type document struct {
	Meta        metaJSON        `json:"meta"`
	Regions     []RegionRow     `json:"regions"`
	Innovations []InnovationRow `json:"innovations"`
	Bimtek      []BimtekRow     `json:"bimtek"`
}

// writeJSON renders normalized tables as export.json: indented by two
// spaces, keys in struct order (maps in sorted key order), decimals as JSON
// numbers with their exact digits, "<>&" not escaped, a final newline.
func writeJSON(t Tables, m Meta) ([]byte, error) {
	return marshal(document{Meta: toMetaJSON(m), Regions: t.Regions, Innovations: t.Innovations, Bimtek: t.Bimtek})
}

// marshal is the one JSON encoding of the package.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
