package democity

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Event kinds, as written in the agency files (the codes of ingest/source).
const (
	KindContributoEconomico = "CONTRIBUTO_ECONOMICO"
	KindContributoAffitto   = "CONTRIBUTO_AFFITTO"
	KindEmergenzaAbitativa  = "EMERGENZA_ABITATIVA"
	KindSostegnoEducativo   = "SOSTEGNO_EDUCATIVO_MINORI"
	KindDomandaERP          = "DOMANDA_ERP"
	KindAssegnazioneERP     = "ASSEGNAZIONE_ERP"
	KindSfratto             = "SFRATTO"
	KindCronicita           = "CRONICITA"
	KindDisabilita          = "DISABILITA"
	KindSaluteMentale       = "SALUTE_MENTALE"
	KindDipendenze          = "DIPENDENZE"
	KindIscrizioneCPI       = "ISCRIZIONE_CPI"
	KindFormazione          = "FORMAZIONE"
	KindInserimento         = "INSERIMENTO_LAVORATIVO"
	KindInfortunio          = "INFORTUNIO"
	KindMalattiaProf        = "MALATTIA_PROFESSIONALE"
)

// ReferenceResidents is the population the base volumes refer to.
const ReferenceResidents = 185000

// BaseVolumes are the yearly volumes for ReferenceResidents residents, in units: households
// for the household kinds (economic and rent support, emergency housing, ERP applications and
// allocations, evictions), persons for the others. Generate scales them linearly with
// Config.Residents. Every unit has one row, except evictions (one or two stage rows per
// household). Health volumes include the rows under STP/ENI codes.
var BaseVolumes = []KindRows{
	{File: FileServiziSociali, Kind: KindContributoEconomico, Rows: 2400},
	{File: FileServiziSociali, Kind: KindContributoAffitto, Rows: 3000},
	{File: FileServiziSociali, Kind: KindEmergenzaAbitativa, Rows: 150},
	{File: FileServiziSociali, Kind: KindSostegnoEducativo, Rows: 900},
	{File: FileUfficioCasa, Kind: KindDomandaERP, Rows: 1200},
	{File: FileUfficioCasa, Kind: KindAssegnazioneERP, Rows: 150},
	{File: FileUfficioCasa, Kind: KindSfratto, Rows: 350},
	{File: FileAUSL, Kind: KindCronicita, Rows: 6000},
	{File: FileAUSL, Kind: KindDisabilita, Rows: 2500},
	{File: FileAUSL, Kind: KindSaluteMentale, Rows: 2000},
	{File: FileAUSL, Kind: KindDipendenze, Rows: 600},
	{File: FileAgenziaLavoro, Kind: KindIscrizioneCPI, Rows: 6000},
	{File: FileAgenziaLavoro, Kind: KindFormazione, Rows: 1500},
	{File: FileAgenziaLavoro, Kind: KindInserimento, Rows: 1200},
	{File: FileINAIL, Kind: KindInfortunio, Rows: 1800},
	{File: FileINAIL, Kind: KindMalattiaProf, Rows: 250},
}

// Temporary health codes at ReferenceResidents: persons with an STP or ENI code in the health
// file, of whom BaseTemporaryNonResidents are in no other file (not even the register); the
// others are registered residents whose health records carry the temporary code.
const (
	BaseTemporaryPersons      = 300
	BaseTemporaryNonResidents = 100
	temporaryENIShare         = 0.2 // ENI (EU citizens); the rest STP
	temporarySecondRow        = 1.0 / 3
	baseMortali               = 3 // fatal injuries (December only, people in no other file)
)

// scaledVolume is the volume of a kind for the given residents.
func scaledVolume(base, residents int) int {
	return int(math.Round(float64(base) * float64(residents) / ReferenceResidents))
}

func baseVolume(kind string) int {
	for _, k := range BaseVolumes {
		if k.Kind == kind {
			return k.Rows
		}
	}
	panic("synthetic: unknown kind " + kind)
}

// Bits of the sources a person appears in (under the fiscal code).
const (
	inSocial uint8 = 1 << iota
	inHousing
	inHealth
	inWork
	inInjury
)

// ISEE ceilings (euro) for access to economic support, rent support and public housing.
const (
	iseeEconomic = 9360.0
	iseeRent     = 17154.0
	iseeERP      = 17154.0
	// emergency housing has no ceiling of its own, but does not go to the well-off
	iseeEmergency = 60000.0
)

// selection temperature: keys are score*selectBeta + Gumbel noise.
const selectBeta = 1.6

// risks holds the latent and domain scores.
type risks struct {
	latent, poverty, housing []float64 // per household
	personal                 []float64 // per person: own frailty (illness, addiction, job loss)
	health, work, injury     []float64 // per person, before the kind's age terms
	referent                 []int32   // per household: the adult named on its applications
}

// drawRisks draws a latent vulnerability per household from place, household type and
// citizenship plus noise, a personal frailty per person, and domain scores as weighted sums of
// the two plus own noise. The household's referent (the adult who applies for support) is
// mostly its frailest adult, whose frailty also raises the household's poverty and housing
// scores: so the same people turn up at social services, the job centre and health services.
func drawRisks(rng *rand.Rand, c *city) risks {
	r := risks{
		latent:   make([]float64, len(c.hh)),
		poverty:  make([]float64, len(c.hh)),
		housing:  make([]float64, len(c.hh)),
		referent: make([]int32, len(c.hh)),
		personal: make([]float64, len(c.people)),
		health:   make([]float64, len(c.people)),
		work:     make([]float64, len(c.people)),
		injury:   make([]float64, len(c.people)),
	}
	for i := range c.people {
		r.personal[i] = rng.NormFloat64()
	}
	for i := range c.hh {
		h := &c.hh[i]
		l := 0.7*c.place[c.zoneOf[h.section]] + householdEffect(c, h) + 0.8*rng.NormFloat64()
		r.latent[i] = l
		ref := applicant(rng, c, i)
		if rng.Float64() < 0.7 {
			ref = frailestAdult(c, r.personal, i, ref)
		}
		r.referent[i] = int32(ref)
		v := r.personal[ref]
		r.poverty[i] = l + 0.5*v + 0.4*rng.NormFloat64()
		r.housing[i] = l + 0.3*v + 0.5*rng.NormFloat64()
	}
	for i, p := range c.people {
		l, v := r.latent[p.hh], r.personal[i]
		r.health[i] = 0.6*l + 0.8*v + 0.5*rng.NormFloat64()
		r.work[i] = 0.8*l + 0.7*v + 0.4*rng.NormFloat64()
		r.injury[i] = 0.4*l + 0.2*v + 0.8*rng.NormFloat64()
	}
	return r
}

// frailestAdult returns the adult of household hi with the highest personal frailty, or def
// when it has no adult.
func frailestAdult(c *city, personal []float64, hi, def int) int {
	h := c.hh[hi]
	best := def
	for k := int(h.first); k < int(h.first)+int(h.size); k++ {
		if c.people[k].age >= 18 && personal[k] > personal[best] {
			best = k
		}
	}
	return best
}

// householdEffect raises vulnerability for single parents, elderly people alone, large
// families and foreign citizens.
func householdEffect(c *city, h *household) float64 {
	e := 0.0
	switch h.typ {
	case monogenitore:
		e += 0.9
	case unipersonale:
		if c.people[h.first].age >= 75 {
			e += 0.5
		} else {
			e += 0.2
		}
	case altro:
		e += 0.3
	case coppiaConFigli:
		if h.size >= 5 {
			e += 0.4
		}
	}
	switch h.cit {
	case nonUE:
		e += 1.0
	case ue:
		e += 0.4
	}
	return e
}

// healthAge is the age (and sex) term of a health kind.
func healthAge(kind string, age int, female bool) float64 {
	a := float64(age)
	switch kind {
	case KindCronicita:
		return 0.09 * (a - 50)
	case KindDisabilita:
		return 0.03 * (a - 40)
	case KindDipendenze:
		if age < 15 {
			return -4
		}
		m := 0.0
		if !female {
			m = 0.6
		}
		return m - math.Abs(a-35)/15
	}
	if age < 12 { // mental-health services: mostly adults of working age
		return -3
	}
	return -math.Abs(a-40) / 20
}

// notEligible pushes a unit out of a selection.
const notEligible = -1e9

// topN returns the indices of the n largest score*selectBeta + Gumbel keys, ascending; units
// scoring notEligible are never chosen.
func topN(rng *rand.Rand, n int, score func(i int) float64, count int) []int {
	keys := make([]float64, count)
	idx := make([]int, 0, count)
	for i := range keys {
		s := score(i)
		keys[i] = s*selectBeta + gumbel(rng)
		if s > notEligible/2 {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Or(cmp.Compare(keys[b], keys[a]), cmp.Compare(a, b)) })
	sel := idx[:min(n, len(idx))]
	slices.Sort(sel)
	return sel
}

// topNBoost selects like topN, then raises each eligible unit's key by boost(i) (the log of the
// factor on its odds): the units selected are those whose raised key reaches the n-th largest
// key of the draw without boosts, so a unit with no boost is selected exactly when topN would
// select it, and the number selected grows or shrinks with the boosts. A nil boost is topN.
//
// It also returns each selected unit's intensity λ = exp(score*selectBeta − threshold): with
// Gumbel noise, a unit whose odds are multiplied by m is selected with probability
// 1 − exp(−m λ), which saturates where λ is large (see quarterWeight). Without a boost, or when
// every eligible unit is selected, the intensities are nil.
func topNBoost(rng *rand.Rand, n int, score func(i int) float64, boost func(i int) float64, count int) ([]int, []float64) {
	if boost == nil {
		return topN(rng, n, score, count), nil
	}
	keys := make([]float64, count)
	base := make([]float64, count)
	idx := make([]int, 0, count)
	for i := range keys {
		s := score(i)
		base[i] = s * selectBeta
		keys[i] = base[i] + gumbel(rng)
		if s > notEligible/2 {
			idx = append(idx, i)
		}
	}
	if n <= 0 {
		return nil, nil
	}
	if n >= len(idx) {
		return idx, nil
	}
	// the n-th largest key (sorting the keys alone is much faster than topN's sort of indices)
	eligibleKeys := make([]float64, len(idx))
	for k, i := range idx {
		eligibleKeys[k] = keys[i]
	}
	slices.Sort(eligibleKeys)
	threshold := eligibleKeys[len(eligibleKeys)-n]
	var sel []int
	var lambda []float64
	for _, i := range idx {
		if keys[i]+boost(i) >= threshold {
			sel = append(sel, i)
			lambda = append(lambda, math.Exp(base[i]-threshold))
		}
	}
	return sel, lambda
}

// intensity is lambda[k], or 0 (no saturation) when lambda is nil.
func intensity(lambda []float64, k int) float64 {
	if lambda == nil {
		return 0
	}
	return lambda[k]
}

// quarterWeight is how much more likely a unit of intensity λ is to be selected in a quarter of
// multiplier m than in one of multiplier 0: (1 − exp(−m λ)) / λ, which is m when λ is small
// (rare events: the rate follows the multiplier) and flattens towards 1/λ where the unit would be
// selected anyway. λ = 0 means small.
func quarterWeight(m, lambda float64) float64 {
	switch {
	case lambda <= 0 || m*lambda < 1e-9:
		return m
	case math.IsInf(lambda, 1) || lambda > 1e12:
		return 1
	}
	return -math.Expm1(-m*lambda) / lambda
}

func gumbel(rng *rand.Rand) float64 {
	u := rng.Float64()
	for u == 0 {
		u = rng.Float64()
	}
	return -math.Log(-math.Log(u))
}

// row is one line of an agency file, kept with its date for sorting.
type row struct {
	date time.Time
	line string
}

// sortRows orders rows by date, then text.
func sortRows(rows []row) {
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(a.date.Compare(b.date), cmp.Compare(a.line, b.line))
	})
}

func lines(rows []row) []string {
	sortRows(rows)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.line
	}
	return out
}

// dayIn returns a uniform random day of year.
func dayIn(rng *rand.Rand, year int) time.Time {
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	return start.AddDate(0, 0, rng.IntN(daysIn(year)))
}

func daysIn(year int) int {
	return int(time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC).Sub(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

func lastDay(year int) time.Time { return time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC) }

// daysLeft is the number of days from t to 31 December.
func daysLeft(t time.Time) int { return int(lastDay(t.Year()).Sub(t).Hours() / 24) }

// after returns a date lo..hi days after t (hi capped at 31 December); ok is false when not even
// lo days are left in the year.
func after(rng *rand.Rand, t time.Time, lo, hi int) (time.Time, bool) {
	hi = min(hi, daysLeft(t))
	if hi < lo {
		return t, false
	}
	return t.AddDate(0, 0, lo+rng.IntN(hi-lo+1)), true
}

// lognormalAmount draws an amount around median, rounded to 50 € and clamped to [lo, hi].
func lognormalAmount(rng *rand.Rand, median, sigma, lo, hi float64) float64 {
	v := math.Round(median*math.Exp(sigma*rng.NormFloat64())/50) * 50
	return min(hi, max(lo, v))
}
