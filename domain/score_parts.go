package domain

// The parts of Score, for a read model that keeps a score up to date as
// events arrive (the index's score history): the SPD points, one
// innovation's points and count decision, and the totals of the sums. Score
// is exactly TotalsOf(SPD, the counted innovations' points, their number).

// ScoreSPD returns the verified and provisional SPD points of answers. It
// returns an *Error with CodeInvalid for a malformed answer, as Score does.
func ScoreSPD(c *Catalogue, answers []AnswerInput) (verified, provisional Milli, err error) {
	var p Problems
	byCode := indexAnswers(&p, c, AspectSPD, "spd", "", answers)
	if err := p.Err(); err != nil {
		return 0, 0, err
	}
	for _, ind := range c.byAspect[AspectSPD] {
		s := answeredScore(ind, byCode[ind.Code])
		verified += s.Points
		provisional += s.ProvisionalPoints
	}
	return verified, provisional, nil
}

// ScoreInnovation scores one innovation as Score would within in (whose
// Innovations and SPD are not read): its points and whether it counts.
func ScoreInnovation(c *Catalogue, in ScoreInput, inn InnovationInput) (InnovationScore, error) {
	var p Problems
	answers := indexAnswers(&p, c, AspectSID, "innovations", inn.ID, inn.Answers)
	if err := p.Err(); err != nil {
		return InnovationScore{}, err
	}
	return scoreInnovation(c, in, inn, answers), nil
}

// TotalsOf returns the totals of SPD points spd and n counted innovations
// whose points sum to sum.
func TotalsOf(c *Catalogue, spd, sum Milli, n int) Totals { return totals(c, spd, sum, n) }
