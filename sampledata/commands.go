package sampledata

import (
	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// command returns the domain command that carries the action out. Both
// executors run this very command: serviceRunner executes it through
// domain.Service, the engine decides it with the same Decide methods on the
// aggregates it keeps in memory. So both write the same commits: one per
// command (two for a replication), with the same command ids.
func (a *action) command(correlation string) any {
	m := domain.CommandMeta{CommandID: a.id, Actor: a.actor, CorrelationID: correlation}
	switch a.kind {
	case actOpenPeriod:
		return domain.OpenPeriodCommand{CommandMeta: m, Year: a.year, CatalogueVersion: a.version, Schedule: a.schedule}
	case actAdvancePhase:
		return domain.AdvancePhaseCommand{CommandMeta: m, Year: a.year, To: a.phase}
	case actSetOffice:
		return domain.UpdateRegionProfileCommand{CommandMeta: m, Region: a.region, OfficeName: a.officeName, OfficeKind: a.officeKind}
	case actSetPerbatasan:
		on := true
		return domain.UpdateRegionProfileCommand{CommandMeta: m, Region: a.region, Perbatasan: &on, PerbatasanReason: a.reason}
	case actPropose:
		return domain.ProposeInnovationCommand{CommandMeta: m, Region: a.region, Details: a.inn.details, On: a.inn.proposed}
	case actStartTrial:
		return startTrial{domain.StageCommand{CommandMeta: m, InnovationID: a.inn.id, On: a.inn.trial}}
	case actStartImplementation:
		return startImplementation{domain.StageCommand{CommandMeta: m, InnovationID: a.inn.id, On: a.inn.implemented}}
	case actMakePublic:
		return domain.SetPublicityCommand{CommandMeta: m, InnovationID: a.inn.id, Public: true}
	case actWithdraw:
		return domain.WithdrawInnovationCommand{CommandMeta: m, InnovationID: a.inn.id, Reason: a.reason, On: a.inn.withdrawn}
	case actReplicate:
		d := a.adopter.details
		return domain.RecordReplicationCommand{CommandMeta: m, OriginInnovationID: a.inn.id, AdopterRegion: a.adopter.region,
			Details: &d, On: a.adopter.proposed}
	case actScheduleBimtek:
		return domain.ScheduleBimtekCommand{CommandMeta: m, Plan: a.session.plan}
	case actAttend:
		return domain.RecordAttendanceListCommand{CommandMeta: m, SessionID: a.session.id, Participants: a.people}
	case actCloseBimtek:
		return domain.CloseBimtekCommand{CommandMeta: m, SessionID: a.session.id}
	case actSubmitAnswers:
		answers := make([]domain.AnswerChoice, len(a.answers))
		for i, ans := range a.answers {
			answers[i] = domain.AnswerChoice{Indicator: ans.indicator, Option: ans.claimed, Evidence: ans.evidence}
		}
		return domain.SubmitAnswersCommand{CommandMeta: m, Year: a.year, Region: a.region, InnovationID: a.innovationID, Answers: answers}
	case actVerifyAnswers:
		decisions := make([]domain.AnswerDecision, len(a.answers))
		for i, ans := range a.answers {
			decisions[i] = domain.AnswerDecision{Indicator: ans.indicator, Decision: ans.decision, Option: ans.verified, Reason: ans.reason}
		}
		return domain.VerifyAnswersCommand{CommandMeta: m, Year: a.year, Region: a.region, InnovationID: a.innovationID, Decisions: decisions}
	case actRejectInnovation:
		return domain.RejectInnovationCommand{CommandMeta: m, Year: a.year, InnovationID: a.innovationID, Reason: a.reason}
	case actUploadEvidence:
		d := a.document
		return domain.UploadEvidenceCommand{CommandMeta: m, Region: a.region, SHA256: d.SHA256, Size: int64(len(d.Data)),
			MediaType: domain.MediaPDF, Pages: d.Pages, Name: d.Name}
	}
	return nil
}

// startTrial and startImplementation tell apart the two uses of
// domain.StageCommand.
type (
	startTrial          struct{ domain.StageCommand }
	startImplementation struct{ domain.StageCommand }
)

// The ids the domain derives from command ids, known when planning.

func innovationID(cmd uuid.UUID) string {
	return domain.ProposeInnovationCommand{CommandMeta: domain.CommandMeta{CommandID: cmd}}.InnovationID()
}

func bimtekID(cmd uuid.UUID) string {
	return domain.ScheduleBimtekCommand{CommandMeta: domain.CommandMeta{CommandID: cmd}}.SessionID()
}

func adopterID(cmd uuid.UUID) string {
	return domain.RecordReplicationCommand{CommandMeta: domain.CommandMeta{CommandID: cmd}}.AdopterInnovationID()
}
