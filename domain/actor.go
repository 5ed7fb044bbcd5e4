package domain

// Role is what an actor may do. Roles are fixed by Jejak's access model:
// see docs/ARCHITECTURE.md.
type Role string

const (
	RoleAdmin       Role = "admin"       // everything, including reference data
	RoleCoordinator Role = "coordinator" // national (Kemendagri): periods and phases, all regions
	RoleOperator    Role = "operator"    // writes for its own region only
	RoleVerifier    Role = "verifier"    // verifies evidence, never its own submission
	RoleAuditor     Role = "auditor"     // reads everything, writes nothing
	RolePublic      Role = "public"      // published index and rankings only
	RoleSystem      Role = "system"      // Jejak itself: demo loader, generator, migrations
)

// Roles lists every role in a stable order.
func Roles() []Role {
	return []Role{RoleAdmin, RoleCoordinator, RoleOperator, RoleVerifier, RoleAuditor, RolePublic, RoleSystem}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, known := range Roles() {
		if r == known {
			return true
		}
	}
	return false
}

// Actor is who issues a command: a user with a role and, for regional roles,
// the region (Kemendagri code) it is scoped to. An empty Region means national
// scope.
type Actor struct {
	UserID string
	Role   Role
	Region string
}

// System is the actor Jejak uses for facts it records by itself.
var System = Actor{UserID: "jejak", Role: RoleSystem}
