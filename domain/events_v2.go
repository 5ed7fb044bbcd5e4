package domain

import (
	"encoding/json"
	"fmt"
)

// attendanceV2toV3 upcasts bimtek.attendance_recorded from version 2 (a
// plain participant {name, unit, role, region}) to version 3 (a sealed
// attendee). Attendance of version 2 has no subject, NIP or key: its name
// becomes the attendee's legacy_name, read as legacy plaintext that
// erasure cannot shred (docs/PRIVACY.md). A member this version never had
// is an error.
func attendanceV2toV3(data json.RawMessage) (json.RawMessage, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil || members == nil {
		return nil, fmt.Errorf("v2 attendance is not a JSON object")
	}
	raw, ok := members["participant"]
	if !ok {
		return nil, fmt.Errorf("v2 attendance has no participant")
	}
	delete(members, "participant")
	for name := range members {
		switch name {
		case "session_id", "region", "session_date":
		default:
			return nil, fmt.Errorf("v2 attendance has a field %q this schema never had", name)
		}
	}
	var p map[string]json.RawMessage
	if err := json.Unmarshal(raw, &p); err != nil || p == nil {
		return nil, fmt.Errorf("v2 participant is not a JSON object")
	}
	var a Attendee
	for name, v := range p {
		var dst *string
		switch name {
		case "name":
			dst = &a.LegacyName
		case "unit":
			dst = &a.Unit
		case "role":
			dst = &a.Role
		case "region":
			dst = &a.Region
		default:
			return nil, fmt.Errorf("v2 participant has a field %q this schema never had", name)
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return nil, fmt.Errorf("v2 participant %s: %w", name, err)
		}
	}
	att, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	members["attendee"] = att
	return json.Marshal(members)
}
