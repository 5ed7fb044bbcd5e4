package domain

// Action is what a command does, for the access policy.
type Action string

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
)

// Authorize is Jejak's one access rule; every command calls it. region is the
// Kemendagri code the command writes for ("" for national actions).
//
//   - admin and system: everything.
//   - coordinator (national): periods and regional writes for any region.
//   - operator: regional writes for its own region only (CodeOutOfScope).
//   - verifier: verification only, of any region unless scoped to one.
//   - auditor, public, unknown roles or an actor without a user id: no
//     writes (CodeForbidden).
//
// It returns nil or an *Error with CodeForbidden or CodeOutOfScope.
func Authorize(a Actor, act Action, region string) error {
	if a.UserID == "" || !a.Role.Valid() {
		return Errorf(CodeForbidden, "an unknown actor may not do anything")
	}
	forbidden := Errorf(CodeForbidden, "role %s may not %s", a.Role, act.describe())
	switch a.Role {
	case RoleAdmin, RoleSystem:
		return nil
	case RoleCoordinator:
		if act == ActionManagePeriod || act == ActionWriteRegion {
			return nil
		}
	case RoleOperator:
		if act == ActionWriteRegion {
			return inScope(a, region)
		}
	case RoleVerifier:
		if act == ActionVerify {
			return inScope(a, region)
		}
	}
	return forbidden
}

func inScope(a Actor, region string) error {
	if a.Role == RoleOperator && a.Region == "" {
		return Errorf(CodeOutOfScope, "operator %s has no region", a.UserID)
	}
	if a.Region != "" && a.Region != region {
		return Errorf(CodeOutOfScope, "%s %s writes for region %s only, not %s", a.Role, a.UserID, a.Region, region)
	}
	return nil
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
	}
	return string(act)
}
