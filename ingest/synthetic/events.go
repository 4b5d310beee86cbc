package synthetic

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Event kinds, as written in the agency files.
const (
	KindContributoEconomico = "CONTRIBUTO_ECONOMICO"
	KindContributoAffitto   = "CONTRIBUTO_AFFITTO"
	KindSfratto             = "SFRATTO"
	KindDomandaERP          = "DOMANDA_ERP"
	KindCronicita           = "CRONICITA"
	KindDisabilita          = "DISABILITA"
	KindSaluteMentale       = "SALUTE_MENTALE"
)

// ReferenceResidents is the population the base volumes refer to.
const ReferenceResidents = 185000

// BaseVolumes are the yearly volumes for ReferenceResidents residents (households for social
// services and the housing office, persons for the health authority); Generate scales them
// linearly with Config.Residents.
var BaseVolumes = []KindRows{
	{File: FileServiziSociali, Kind: KindContributoEconomico, Rows: 2400},
	{File: FileServiziSociali, Kind: KindContributoAffitto, Rows: 3000},
	{File: FileUfficioCasa, Kind: KindSfratto, Rows: 350},
	{File: FileUfficioCasa, Kind: KindDomandaERP, Rows: 1200},
	{File: FileAUSL, Kind: KindCronicita, Rows: 6000},
	{File: FileAUSL, Kind: KindDisabilita, Rows: 2500},
	{File: FileAUSL, Kind: KindSaluteMentale, Rows: 2000},
}

// scaledVolume is the volume of a kind for the given residents.
func scaledVolume(base, residents int) int {
	return int(math.Round(float64(base) * float64(residents) / ReferenceResidents))
}

// selection temperature: keys are score*selectBeta + Gumbel noise.
const selectBeta = 1.0

// risks holds the latent and domain scores.
type risks struct {
	latent, poverty, housing []float64 // per household
	health                   []float64 // per person, before the kind's age term
}

// drawRisks draws a latent vulnerability per household from place, household type and
// citizenship plus noise, and domain scores as latent*weight + own noise.
func drawRisks(rng *rand.Rand, c *city) risks {
	r := risks{
		latent:  make([]float64, len(c.hh)),
		poverty: make([]float64, len(c.hh)),
		housing: make([]float64, len(c.hh)),
		health:  make([]float64, len(c.people)),
	}
	for i := range c.hh {
		h := &c.hh[i]
		l := 0.7*c.place[c.zoneOf[h.section]] + householdEffect(c, h) + 0.8*rng.NormFloat64()
		r.latent[i] = l
		r.poverty[i] = l + 0.6*rng.NormFloat64()
		r.housing[i] = l + 0.6*rng.NormFloat64()
	}
	for i, p := range c.people {
		r.health[i] = 0.5*r.latent[p.hh] + 0.8*rng.NormFloat64()
	}
	return r
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

// healthAge is the age term of a health kind.
func healthAge(kind string, age int) float64 {
	a := float64(age)
	switch kind {
	case KindCronicita:
		return 0.09 * (a - 50)
	case KindDisabilita:
		return 0.03 * (a - 40)
	}
	if age < 12 { // mental-health services: mostly adults of working age
		return -3
	}
	return -math.Abs(a-40) / 20
}

// topN returns the indices of the n largest score*selectBeta + Gumbel keys, ascending.
func topN(rng *rand.Rand, n int, score func(i int) float64, count int) []int {
	keys := make([]float64, count)
	for i := range keys {
		keys[i] = score(i)*selectBeta + gumbel(rng)
	}
	idx := make([]int, count)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(keys[b], keys[a]) })
	sel := idx[:min(n, count)]
	slices.Sort(sel)
	return sel
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

// dayIn returns a uniform random day of year.
func dayIn(rng *rand.Rand, year int) time.Time {
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
	return start.AddDate(0, 0, rng.IntN(days))
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

// lognormalAmount draws an amount around median, rounded to 50 € and clamped to [lo, hi].
func lognormalAmount(rng *rand.Rand, median, sigma, lo, hi float64) float64 {
	v := math.Round(median*math.Exp(sigma*rng.NormFloat64())/50) * 50
	return min(hi, max(lo, v))
}
