package democity

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// events is the content of the five agency files.
type events struct {
	social, housing, health, work []row
	injuries                      []injury
	kinds                         []KindRows // rows per kind, in the order of BaseVolumes
	temporary                     []temporaryPerson
	plan                          *plan // nil without history
}

// gen holds the state of event generation.
type gen struct {
	rng         *rand.Rand
	c           *city
	year        int   // the year being drawn
	last        int   // Config.Year, the year of the register's ages
	plan        *plan // the planted history; nil without history
	residents   int
	r           risks
	referent    []int32   // per household: the adult named on the household's applications
	isee        []float64 // per household, euro
	seen        []uint8   // per person: bits of the files naming the person by fiscal code
	rows        map[string]int
	econ        map[int]bool // households on economic support
	messy       map[int]messyAddr
	streetNames map[string]bool
	temporary   map[int]bool // residents whose health records carry an STP/ENI code
	moves       map[int]move // province only: households that moved in from another comune
	ev          events
}

// buildEvents draws the events of each year, oldest first: social services and housing office
// first (the household domains), then employment and injuries; then health, whose temporary
// codes go to foreign residents already seen elsewhere, year by year; last the fatal injuries of
// the last year. With history the effects of the plan (dynamics.go) are planted; the city, the
// people's scores and incomes are the same every year.
func buildEvents(rng *rand.Rand, c *city, cfg Config) events {
	g := &gen{rng: rng, c: c, year: cfg.Year, last: cfg.Year, residents: cfg.Residents, rows: map[string]int{}}
	if cfg.HistoryYears > 0 {
		g.plan = newPlan(c, cfg)
		g.ev.plan = g.plan
	}
	g.r = drawRisks(rng, c)
	g.referent = g.r.referent
	g.isee = make([]float64, len(c.hh))
	for hi := range c.hh {
		// ISEE: the household's means-test income, lower where poverty is higher
		g.isee[hi] = math.Round(20000*math.Exp(-0.4*g.r.poverty[hi]+0.35*rng.NormFloat64())*100) / 100
	}
	g.seen = make([]uint8, len(c.people))
	if c.comuni != nil {
		g.drawMoves(rand.New(rand.NewPCG(cfg.Seed, streamMoves)))
	}
	first := cfg.Year - cfg.HistoryYears
	for g.year = first; g.year <= g.last; g.year++ {
		g.socialAndHousing()
		g.employment()
		g.injuriesOfYear()
	}
	g.year = first // temporary codes go to people adult in every year
	g.temporaryCodes()
	for g.year = first; g.year <= g.last; g.year++ {
		g.healthAuthority()
	}
	g.year = g.last
	g.fatalInjuries()
	for _, b := range BaseVolumes {
		g.ev.kinds = append(g.ev.kinds, KindRows{File: b.File, Kind: b.Kind, Rows: g.rows[b.Kind]})
	}
	return g.ev
}

func (g *gen) volume(kind string) int { return scaledVolume(baseVolume(kind), g.residents) }

// age is person pi's age on 1 January of the year being drawn (negative before their birth).
func (g *gen) age(pi int) int { return int(g.c.people[pi].age) - (g.last - g.year) }

// adultReferent reports whether household hi's referent is an adult in the year being drawn
// (always in the register's year): only then may the household apply for anything.
func (g *gen) adultReferent(hi int) bool { return g.age(int(g.referent[hi])) >= 18 }

// boost is the selection boost of kind for households (by household index), nil without
// history: the log of the household's mean multiplier over the year.
func (g *gen) boost(kind string) func(hi int) float64 {
	if g.plan == nil {
		return nil
	}
	return func(hi int) float64 { return math.Log(g.plan.yearMean(kind, hi, g.year)) }
}

// personBoost is boost for persons (by person index).
func (g *gen) personBoost(kind string) func(pi int) float64 {
	b := g.boost(kind)
	if b == nil {
		return nil
	}
	return func(pi int) float64 { return b(int(g.c.people[pi].hh)) }
}

// dateFor draws the date of a kind's event for household hi in the year being drawn: without
// history a uniform day; with history in a quarter drawn with weights days × quarterWeight(the
// household's multiplier, λ) × the kind's seasonal factor, then on a uniform day of it. λ is the
// unit's intensity in the year's selection (topNBoost; 0 for none): the year's selection used
// the year's mean multiplier, and the quarters share the unit's events as separate draws with
// each quarter's multiplier would, saturation included.
func (g *gen) dateFor(kind string, hi int, lambda float64) time.Time {
	if g.plan == nil {
		return dayIn(g.rng, g.year)
	}
	q0 := (g.year - g.plan.first) * 4
	var w [4]float64
	total := 0.0
	for k := range 4 {
		w[k] = float64(daysInQuarter(g.year, k)) * quarterWeight(g.plan.mult(kind, hi, q0+k), lambda) * g.plan.seasonOf(kind, q0+k)
		total += w[k]
	}
	u := g.rng.Float64() * total
	k := 0
	for ; k < 3 && u >= w[k]; k++ {
		u -= w[k]
	}
	start := time.Date(g.year, time.Month(3*k+1), 1, 0, 0, 0, 0, time.UTC)
	return start.AddDate(0, 0, g.rng.IntN(daysInQuarter(g.year, k)))
}

// daysInQuarter is the number of days of quarter k (0-3) of year.
func daysInQuarter(year, k int) int {
	start := time.Date(year, time.Month(3*k+1), 1, 0, 0, 0, 0, time.UTC)
	return int(start.AddDate(0, 3, 0).Sub(start).Hours() / 24)
}

// applicant picks an adult member of the household (the first member is always an adult).
func applicant(rng *rand.Rand, c *city, hi int) int {
	h := c.hh[hi]
	var adults []int
	for k := int(h.first); k < int(h.first)+int(h.size); k++ {
		if c.people[k].age >= 18 {
			adults = append(adults, k)
		}
	}
	if len(adults) == 0 {
		return int(h.first)
	}
	return adults[rng.IntN(len(adults))]
}

// socialAndHousing draws the social-services and housing-office events.
func (g *gen) socialAndHousing() {
	c, rng, r := g.c, g.rng, g.r
	nh := len(c.hh)
	// economic support: the poorest households under the ISEE ceiling
	econ, lam := topNBoost(rng, g.volume(KindContributoEconomico), func(i int) float64 {
		return eligible(g.isee[i] <= iseeEconomic && g.adultReferent(i), r.poverty[i])
	}, g.boost(KindContributoEconomico), nh)
	g.econ = make(map[int]bool, len(econ))
	for k, hi := range econ {
		g.econ[hi] = true
		start := g.dateFor(KindContributoEconomico, hi, intensity(lam, k))
		g.socialRow(hi, int(g.referent[hi]), KindContributoEconomico, start, endDate(rng, start, 0.25),
			formatEuro(lognormalAmount(rng, 1500, 0.6, 300, 6000)), true)
	}
	// rent support: housing stress with some poverty, under the ceiling
	rent, lam := topNBoost(rng, g.volume(KindContributoAffitto), func(i int) float64 {
		return eligible(g.isee[i] <= iseeRent && g.adultReferent(i), r.housing[i]+0.3*r.poverty[i])
	}, g.boost(KindContributoAffitto), nh)
	for k, hi := range rent {
		start := g.dateFor(KindContributoAffitto, hi, intensity(lam, k))
		g.socialRow(hi, int(g.referent[hi]), KindContributoAffitto, start, endDate(rng, start, 0.25),
			formatEuro(lognormalAmount(rng, 1200, 0.5, 300, 4000)), true)
	}
	// evictions: one or two stage rows per household
	evicted, lam := topNBoost(rng, g.volume(KindSfratto), func(i int) float64 { return eligible(g.adultReferent(i), r.housing[i]+0.3) },
		g.boost(KindSfratto), nh)
	lastEviction := make(map[int]time.Time, len(evicted))
	lateStage := make(map[int]bool, len(evicted))
	for k, hi := range evicted {
		stage := drawStage(rng)
		date := g.dateFor(KindSfratto, hi, intensity(lam, k))
		g.housingRow(hi, KindSfratto, date, "", evictionStages[stage], "", "")
		if stage < 2 && rng.Float64() < 0.3 {
			if d, ok := after(rng, date, 30, 150); ok {
				stage++
				date = d
				g.housingRow(hi, KindSfratto, date, "", evictionStages[stage], "", "")
			}
		}
		lastEviction[hi] = date
		lateStage[hi] = stage > 0
	}
	// emergency housing: mostly households evicted this year, after the eviction (with history,
	// the odds follow the ratio of the two kinds' multipliers in the eviction's quarter)
	nEmerg := g.volume(KindEmergenzaAbitativa)
	var convert func(k int) float64
	if g.plan != nil {
		convert = func(k int) float64 {
			hi := evicted[k]
			q := g.plan.quarterIndex(lastEviction[hi])
			return math.Log(g.plan.mult(KindEmergenzaAbitativa, hi, q) * g.plan.seasonOf(KindEmergenzaAbitativa, q) /
				(g.plan.mult(KindSfratto, hi, q) * g.plan.seasonOf(KindSfratto, q)))
		}
	}
	nFromEv := min(len(evicted), int(math.Round(0.75*float64(nEmerg))))
	fromEv, _ := topNBoost(rng, nFromEv, func(k int) float64 {
		hi := evicted[k]
		if lateStage[hi] {
			return 1
		}
		return 0
	}, convert, len(evicted))
	chosen := map[int]bool{}
	for _, k := range fromEv {
		hi := evicted[k]
		chosen[hi] = true
		start, ok := after(rng, lastEviction[hi], 0, 45)
		if !ok {
			start = lastEviction[hi]
		}
		g.emergencyRow(hi, start)
	}
	others, lam := topNBoost(rng, nEmerg-nFromEv, func(i int) float64 {
		if _, ev := lastEviction[i]; ev || chosen[i] || !g.adultReferent(i) || g.isee[i] > iseeEmergency {
			return notEligible
		}
		return r.housing[i] + 0.5*r.poverty[i] - 1
	}, g.boost(KindEmergenzaAbitativa), nh)
	for k, hi := range others {
		g.emergencyRow(hi, g.dateFor(KindEmergenzaAbitativa, hi, intensity(lam, k)))
	}
	// educational support: children aged 3-17 of poorer households, one row each
	edu := topN(rng, g.volume(KindSostegnoEducativo), func(i int) float64 {
		p := c.people[i]
		if age := g.age(i); age < 3 || age > 17 {
			return notEligible
		}
		e := r.poverty[p.hh]
		if c.hh[p.hh].typ == monogenitore {
			e += 0.5
		}
		return 1.2 * e
	}, len(c.people))
	for _, pi := range edu {
		var start time.Time
		if rng.Float64() < 0.5 { // most start with the school year
			start = time.Date(g.year, 9, 1+rng.IntN(30), 0, 0, 0, 0, time.UTC).AddDate(0, rng.IntN(2), 0)
		} else {
			start = g.dateFor(KindSostegnoEducativo, int(c.people[pi].hh), 0)
		}
		end := ""
		if start.Month() < 6 {
			end = formatDate(time.Date(g.year, 6, 30, 0, 0, 0, 0, time.UTC))
		}
		g.socialRow(int(c.people[pi].hh), pi, KindSostegnoEducativo, start, end, "", false)
	}
	// public housing: applications, then allocations to high-ranking applicants
	apps, lam := topNBoost(rng, g.volume(KindDomandaERP), func(i int) float64 {
		e := r.housing[i]
		if _, ev := lastEviction[i]; ev {
			e += 0.5
		}
		return eligible(g.isee[i] <= iseeERP && g.adultReferent(i), e)
	}, g.boost(KindDomandaERP), nh)
	score := make([]float64, len(apps))
	date := make([]time.Time, len(apps))
	for k, hi := range apps {
		score[k] = math.Round(min(40, max(5, 20+4*r.housing[hi]+4*rng.NormFloat64()))*10) / 10
		date[k] = g.dateFor(KindDomandaERP, hi, intensity(lam, k))
		g.housingRow(hi, KindDomandaERP, date[k], formatScore(score[k]), "", formatEuro(g.isee[hi]), strconv.Itoa(int(c.hh[hi].size)))
	}
	// Allocations follow the ranking: only applicants in its upper half are reached.
	median := medianOf(score)
	alloc := topN(rng, g.volume(KindAssegnazioneERP), func(k int) float64 {
		if daysLeft(date[k]) < 60 || score[k] < median {
			return notEligible
		}
		return score[k] / 2
	}, len(apps))
	for _, k := range alloc {
		hi := apps[k]
		d, _ := after(rng, date[k], 60, 300)
		g.housingRow(hi, KindAssegnazioneERP, d, formatScore(score[k]), "", formatEuro(g.isee[hi]), strconv.Itoa(int(c.hh[hi].size)))
	}
}

// medianOf is the upper median of xs (the value the ranking's upper half starts at).
func medianOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// eligible returns score, or notEligible when ok is false.
func eligible(ok bool, score float64) float64 {
	if !ok {
		return notEligible
	}
	return score
}

func (g *gen) emergencyRow(hi int, start time.Time) {
	g.socialRow(hi, int(g.referent[hi]), KindEmergenzaAbitativa, start, endDate(g.rng, start, 0.4),
		formatEuro(lognormalAmount(g.rng, 2500, 0.5, 300, 6000)), true)
}

// socialRow adds a social-services row for person pi of household hi; withIncome fills the
// ISEE and household size.
func (g *gen) socialRow(hi, pi int, kind string, start time.Time, end, amount string, withIncome bool) {
	h := g.c.hh[hi]
	isee, size := "", ""
	if withIncome {
		isee, size = formatEuro(g.isee[hi]), strconv.Itoa(int(h.size))
	}
	var b strings.Builder
	join(&b, g.c.people[pi].cf, kind, formatDate(start), end, amount, isee, size, g.rowResidence(hi, start, FileServiziSociali))
	g.ev.social = append(g.ev.social, row{date: start, line: b.String()})
	g.seen[pi] |= inSocial
	g.rows[kind]++
}

// housingRow adds a housing-office row naming the household's referent.
func (g *gen) housingRow(hi int, kind string, date time.Time, score, stage, isee, size string) {
	pi := int(g.referent[hi])
	var b strings.Builder
	join(&b, g.c.people[pi].cf, kind, formatDate(date), score, stage, isee, size, g.rowResidence(hi, date, FileUfficioCasa))
	g.ev.housing = append(g.ev.housing, row{date: date, line: b.String()})
	g.seen[pi] |= inHousing
	g.rows[kind]++
}

// endDate is empty for open interventions (share pOpen of them), otherwise start plus 3, 6 or
// 12 months, capped at the end of the year.
func endDate(rng *rand.Rand, start time.Time, pOpen float64) string {
	if rng.Float64() < pOpen {
		return ""
	}
	end := start.AddDate(0, []int{3, 6, 12}[rng.IntN(3)], -1)
	if last := lastDay(start.Year()); end.After(last) {
		end = last
	}
	return formatDate(end)
}

var evictionStages = [...]string{"INTIMAZIONE", "CONVALIDA", "ESECUZIONE"}

func drawStage(rng *rand.Rand) int {
	switch u := rng.Float64(); {
	case u < 0.5:
		return 0
	case u < 0.8:
		return 1
	}
	return 2
}
