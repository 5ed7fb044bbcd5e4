package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Schema version 1 of every event was the JSON encoding/json gave the Go
// structs without tags: Go field names ({"Year":2024,"From":...}). Version 2
// names every field explicitly in snake_case. The tables below are the
// frozen v1 names, written out instead of derived from today's Go structs,
// so that renaming a Go field later cannot change how old history reads.
//
// A v1 field maps to "v2name", or to "v2name:kind" when its value is itself
// a v1 object (kind "evidence", "participant") or an array of them
// ("[]phase_window").
var v1Fields = map[string][]string{
	"innovation.proposed": {"InnovationID=innovation_id", "Region=region", "Name=name", "Unit=unit",
		"Initiator=initiator", "Form=form", "Digital=digital", "Affair=affair", "Problem=problem",
		"Solution=solution", "Benefit=benefit", "ProposedOn=proposed_on",
		"OriginInnovationID=origin_innovation_id", "OriginRegion=origin_region"},
	"innovation.trial_started":          {"InnovationID=innovation_id", "Region=region", "Unit=unit", "StartedOn=started_on"},
	"innovation.implementation_started": {"InnovationID=innovation_id", "Region=region", "Unit=unit", "StartedOn=started_on"},
	"innovation.replicated": {"InnovationID=innovation_id", "Region=region", "Unit=unit", "AdopterRegion=adopter_region",
		"AdopterInnovationID=adopter_innovation_id", "ReplicatedOn=replicated_on"},
	"innovation.withdrawn": {"InnovationID=innovation_id", "Region=region", "Unit=unit", "FromStage=from_stage",
		"Reason=reason", "WithdrawnOn=withdrawn_on"},
	"region.profile_updated": {"Region=region", "OfficeName=office_name", "OfficeKind=office_kind"},
	"region.border_flag_set": {"Region=region", "Perbatasan=perbatasan", "Reason=reason"},
	"period.opened":          {"Year=year", "CatalogueVersion=catalogue_version", "Schedule=schedule:[]phase_window"},
	"period.phase_advanced":  {"Year=year", "From=from", "To=to", "AdvancedAt=advanced_at"},
	"assessment.started":     {"Year=year", "Region=region", "CatalogueVersion=catalogue_version"},
	"assessment.answer_submitted": {"Year=year", "Region=region", "Indicator=indicator", "InnovationID=innovation_id",
		"Unit=unit", "Revision=revision", "Option=option", "Evidence=evidence:evidence", "SubmittedBy=submitted_by"},
	"assessment.answer_verified": {"Year=year", "Region=region", "Indicator=indicator", "InnovationID=innovation_id",
		"Revision=revision", "Decision=decision", "ClaimedOption=claimed_option", "Option=option", "Reason=reason",
		"VerifiedBy=verified_by"},
	"assessment.innovation_rejected": {"Year=year", "Region=region", "InnovationID=innovation_id", "Reason=reason",
		"RejectedBy=rejected_by"},
	"bimtek.scheduled": {"SessionID=session_id", "Region=region", "Title=title", "Kind=kind", "Date=date", "Venue=venue",
		"Organiser=organiser", "Mode=mode", "Speakers=speakers"},
	"bimtek.attendance_recorded": {"SessionID=session_id", "Region=region", "SessionDate=session_date",
		"Participant=participant:participant"},
	"bimtek.closed": {"SessionID=session_id", "Region=region", "ClosedAt=closed_at"},
}

// v1Values are the v1 field names of the value types events hold.
var v1Values = map[string][]string{
	"evidence":     {"DocumentRef=document_ref", "Link=link", "Note=note"},
	"participant":  {"Name=name", "Unit=unit", "Role=role", "Region=region"},
	"phase_window": {"Phase=phase", "Start=start", "End=end"},
}

// EventUpcasters returns the upcasters of every event type from its older
// schema versions, for the store's codec.
func EventUpcasters() []Upcaster {
	types := make([]string, 0, len(v1Fields))
	for t := range v1Fields {
		types = append(types, t)
	}
	slices.Sort(types)
	ups := make([]Upcaster, len(types))
	for i, t := range types {
		fields := v1Fields[t]
		ups[i] = Upcaster{Type: t, From: 1, Upcast: func(data json.RawMessage) (json.RawMessage, error) {
			return renameV1(data, fields)
		}}
	}
	return append(ups, Upcaster{Type: "bimtek.attendance_recorded", From: 2, Upcast: attendanceV2toV3})
}

// renameV1 rewrites one v1 object with the v2 names. A member the table does
// not know, a duplicate, or a value of the wrong shape is an error: old
// history is never silently changed.
func renameV1(data json.RawMessage, fields []string) (json.RawMessage, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil || members == nil {
		return nil, fmt.Errorf("v1 data is not a JSON object")
	}
	out := make(map[string]json.RawMessage, len(members))
	for _, f := range fields {
		old, renamed, _ := strings.Cut(f, "=")
		name, kind, _ := strings.Cut(renamed, ":")
		v, ok := members[old]
		if !ok {
			continue
		}
		delete(members, old)
		switch {
		case kind == "" || bytes.Equal(bytes.TrimSpace(v), []byte("null")):
		case strings.HasPrefix(kind, "[]"):
			var list []json.RawMessage
			if err := json.Unmarshal(v, &list); err != nil {
				return nil, fmt.Errorf("v1 field %s is not an array", old)
			}
			for i := range list {
				up, err := renameV1(list[i], v1Values[kind[2:]])
				if err != nil {
					return nil, fmt.Errorf("v1 field %s[%d]: %w", old, i, err)
				}
				list[i] = up
			}
			var err error
			if v, err = json.Marshal(list); err != nil {
				return nil, err
			}
		default:
			up, err := renameV1(v, v1Values[kind])
			if err != nil {
				return nil, fmt.Errorf("v1 field %s: %w", old, err)
			}
			v = up
		}
		out[name] = v
	}
	for old := range members {
		return nil, fmt.Errorf("v1 data has a field %q this schema never had", old)
	}
	return json.Marshal(out)
}
