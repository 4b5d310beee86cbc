package democity

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/ingest/source"
	"github.com/uber/h3-go/v4"
)

// History with dynamics (Config.HistoryYears): the agency files cover the HistoryYears years
// before Config.Year and Config.Year itself, quarter by quarter, and the need in them moves. The
// generator plants a few effects, each a multiplier per quarter on the odds of some event kinds
// in some area, and writes them to dynamics.json (Dynamics) so that an analysis can be scored
// against them. With the default three years (16 quarters):
//
//   - emerging_hot: a compact group of three or four H3 resolution-8 cells (2-5% of the city's
//     households, about 2-3 km²; clusterRuleLevels relaxes this in a small city) where poverty
//     and housing need (economic support, rent support, public-housing applications) appear in
//     the last six quarters and grow to 5 times the baseline odds in the last one, about 2.5-3
//     times the rate (need there is common enough to saturate). It lies where need was above
//     the city's but not the highest (place score between the 60th and 90th percentiles of the
//     households'): Gi* compares an area with the whole city, so a cluster of 4 times a low rate
//     does not stand out, and one that was already a hot spot cannot emerge;
//   - fading_hot: another such group, at least three cells away, where housing and health need
//     were 3 times the baseline odds until two years before the last, declined through the year
//     before the last and are back to the baseline in the last year;
//   - rising_district, falling_district: two districts each where poverty, housing, health and
//     job-centre need rise steadily from 0.55 times the baseline to it (or fall from 1.8 times
//     to it) over the whole history, so that the last year is as without history;
//   - seasonal: in the whole city, health and emergency-housing need are higher in the first and
//     fourth quarters (factors averaging 1 over the year, so volumes are unchanged);
//   - lead: in two districts a wave of eviction filings and job-centre registrations (1.8, 2.5,
//     2.5, 1.8, 1.3, 1.1 times the baseline over six quarters, starting 11 quarters before the
//     end in one district and 13 in the other, so over before the last year) is followed by the
//     same wave of rent support and emergency housing one quarter later in the first, two
//     quarters later in the second.
//
// The lead districts are two of the third to sixth districts by need (many events, but not the
// districts that make most of the city's); the clusters avoid them; the rising and falling
// districts are among the others outside the six of most need and hold no household of a
// cluster. So the areas do not overlap.
//
// How a multiplier acts. Every kind is drawn year by year as without history: the N units
// (households or persons) with the largest keys score*selectBeta + Gumbel noise, which is
// sampling without replacement with weights exp(score*selectBeta). With effects, the threshold
// is the N-th largest key of the draw without effects, and a unit inside an effect is selected
// when its key plus log M clears it, M being the year's mean multiplier of its area: outside
// the effects a unit is selected exactly when it would be without them, so the rest of the city
// stays as it is, and inside the odds of selection are multiplied by M (the rate by about M
// where the kind is rare, less where it is common). The year's volume of a kind is its base
// volume plus the excess the effects bring (or minus their shortfall). Each selected unit's
// date falls in a quarter drawn with weights days × quarterWeight(the quarter's multiplier, the
// unit's intensity) × seasonal factor, then on a uniform day of it: the quarters share the
// year's events as separate draws with their own multipliers would, so the counts of an area
// follow its multipliers quarter by quarter. Emergency housing that follows an eviction (most
// of it) is drawn among the evicted households with the odds multiplied by the ratio of the two
// kinds' multipliers and seasonal factors in the eviction's quarter: that is how the emergency
// housing of a lead district lags its evictions. Kinds drawn among the units of another
// (allocations among applicants, placements and training among job seekers) follow them and are
// not multiplied themselves.
//
// The effects' places come from the seed (a stream of their own); the multipliers and shapes
// are fixed. Ages move with the years: a person is three years younger in the first of four
// years, and is not drawn before birth, nor named on a household's applications before 18.

// FileDynamics is the truth file Generate writes next to the agency files.
const FileDynamics = "dynamics.json"

// DefaultHistoryYears is the number of years before Config.Year the command writes by default.
const DefaultHistoryYears = 3

// MaxHistoryYears bounds Config.HistoryYears: a fiscal code's two-digit year is read against the
// event's date, and nobody in the register may look born after an event of theirs.
const MaxHistoryYears = 10

// Effect kinds of Dynamics.
const (
	EffectEmergingHot     = "emerging_hot"
	EffectFadingHot       = "fading_hot"
	EffectRisingDistrict  = "rising_district"
	EffectFallingDistrict = "falling_district"
	EffectSeasonal        = "seasonal"
	EffectLead            = "lead"
)

// Scopes of an effect.
const (
	ScopeCity      = "city"
	ScopeDistricts = "districts"
	ScopeH3r8      = "h3_8"
)

// Dynamics is the truth of the history Generate plants, written to dynamics.json.
type Dynamics struct {
	Seed      uint64 `json:"seed"`
	FirstYear int    `json:"first_year"`
	LastYear  int    `json:"last_year"`
	// Quarters are the quarters of the files, oldest first ("2022-Q1" ... "2025-Q4"); every
	// multipliers array below has one value per quarter, in this order.
	Quarters []string `json:"quarters"`
	// Model says in a sentence how a multiplier acts on the events.
	Model   string   `json:"model"`
	Effects []Effect `json:"effects"`
}

// Effect is one planted effect.
type Effect struct {
	ID   string `json:"id"`   // e.g. "emerging_hot_1"
	Kind string `json:"kind"` // one of the Effect* constants
	// Domains are the domains of need (abitare.Domains) of EventKinds; EventKinds the agency
	// codes (Kind*) whose odds the multipliers scale in the effect's area.
	Domains    []string `json:"domains"`
	EventKinds []string `json:"event_kinds"`
	// Scope is ScopeCity (seasonal effects), ScopeDistricts (Districts) or ScopeH3r8 (H3r8).
	Scope string `json:"scope"`
	// Districts are district ids as loaded from sezioni.geojson's ZONA_OMI (036023/D31; in the
	// province, a comune other than Modena is its own district, 036005).
	Districts []string `json:"districts,omitempty"`
	// H3r8 are the resolution-8 cells of a cluster: a household is inside when the
	// resolution-10 cell of its point (the cell ingest places its records in) has one of them as
	// ancestor. H3r9 are their resolution-9 children that hold households, Sections the
	// sections with at least half of their households inside.
	H3r8     []string `json:"h3_8,omitempty"`
	H3r9     []string `json:"h3_9,omitempty"`
	Sections []string `json:"sections,omitempty"`
	// Households and Residents inside the area (0 for the city).
	Households int `json:"households"`
	Residents  int `json:"residents"`
	// AreaKm2 is the area of the H3 cells of a cluster.
	AreaKm2 float64 `json:"area_km2,omitempty"`
	// Multipliers scale the odds of EventKinds in the area (the rate by about as much where the
	// kind is rare, less where it is common), one per quarter of Dynamics.Quarters (1: as
	// without the effect; for seasonal effects, the factor on the quarter's share of the year).
	// ActiveQuarters are those where it is not 1; Peak and Trough are the largest and smallest
	// multipliers, PeakQuarter and TroughQuarter the first quarters they hold in.
	Multipliers    []float64 `json:"multipliers"`
	ActiveQuarters []string  `json:"active_quarters"`
	Peak           float64   `json:"peak"`
	PeakQuarter    string    `json:"peak_quarter"`
	Trough         float64   `json:"trough"`
	TroughQuarter  string    `json:"trough_quarter"`
	// A lead effect's Domains, EventKinds and Multipliers are the leading sources'; the led
	// ones follow with the same multipliers LagQuarters later (LedMultipliers[q] =
	// Multipliers[q-LagQuarters]).
	LagQuarters    int       `json:"lag_quarters,omitempty"`
	LedDomains     []string  `json:"led_domains,omitempty"`
	LedEventKinds  []string  `json:"led_event_kinds,omitempty"`
	LedMultipliers []float64 `json:"led_multipliers,omitempty"`
}

// dynamicsModel is Dynamics.Model.
const dynamicsModel = "Multipliers act on odds. Each year every kind selects the households or persons whose key score*1.6+Gumbel clears the threshold of the draw without effects, the key of a unit inside an effect raised by the log of the year's mean multiplier of its area: outside the effects a unit is selected exactly as without them, inside its odds are multiplied (its rate by about as much unless the kind is common there). A selected unit's event falls in a quarter drawn with weights days * (1-exp(-m*lambda))/lambda * seasonal factor, m the quarter's multiplier and lambda the unit's intensity exp(score*1.6-threshold), so that the quarters share the year's events as separate draws would. Emergency housing after an eviction is drawn among the evicted with the odds multiplied by the ratio of the emergency-housing and eviction multipliers (and seasonal factors) in the eviction's quarter."

// streamDynamics is the random stream that places the effects.
const streamDynamics = 0xd1a5ca1e

// kindDomain is the domain an event kind counts towards, as ingest/source defines it.
func kindDomain(kind string) string {
	for _, name := range source.Names() {
		if src, err := source.Lookup(name); err == nil {
			if k, ok := src.Kinds[kind]; ok {
				return k.Domain
			}
		}
	}
	return ""
}

// The event kinds of each effect.
var (
	housingKinds  = []string{KindContributoAffitto, KindEmergenzaAbitativa, KindDomandaERP, KindSfratto}
	healthKinds4  = []string{KindCronicita, KindDisabilita, KindSaluteMentale, KindDipendenze}
	emergingKinds = []string{KindContributoEconomico, KindContributoAffitto, KindDomandaERP}
	fadingKinds   = append(slices.Clone(housingKinds), healthKinds4...)
	districtKinds = append(append(append([]string{KindContributoEconomico}, housingKinds...), healthKinds4...), KindIscrizioneCPI)
	leadingKinds  = []string{KindSfratto, KindIscrizioneCPI}
	ledKinds      = []string{KindContributoAffitto, KindEmergenzaAbitativa}
)

// Seasonal factors by quarter of the year (mean 1).
var (
	seasonHealth    = [4]float64{1.2, 0.9, 0.8, 1.1}
	seasonEmergency = [4]float64{1.3, 0.85, 0.7, 1.15}
)

// Shapes of the effects.
const (
	emergingQuarters = 6   // the emerging cluster grows over the last six quarters ...
	emergingPeak     = 5.0 // ... to this multiplier in the last
	// the emerging cluster lies where the households' place score is between these quantiles:
	// need there is above the city's but not the highest, so that the cluster is not a hot spot
	// before it emerges and is one after (Gi* compares an area with the whole city; where need
	// is lower, even 4 times it does not stand out, and the emerging cluster goes unseen)
	emergingPlaceLo  = 0.6
	emergingPlaceHi  = 0.9
	fadingLevel      = 3.0 // the fading cluster's multiplier until two years before the last
	risingFrom       = 0.55
	fallingFrom      = 1.8
	districtMinShare = 0.01 // households of a district eligible for an effect
)

// leadWave is the leading kinds' multiplier from the wave's first quarter on (1 before it, the
// last value after the end).
var leadWave = []float64{1.8, 2.5, 2.5, 1.8, 1.3, 1.1, 1}

// plan is the planted history: the quarters, the effects with the households inside their
// areas, and the multipliers by kind.
type plan struct {
	first, last int // years
	quarters    int
	// per household: bit e set when it lies in the area of areaEffects[e]
	member      []uint16
	areaEffects []areaEffect
	season      map[string][4]float64
	truth       Dynamics
}

// areaEffect is an effect tied to an area: its multiplier path per kind.
type areaEffect struct {
	paths map[string][]float64 // kind -> multiplier per quarter
}

// quarterIndex is the index of the quarter holding t in the plan's quarters.
func (p *plan) quarterIndex(t time.Time) int {
	return (t.Year()-p.first)*4 + int(t.Month()-1)/3
}

// mult is the multiplier of kind for household hi in quarter q (areas only, no season).
func (p *plan) mult(kind string, hi, q int) float64 {
	m := 1.0
	bits := p.member[hi]
	for e := 0; bits != 0; e, bits = e+1, bits>>1 {
		if bits&1 != 0 {
			if path, ok := p.areaEffects[e].paths[kind]; ok {
				m *= path[q]
			}
		}
	}
	return m
}

// seasonOf is the seasonal factor of kind in quarter q.
func (p *plan) seasonOf(kind string, q int) float64 {
	if s, ok := p.season[kind]; ok {
		return s[q%4]
	}
	return 1
}

// yearMean is the mean multiplier of kind for household hi over the quarters of year.
func (p *plan) yearMean(kind string, hi, year int) float64 {
	if p.member[hi] == 0 {
		return 1
	}
	q0 := (year - p.first) * 4
	s := 0.0
	for q := q0; q < q0+4; q++ {
		s += p.mult(kind, hi, q)
	}
	return s / 4
}

// quarterLabel writes quarter q of the plan as 2025-Q2.
func (p *plan) quarterLabel(q int) string {
	return fmt.Sprintf("%d-Q%d", p.first+q/4, q%4+1)
}

// newPlan places the effects for cfg in city c, from the seed.
func newPlan(c *city, cfg Config) *plan {
	rng := rand.New(rand.NewPCG(cfg.Seed, streamDynamics))
	p := &plan{first: cfg.Year - cfg.HistoryYears, last: cfg.Year, quarters: 4 * (cfg.HistoryYears + 1),
		member: make([]uint16, len(c.hh)), season: map[string][4]float64{}}
	p.truth = Dynamics{Seed: cfg.Seed, FirstYear: p.first, LastYear: p.last, Model: dynamicsModel, Effects: []Effect{}}
	for q := range p.quarters {
		p.truth.Quarters = append(p.truth.Quarters, p.quarterLabel(q))
	}
	T := p.quarters
	geo := newCityCells(c)
	ds := districtsOf(c)
	big := func(id string) bool { return float64(ds.households[id]) >= districtMinShare*float64(len(c.hh)) }

	// leads where the counts are large but not the largest (a wave there would swell the whole
	// city's volumes): two of the third to sixth districts by need
	var byNeed []string
	for _, id := range ds.ids {
		if big(id) {
			byNeed = append(byNeed, id)
		}
	}
	slices.SortStableFunc(byNeed, func(a, b string) int { return cmp.Compare(ds.mass[b], ds.mass[a]) })
	var leads []string
	if len(byNeed) >= 10 {
		top := slices.Clone(byNeed[2:6])
		rng.Shuffle(len(top), func(i, j int) { top[i], top[j] = top[j], top[i] })
		leads = top[:2]
	}
	// the clusters, outside the lead districts: the emerging one where need was ordinary, the
	// fading one where it was ordinary or higher, away from the emerging one
	outsideLeads := func(zi int) bool { return !slices.Contains(leads, ds.of[zi]) }
	emerging := geo.pickCluster(rng, func(cl cluster) bool {
		return cl.place >= geo.placeQuantile(emergingPlaceLo) && cl.place <= geo.placeQuantile(emergingPlaceHi)
	}, outsideLeads, nil)
	var taken []h3.Cell
	if emerging != nil {
		taken = emerging.cells
	}
	fading := geo.pickCluster(rng, func(cl cluster) bool { return cl.place >= geo.placeQuantile(0.5) }, outsideLeads, taken)
	// rising and falling districts: two each among the others, outside the six of most need (whose
	// volumes would swing the city's) and holding no household of a cluster
	used := map[string]bool{}
	for _, cl := range []*cluster{emerging, fading} {
		if cl != nil {
			for _, zi := range cl.zones {
				used[ds.of[zi]] = true
			}
		}
	}
	var rest []string
	for _, id := range ds.ids {
		if big(id) && !used[id] && !slices.Contains(byNeed[:min(6, len(byNeed))], id) {
			rest = append(rest, id)
		}
	}
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	rest = rest[:min(4, len(rest))]

	if emerging != nil {
		path := ones(T)
		for k := range emergingQuarters {
			if q := T - emergingQuarters + k; q >= 0 {
				path[q] = round3(1 + (emergingPeak-1)*float64(k+1)/emergingQuarters)
			}
		}
		p.addCluster(c, geo, EffectEmergingHot, emerging, emergingKinds, path)
	}
	if fading != nil {
		path := ones(T)
		for q := range T {
			switch d := q - (T - 8); {
			case d < 0:
				path[q] = fadingLevel
			case d < 4: // the year before the last: 2.6, 2.2, 1.8, 1.4
				path[q] = round2(fadingLevel - (fadingLevel-1)*float64(d+1)/5)
			}
		}
		p.addCluster(c, geo, EffectFadingHot, fading, fadingKinds, path)
	}
	for k, id := range rest {
		path := ones(T)
		kind, from := EffectRisingDistrict, risingFrom
		if k%2 == 1 {
			kind, from = EffectFallingDistrict, fallingFrom
		}
		for q := range T {
			if T > 1 {
				path[q] = round3(math.Pow(from, float64(T-1-q)/float64(T-1)))
			}
		}
		p.addDistricts(c, ds, kind, []string{id}, districtKinds, path, nil, 0)
	}
	// lead waves: lag 1 starting 11 quarters before the end, lag 2 starting 13 before
	for k, id := range leads {
		lag, start := 1, T-11
		if k == 1 {
			lag, start = 2, T-13
		}
		start = max(start, 1)
		lead := ones(T)
		for q := range T {
			if d := q - start; d >= 0 {
				lead[q] = leadWave[min(d, len(leadWave)-1)]
			}
		}
		led := ones(T)
		for q := range T {
			if q-lag >= 0 {
				led[q] = lead[q-lag]
			}
		}
		p.addDistricts(c, ds, EffectLead, []string{id}, leadingKinds, lead, led, lag)
	}

	// seasons, for the whole city
	for _, s := range []struct {
		kinds  []string
		factor [4]float64
	}{{healthKinds4, seasonHealth}, {[]string{KindEmergenzaAbitativa}, seasonEmergency}} {
		path := make([]float64, T)
		for q := range T {
			path[q] = s.factor[q%4]
		}
		for _, k := range s.kinds {
			p.season[k] = s.factor
		}
		p.truth.Effects = append(p.truth.Effects, p.effect(EffectSeasonal, s.kinds, ScopeCity, path))
	}
	return p
}

func ones(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// effect fills the fields every effect has.
func (p *plan) effect(kind string, kinds []string, scope string, path []float64) Effect {
	n := 1
	for _, e := range p.truth.Effects {
		if e.Kind == kind {
			n++
		}
	}
	e := Effect{ID: fmt.Sprintf("%s_%d", kind, n), Kind: kind, Domains: domainsOf(kinds), EventKinds: slices.Clone(kinds),
		Scope: scope, Multipliers: path, ActiveQuarters: []string{}}
	for q, m := range path {
		if m != 1 {
			e.ActiveQuarters = append(e.ActiveQuarters, p.quarterLabel(q))
		}
		if q == 0 || m > e.Peak {
			e.Peak, e.PeakQuarter = m, p.quarterLabel(q)
		}
		if q == 0 || m < e.Trough {
			e.Trough, e.TroughQuarter = m, p.quarterLabel(q)
		}
	}
	return e
}

// domainsOf lists the domains of kinds, in the order of abitare.Domains.
func domainsOf(kinds []string) []string {
	var out []string
	for _, d := range abitare.Domains {
		for _, k := range kinds {
			if kindDomain(k) == d {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

// addArea registers an area effect over the households for which in is true.
func (p *plan) addArea(c *city, in func(hi int) bool, paths map[string][]float64) (bit int, households, residents int) {
	bit = len(p.areaEffects)
	if bit >= 16 {
		panic("synthetic: too many area effects")
	}
	p.areaEffects = append(p.areaEffects, areaEffect{paths: paths})
	for hi := range c.hh {
		if in(hi) {
			p.member[hi] |= 1 << bit
			households++
			residents += int(c.hh[hi].size)
		}
	}
	return bit, households, residents
}

// addCluster plants an effect over a cluster of H3 cells.
func (p *plan) addCluster(c *city, geo *cityCells, kind string, cl *cluster, kinds []string, path []float64) {
	paths := map[string][]float64{}
	for _, k := range kinds {
		paths[k] = path
	}
	inCells := map[h3.Cell]bool{}
	for _, cell := range cl.cells {
		inCells[cell] = true
	}
	_, nh, nr := p.addArea(c, func(hi int) bool { return inCells[geo.cell8[hi]] }, paths)
	e := p.effect(kind, kinds, ScopeH3r8, path)
	e.Households, e.Residents = nh, nr
	r9 := map[h3.Cell]bool{}
	secIn, secAll := map[int]int{}, map[int]int{}
	for hi, h := range c.hh {
		secAll[int(h.section)]++
		if inCells[geo.cell8[hi]] {
			r9[geo.cell10[hi].Parent(9)] = true
			secIn[int(h.section)]++
		}
	}
	for _, cell := range cl.cells {
		e.H3r8 = append(e.H3r8, cell.String())
		e.AreaKm2 += h3.CellAreaKm2(cell)
	}
	e.AreaKm2 = round3(e.AreaKm2)
	for cell := range r9 {
		e.H3r9 = append(e.H3r9, cell.String())
	}
	for s, n := range secIn {
		if 2*n >= secAll[s] {
			e.Sections = append(e.Sections, c.sections[s].ID)
		}
	}
	slices.Sort(e.H3r8)
	slices.Sort(e.H3r9)
	slices.Sort(e.Sections)
	p.truth.Effects = append(p.truth.Effects, e)
}

// addDistricts plants an effect over whole districts; led and lag are a lead effect's.
func (p *plan) addDistricts(c *city, ds *districtSet, kind string, ids []string, kinds []string, path, led []float64, lag int) {
	paths := map[string][]float64{}
	for _, k := range kinds {
		paths[k] = path
	}
	if led != nil {
		for _, k := range ledKinds {
			paths[k] = led
		}
	}
	_, nh, nr := p.addArea(c, func(hi int) bool {
		return slices.Contains(ids, ds.of[c.zoneOf[c.hh[hi].section]])
	}, paths)
	e := p.effect(kind, kinds, ScopeDistricts, path)
	e.Districts = slices.Clone(ids)
	e.Households, e.Residents = nh, nr
	if led != nil {
		e.LagQuarters, e.LedDomains, e.LedEventKinds, e.LedMultipliers = lag, domainsOf(ledKinds), slices.Clone(ledKinds), led
	}
	p.truth.Effects = append(p.truth.Effects, e)
}

// districtSet is the city's districts: OMI zones in the city; in the province Modena's OMI
// zones and every other comune.
type districtSet struct {
	ids        []string       // sorted
	of         []string       // zone index -> district id
	households map[string]int // per district
	// mass is the district's expected need: its households weighted by exp(selectBeta*0.7*place),
	// the odds the place alone gives them in a selection
	mass map[string]float64
}

func districtsOf(c *city) *districtSet {
	ds := &districtSet{of: make([]string, len(c.zones)), households: map[string]int{}, mass: map[string]float64{}}
	for i, z := range c.zones {
		if c.district != nil {
			ds.of[i] = c.district[i]
		} else {
			ds.of[i] = istatComune + "/" + z.Code
		}
	}
	for _, h := range c.hh {
		zi := c.zoneOf[h.section]
		id := ds.of[zi]
		ds.households[id]++
		ds.mass[id] += math.Exp(selectBeta * 0.7 * c.place[zi])
	}
	for id := range ds.households {
		ds.ids = append(ds.ids, id)
	}
	slices.Sort(ds.ids)
	return ds
}

// cityCells places the households on the H3 grid as ingest places their records.
type cityCells struct {
	cell10, cell8 []h3.Cell // per household
	households    map[h3.Cell]int
	place         map[h3.Cell]float64 // households' mean place score
	zones         map[h3.Cell][]int   // the zones of its households, sorted
	cells         []h3.Cell           // populated resolution-8 cells, sorted
	total         int
	places        []float64 // the place score of every household, sorted
}

// placeQuantile is the q quantile of the households' place scores.
func (g *cityCells) placeQuantile(q float64) float64 {
	if len(g.places) == 0 {
		return 0
	}
	return g.places[min(len(g.places)-1, int(q*float64(len(g.places))))]
}

func newCityCells(c *city) *cityCells {
	g := &cityCells{cell10: make([]h3.Cell, len(c.hh)), cell8: make([]h3.Cell, len(c.hh)),
		households: map[h3.Cell]int{}, place: map[h3.Cell]float64{}, zones: map[h3.Cell][]int{}, total: len(c.hh)}
	places := make([]float64, len(c.hh))
	for hi, h := range c.hh {
		// the point as the files write it (6 decimals), in its resolution-10 cell and that
		// cell's resolution-8 ancestor, as ingest places it
		pt := h.pt
		pt[0], pt[1] = round6(pt[0]), round6(pt[1])
		g.cell10[hi] = hexgrid.Cell(pt, hexgrid.FinestResolution)
		g.cell8[hi] = g.cell10[hi].Parent(8)
		g.households[g.cell8[hi]]++
		zi := c.zoneOf[h.section]
		places[hi] = c.place[zi]
		g.place[g.cell8[hi]] += places[hi]
		if zs := g.zones[g.cell8[hi]]; !slices.Contains(zs, zi) {
			zs = append(zs, zi)
			slices.Sort(zs)
			g.zones[g.cell8[hi]] = zs
		}
	}
	for cell, n := range g.households {
		g.place[cell] /= float64(n)
		g.cells = append(g.cells, cell)
	}
	slices.Sort(g.cells)
	slices.Sort(places)
	g.places = places
	return g
}

// cluster is a compact group of resolution-8 cells: a centre and its most populated neighbours.
type cluster struct {
	cells      []h3.Cell // the centre first
	households int
	place      float64 // households' mean place score
	zones      []int   // the zones its households live in, sorted
}

// clusterRules are the conditions a cluster must meet; pickCluster relaxes them in turn until
// some cluster meets them (a small city has few dense cells).
type clusterRules struct {
	neighbours         int     // populated neighbours of the centre, at least
	centreQuantile     float64 // the centre's households at least this quantile of the cells'
	minCells, maxCells int
	minShare, maxShare float64 // of the city's households
	ignorePlace        bool
}

var clusterRuleLevels = []clusterRules{
	{neighbours: 6, centreQuantile: 0.5, minCells: 3, maxCells: 4, minShare: 0.02, maxShare: 0.05},
	{neighbours: 5, centreQuantile: 0.25, minCells: 2, maxCells: 4, minShare: 0.015, maxShare: 0.08},
	{neighbours: 4, centreQuantile: 0, minCells: 2, maxCells: 5, minShare: 0.01, maxShare: 0.10},
	{neighbours: 3, centreQuantile: 0, minCells: 2, maxCells: 5, minShare: 0.005, maxShare: 0.15, ignorePlace: true},
}

// pickCluster draws a cluster among those that fit: a centre inside the town (its neighbours
// populated) and among the denser cells, grown by its most populated neighbours to at least
// minCells cells and until it holds minShare of the city's households (at most maxCells cells
// and maxShare), whose place score ok accepts, whose households all live in zones zoneOK
// accepts, at least three cells from every cell of avoid. The first level of
// clusterRuleLevels with a candidate decides.
func (g *cityCells) pickCluster(rng *rand.Rand, ok func(cluster) bool, zoneOK func(zi int) bool, avoid []h3.Cell) *cluster {
	counts := make([]int, 0, len(g.cells))
	for _, cell := range g.cells {
		counts = append(counts, g.households[cell])
	}
	slices.Sort(counts)
	if len(counts) == 0 {
		return nil
	}
	for _, rules := range clusterRuleLevels {
		minCentre := counts[min(len(counts)-1, int(rules.centreQuantile*float64(len(counts))))]
		var cands []cluster
		for _, centre := range g.cells {
			if cl, fits := g.grow(centre, minCentre, rules); fits && (rules.ignorePlace || ok(cl)) &&
				!tooClose(cl.cells, avoid, 3) && allZones(cl.zones, zoneOK) {
				cands = append(cands, cl)
			}
		}
		if len(cands) > 0 {
			cl := cands[rng.IntN(len(cands))]
			return &cl
		}
	}
	return nil
}

// grow builds the cluster around centre under rules.
func (g *cityCells) grow(centre h3.Cell, minCentre int, rules clusterRules) (cluster, bool) {
	if g.households[centre] < max(1, minCentre) {
		return cluster{}, false
	}
	var nb []h3.Cell
	populated := 0
	for _, n := range centre.GridDisk(1) {
		if n == centre {
			continue
		}
		if g.households[n] > 0 {
			populated++
			nb = append(nb, n)
		}
	}
	if populated < rules.neighbours {
		return cluster{}, false
	}
	slices.SortFunc(nb, func(a, b h3.Cell) int {
		return cmp.Or(cmp.Compare(g.households[b], g.households[a]), cmp.Compare(a, b))
	})
	cl := cluster{cells: []h3.Cell{centre}, households: g.households[centre]}
	for _, n := range nb {
		if len(cl.cells) >= rules.maxCells ||
			len(cl.cells) >= rules.minCells && float64(cl.households) >= rules.minShare*float64(g.total) {
			break
		}
		cl.cells = append(cl.cells, n)
		cl.households += g.households[n]
	}
	share := float64(cl.households) / float64(g.total)
	if len(cl.cells) < rules.minCells || share < rules.minShare || share > rules.maxShare {
		return cluster{}, false
	}
	zones := map[int]bool{}
	for _, cell := range cl.cells {
		cl.place += g.place[cell] * float64(g.households[cell])
		for _, zi := range g.zones[cell] {
			zones[zi] = true
		}
	}
	cl.place /= float64(cl.households)
	for zi := range zones {
		cl.zones = append(cl.zones, zi)
	}
	slices.Sort(cl.zones)
	return cl, true
}

func allZones(zones []int, ok func(int) bool) bool {
	for _, zi := range zones {
		if !ok(zi) {
			return false
		}
	}
	return true
}

// tooClose reports whether a cell of a lies within k grid steps of a cell of b.
func tooClose(a, b []h3.Cell, k int) bool {
	for _, x := range a {
		for _, y := range b {
			if d := x.GridDistance(y); d >= 0 && d <= k {
				return true
			}
		}
	}
	return false
}

// writeDynamics writes the plan's truth (an empty list of effects without history).
func writeDynamics(p *plan, cfg Config, outDir string) (int, error) {
	d := Dynamics{Seed: cfg.Seed, FirstYear: cfg.Year, LastYear: cfg.Year, Model: dynamicsModel, Effects: []Effect{}}
	if p != nil {
		d = p.truth
	} else {
		for q := range 4 {
			d.Quarters = append(d.Quarters, fmt.Sprintf("%d-Q%d", cfg.Year, q+1))
		}
	}
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return 0, fmt.Errorf("encode %s: %w", FileDynamics, err)
	}
	if err := os.WriteFile(filepath.Join(outDir, FileDynamics), append(data, '\n'), 0o644); err != nil {
		return 0, fmt.Errorf("write %s: %w", FileDynamics, err)
	}
	return len(d.Effects), nil
}

// ReadDynamics reads a dynamics.json written by Generate.
func ReadDynamics(path string) (Dynamics, error) {
	var d Dynamics
	data, err := os.ReadFile(path)
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}
