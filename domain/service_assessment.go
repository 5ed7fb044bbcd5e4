package domain

import "context"

// SubmitAnswerCommand answers an SPD indicator (InnovationID "") or an SID
// indicator of one of the region's innovations.
type SubmitAnswerCommand struct {
	CommandMeta
	Year         int
	Region       string
	Indicator    string
	InnovationID string
	Option       int
	Evidence     Evidence
}

// SubmitAnswersCommand submits several answers of one assessment at once,
// as one commit (all or none): the SPD form of a region, or the SID form of
// one innovation (InnovationID).
type SubmitAnswersCommand struct {
	CommandMeta
	Year         int
	Region       string
	InnovationID string
	Answers      []AnswerChoice
}

// AnswerChoice is one answer of a SubmitAnswersCommand.
type AnswerChoice struct {
	Indicator string
	Option    int
	Evidence  Evidence
}

// VerifyAnswerCommand records a verifier's decision on an answer.
type VerifyAnswerCommand struct {
	CommandMeta
	Year         int
	Region       string
	Indicator    string
	InnovationID string
	Decision     Decision
	Option       int // for DecisionLower
	Reason       string
}

// VerifyAnswersCommand records a verifier's decisions on several answers of
// one assessment at once, as one commit (all or none).
type VerifyAnswersCommand struct {
	CommandMeta
	Year         int
	Region       string
	InnovationID string
	Decisions    []AnswerDecision
}

// AnswerDecision is one decision of a VerifyAnswersCommand.
type AnswerDecision struct {
	Indicator string
	Decision  Decision
	Option    int // for DecisionLower
	Reason    string
}

// RejectInnovationCommand removes an innovation from its region's count in
// a year. ExpectedVersion is the assessment's version.
type RejectInnovationCommand struct {
	CommandMeta
	Year         int
	InnovationID string
	Reason       string
}

// Decide records or changes the answer on a (operator of the region,
// coordinator, admin) while penjaringan lasts; see Assessment.SubmitAnswer.
// in is the answered innovation, nil for an SPD indicator; files are the
// cited evidence files as loaded for the region (nil when none is cited).
func (c SubmitAnswerCommand) Decide(pd *Period, in *Innovation, a *Assessment, files UploadedFiles) error {
	if err := c.authorize(); err != nil {
		return err
	}
	return c.submit(pd, in, a, files)
}

func (c SubmitAnswerCommand) authorize() error {
	return Authorize(c.Actor, ActionWriteRegion, c.Region)
}

func (c SubmitAnswerCommand) submit(pd *Period, in *Innovation, a *Assessment, files UploadedFiles) error {
	return a.SubmitAnswer(pd, Submission{Indicator: c.Indicator, Innovation: in, Option: c.Option,
		Evidence: c.Evidence, SubmittedBy: c.Actor.UserID, Files: files})
}

// Decide submits each answer in turn, as SubmitAnswerCommand does.
func (c SubmitAnswersCommand) Decide(pd *Period, in *Innovation, a *Assessment, files UploadedFiles) error {
	if err := c.authorize(); err != nil {
		return err
	}
	for _, ans := range c.Answers {
		one := SubmitAnswerCommand{CommandMeta: c.CommandMeta, Year: c.Year, Region: c.Region, Indicator: ans.Indicator,
			InnovationID: c.InnovationID, Option: ans.Option, Evidence: ans.Evidence}
		if err := one.submit(pd, in, a, files); err != nil {
			return err
		}
	}
	return nil
}

func (c SubmitAnswersCommand) authorize() error {
	return Authorize(c.Actor, ActionWriteRegion, c.Region)
}

// Decide records the verification decision on a (verifier, admin) during
// pengukuran; see Assessment.VerifyAnswer.
func (c VerifyAnswerCommand) Decide(pd *Period, a *Assessment) error {
	if err := c.authorize(); err != nil {
		return err
	}
	return c.verify(pd, a)
}

func (c VerifyAnswerCommand) authorize() error { return Authorize(c.Actor, ActionVerify, c.Region) }

func (c VerifyAnswerCommand) verify(pd *Period, a *Assessment) error {
	return a.VerifyAnswer(pd, Verification{Key: AnswerKey{Indicator: c.Indicator, InnovationID: c.InnovationID},
		Decision: c.Decision, Option: c.Option, Reason: c.Reason, VerifiedBy: c.Actor.UserID})
}

// Decide records each decision in turn, as VerifyAnswerCommand does.
func (c VerifyAnswersCommand) Decide(pd *Period, a *Assessment) error {
	if err := c.authorize(); err != nil {
		return err
	}
	for _, d := range c.Decisions {
		one := VerifyAnswerCommand{CommandMeta: c.CommandMeta, Year: c.Year, Region: c.Region, Indicator: d.Indicator,
			InnovationID: c.InnovationID, Decision: d.Decision, Option: d.Option, Reason: d.Reason}
		if err := one.verify(pd, a); err != nil {
			return err
		}
	}
	return nil
}

func (c VerifyAnswersCommand) authorize() error { return Authorize(c.Actor, ActionVerify, c.Region) }

// Decide rejects in for the year on a, the assessment of its region
// (verifier, admin), during pengukuran; see Assessment.RejectInnovation.
func (c RejectInnovationCommand) Decide(pd *Period, in *Innovation, a *Assessment) error {
	if err := c.authorize(in); err != nil {
		return err
	}
	return a.RejectInnovation(pd, in, c.Reason, c.Actor.UserID)
}

func (c RejectInnovationCommand) authorize(in *Innovation) error {
	return Authorize(c.Actor, ActionVerify, in.Region())
}

// SubmitAnswer records or changes an answer.
func (s *Service) SubmitAnswer(ctx context.Context, cmd SubmitAnswerCommand) (CommitResult, error) {
	if err := cmd.authorize(); err != nil {
		return CommitResult{}, err
	}
	pd, in, err := s.answered(ctx, cmd.Year, cmd.InnovationID)
	if err != nil {
		return CommitResult{}, err
	}
	files, err := s.evidenceFiles(ctx, cmd.Region, cmd.Evidence)
	if err != nil {
		return CommitResult{}, err
	}
	return s.onAssessment(ctx, cmd.CommandMeta, cmd.Year, cmd.Region, func(a *Assessment) error { return cmd.Decide(pd, in, a, files) })
}

// SubmitAnswers records or changes several answers at once.
func (s *Service) SubmitAnswers(ctx context.Context, cmd SubmitAnswersCommand) (CommitResult, error) {
	if err := cmd.authorize(); err != nil {
		return CommitResult{}, err
	}
	pd, in, err := s.answered(ctx, cmd.Year, cmd.InnovationID)
	if err != nil {
		return CommitResult{}, err
	}
	evs := make([]Evidence, len(cmd.Answers))
	for i, ans := range cmd.Answers {
		evs[i] = ans.Evidence
	}
	files, err := s.evidenceFiles(ctx, cmd.Region, evs...)
	if err != nil {
		return CommitResult{}, err
	}
	return s.onAssessment(ctx, cmd.CommandMeta, cmd.Year, cmd.Region, func(a *Assessment) error { return cmd.Decide(pd, in, a, files) })
}

// VerifyAnswer records a verification decision.
func (s *Service) VerifyAnswer(ctx context.Context, cmd VerifyAnswerCommand) (CommitResult, error) {
	if err := cmd.authorize(); err != nil {
		return CommitResult{}, err
	}
	pd, err := s.period(ctx, cmd.Year)
	if err != nil {
		return CommitResult{}, err
	}
	return s.onAssessment(ctx, cmd.CommandMeta, cmd.Year, cmd.Region, func(a *Assessment) error { return cmd.Decide(pd, a) })
}

// VerifyAnswers records several verification decisions at once.
func (s *Service) VerifyAnswers(ctx context.Context, cmd VerifyAnswersCommand) (CommitResult, error) {
	if err := cmd.authorize(); err != nil {
		return CommitResult{}, err
	}
	pd, err := s.period(ctx, cmd.Year)
	if err != nil {
		return CommitResult{}, err
	}
	return s.onAssessment(ctx, cmd.CommandMeta, cmd.Year, cmd.Region, func(a *Assessment) error { return cmd.Decide(pd, a) })
}

// RejectInnovation rejects a whole innovation for a year.
func (s *Service) RejectInnovation(ctx context.Context, cmd RejectInnovationCommand) (CommitResult, error) {
	in, err := s.innovation(ctx, cmd.InnovationID)
	if err != nil {
		return CommitResult{}, err
	}
	if err := cmd.authorize(in); err != nil {
		return CommitResult{}, err
	}
	pd, err := s.period(ctx, cmd.Year)
	if err != nil {
		return CommitResult{}, err
	}
	return s.onAssessment(ctx, cmd.CommandMeta, cmd.Year, in.Region(), func(a *Assessment) error { return cmd.Decide(pd, in, a) })
}

// answered loads what an answer is about: the year's period and, for an SID
// answer, the innovation (CodeNotFound when either is missing).
func (s *Service) answered(ctx context.Context, year int, innovationID string) (*Period, *Innovation, error) {
	pd, err := s.period(ctx, year)
	if err != nil || innovationID == "" {
		return pd, nil, err
	}
	in, err := s.innovation(ctx, innovationID)
	return pd, in, err
}

func (s *Service) onAssessment(ctx context.Context, m CommandMeta, year int, region string, decide func(*Assessment) error) (CommitResult, error) {
	return execute(ctx, s, m, AggregateAssessment, AssessmentID(year, region),
		func(h []Event) (*Assessment, error) { return RebuildAssessment(year, region, h) }, decide)
}
