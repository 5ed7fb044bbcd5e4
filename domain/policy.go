package domain

// Action is what a command or a read does, for the access policy.
type Action string

// Write actions.
const (
	// ActionWriteRegion writes a region's own data: innovations, answers,
	// Bimtek sessions, the innovation office.
	ActionWriteRegion Action = "write_region"
	// ActionVerify verifies answers and rejects innovations.
	ActionVerify Action = "verify"
	// ActionManagePeriod opens assessment periods and advances phases.
	ActionManagePeriod Action = "manage_period"
	// ActionSetPerbatasan sets the daerah perbatasan flag (reference data).
	ActionSetPerbatasan Action = "set_perbatasan"
	// ActionErasePerson erases a person's personal data (admin only).
	ActionErasePerson Action = "erase_person"
)

// Read actions. Reference data (regions and their profiles, periods and
// their schedules, the catalogue) is everyone's and needs no action.
//
// The official practice: a region sees only its own until publication.
// What a year's publication makes public is its results: the published
// IID of every region with its explanation (which names each innovation and
// its points), the rankings and the national overview. A region's working
// files (innovation records, answers with their evidence, Bimtek sessions
// and attendance, statistics, the verification queue) stay readable by the
// region and by the national roles only.
const (
	// ActionReadPublished reads the results of a published year.
	ActionReadPublished Action = "read_published"
	// ActionReadUnpublished reads the results of a year before publication:
	// one region's (region = its code) or, with region "", every region's
	// (rankings, the national overview).
	ActionReadUnpublished Action = "read_unpublished"
	// ActionReadRegion reads a region's working files (region = its code)
	// or, with region "", every region's (national lists and counts).
	ActionReadRegion Action = "read_region"
	// ActionReadAudit reads the audit trail.
	ActionReadAudit Action = "read_audit"
	// ActionExport builds, lists and downloads Kemendagri exports, which
	// hold every region's data of a year.
	ActionExport Action = "export"
	// ActionReadPersonal reads attendees' personal data in clear (name,
	// NIP, position, contact) of a region's sessions: the region's
	// operators, the coordinator and admins only (docs/PRIVACY.md).
	// Verifiers and auditors see subject ids and units; the public counts.
	ActionReadPersonal Action = "read_personal"
)

// Authorize is Jejak's one access rule; every command and every read of
// more than reference data calls it. region is the Kemendagri code the
// command writes for or the read is about ("" for national actions and for
// reads about every region).
//
//   - admin and system: everything.
//   - coordinator (national): periods, regional writes for any region, and
//     every read (attendees' personal data included).
//   - auditor: every read, no writes.
//   - operator: regional writes and reads for its own region only
//     (CodeOutOfScope), its attendees' personal data, and published results.
//   - verifier: verification and reads of any region, or of its region
//     only when scoped to one (CodeOutOfScope); published results. No audit
//     trail, no exports.
//   - public: published results only.
//   - unknown roles or an actor without a user id: nothing.
//
// It returns nil or an *Error with CodeForbidden or CodeOutOfScope.
func Authorize(a Actor, act Action, region string) error {
	if a.UserID == "" || !a.Role.Valid() {
		return Errorf(CodeForbidden, "an unknown actor may not do anything")
	}
	if act == ActionReadPublished {
		return nil // every known actor, the public included
	}
	switch a.Role {
	case RoleAdmin, RoleSystem:
		return nil
	case RoleCoordinator:
		if act == ActionManagePeriod || act == ActionWriteRegion || act == ActionReadPersonal || act.isRead() {
			return nil
		}
	case RoleAuditor:
		if act.isRead() {
			return nil
		}
	case RoleOperator:
		switch act {
		case ActionWriteRegion, ActionReadRegion, ActionReadUnpublished, ActionReadPersonal:
			return inScope(a, act, region)
		}
	case RoleVerifier:
		switch act {
		case ActionVerify, ActionReadRegion, ActionReadUnpublished:
			return inScope(a, act, region)
		}
	}
	return Errorf(CodeForbidden, "role %s may not %s", a.Role, act.describe())
}

// isRead reports whether act is a read.
func (act Action) isRead() bool {
	switch act {
	case ActionReadPublished, ActionReadUnpublished, ActionReadRegion, ActionReadAudit, ActionExport:
		return true
	}
	return false
}

// inScope lets a regional actor act for its own region only; a national
// one (no region) for any region and for all of them ("").
func inScope(a Actor, act Action, region string) error {
	if a.Role == RoleOperator && a.Region == "" {
		return Errorf(CodeOutOfScope, "operator %s has no region", a.UserID)
	}
	if a.Region == "" || a.Region == region {
		return nil
	}
	verb := "writes for"
	if act.isRead() {
		verb = "reads"
	}
	if region == "" {
		return Errorf(CodeOutOfScope, "%s %s %s region %s only, not every region's", a.Role, a.UserID, verb, a.Region)
	}
	return Errorf(CodeOutOfScope, "%s %s %s region %s only, not %s", a.Role, a.UserID, verb, a.Region, region)
}

// ReadScope is the region a list or count of working files covers for a:
// the region asked for, when a may read it; when none is asked (""), every
// region ("") for an actor who may read them all, and its own region for an
// actor scoped to one. It returns Authorize's error otherwise.
func ReadScope(a Actor, region string) (string, error) {
	if region == "" && a.Region != "" && Authorize(a, ActionReadRegion, "") != nil {
		region = a.Region
	}
	return region, Authorize(a, ActionReadRegion, region)
}

// ResultsAction is the action reading a year's results needs: everyone's
// once the year is published, ActionReadUnpublished before.
func ResultsAction(published bool) Action {
	if published {
		return ActionReadPublished
	}
	return ActionReadUnpublished
}

func (act Action) describe() string {
	switch act {
	case ActionWriteRegion:
		return "write regional data"
	case ActionVerify:
		return "verify evidence"
	case ActionManagePeriod:
		return "manage assessment periods"
	case ActionSetPerbatasan:
		return "set the daerah perbatasan flag"
	case ActionErasePerson:
		return "erase a person's personal data"
	case ActionReadPublished:
		return "read published results"
	case ActionReadUnpublished:
		return "read results before they are published"
	case ActionReadRegion:
		return "read regional data (innovations, answers, Bimtek, statistics)"
	case ActionReadAudit:
		return "read the audit history"
	case ActionExport:
		return "export the data of a year"
	case ActionReadPersonal:
		return "read attendees' personal data"
	}
	return string(act)
}
