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

// InnovationPoints is ScoreInnovation's count decision and points alone,
// without the explanation (its indicators, reasons and notes): a read model
// that follows every commit needs the numbers. It refuses what
// ScoreInnovation refuses. It is InnovationAnswered plus
// InnovationDerived, which a read model may keep apart: an answer changes
// the first alone.
func InnovationPoints(c *Catalogue, in ScoreInput, inn InnovationInput) (counted bool, points, provisional Milli, err error) {
	points, provisional, err = InnovationAnswered(c, inn.ID, inn.Answers)
	if err != nil {
		return false, 0, 0, err
	}
	counted, derived := InnovationDerived(c, in, inn)
	return counted, points + derived, provisional + derived, nil
}

// InnovationAnswered is the verified and provisional points that the
// answers of innovation id give its hand-answered SID indicators. It
// refuses what ScoreInnovation refuses of the answers, with the same
// problems, and allocates nothing for valid answers.
func InnovationAnswered(c *Catalogue, id string, answers []AnswerInput) (points, provisional Milli, err error) {
	var p Problems
	var small [4]uint64 // answered indicators, by catalogue position
	seen := small[:]
	if n := (len(c.indicators) + 63) / 64; n > len(small) {
		seen = make([]uint64, n)
	}
	for _, a := range answers {
		at, known := c.byCode[a.Indicator]
		dup := known && seen[at/64]&(1<<(at%64)) != 0
		ind := checkAnswer(&p, c, AspectSID, "innovations", id, a, dup)
		if ind == nil {
			continue
		}
		seen[at/64] |= 1 << (at % 64)
		v, pv := answeredParameters(a)
		points += ind.Bobot * Milli(v)
		provisional += ind.Bobot * Milli(pv)
	}
	if err := p.Err(); err != nil {
		return 0, 0, err
	}
	return points, provisional, nil
}

// InnovationDerived is whether inn counts within in, and the points of the
// SID indicators derived from events (the same verified and provisional):
// what InnovationPoints adds to InnovationAnswered. It does not read
// inn.Answers.
func InnovationDerived(c *Catalogue, in ScoreInput, inn InnovationInput) (counted bool, points Milli) {
	for _, ind := range c.byAspect[AspectSID] {
		if ind.IsDerived() {
			points += derivedPoints(c, in, inn, ind)
		}
	}
	return countRule(c, in, inn) == CountOK, points
}

// TotalsOf returns the totals of SPD points spd and n counted innovations
// whose points sum to sum.
func TotalsOf(c *Catalogue, spd, sum Milli, n int) Totals { return totals(c, spd, sum, n) }

// IIDOf is TotalsOf(c, spd, sum, n).IID in integer arithmetic, without the
// exact SID and total (a read model that follows every commit needs the IID
// alone): IID x 100 = ((spd + indicator 36) x d + sum) x 10000 / (d x max
// total), rounded half-up, where d = max(MinDivisor, n). Negative points,
// which Score never gives, take the exact path.
func IIDOf(c *Catalogue, spd, sum Milli, n int) Hundredths {
	rule := c.InnovationCount()
	d := int64(max(c.Counting().MinDivisor, n))
	ind36 := int64(rule.PointsPerInnovation) * int64(min(n, rule.MaxInnovations))
	num := (int64(spd)+ind36)*d + int64(sum)
	den := d * int64(c.MaxTotal())
	if num < 0 || den <= 0 {
		return totals(c, spd, sum, n).IID
	}
	return Hundredths((2*num*10000 + den) / (2 * den))
}
