package democity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/ingest/source"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"
)

// quarterOf is the index of t's quarter from the first year of cfg.
func quarterOf(cfg Config, t time.Time) int {
	return (t.Year()-(cfg.Year-cfg.HistoryYears))*4 + int(t.Month()-1)/3
}

// TestHistoryQuarters: by default the agency files hold the 16 quarters 2022-Q1 to 2025-Q4, each
// file rows in every one of them, and dynamics.json names the same quarters.
func TestHistoryQuarters(t *testing.T) {
	dir, sum := generated(t)
	if testCfg.HistoryYears != DefaultHistoryYears || DefaultHistoryYears != 3 {
		t.Fatalf("testCfg has %d history years, the default is %d", testCfg.HistoryYears, DefaultHistoryYears)
	}
	if sum.Quarters != 16 {
		t.Errorf("summary: %d quarters, want 16", sum.Quarters)
	}
	for name, tb := range sourceFiles(t) {
		perQuarter := make([]int, 16)
		for _, r := range tb.rows {
			q := quarterOf(testCfg, eventDate(t, name, tb, r))
			if q < 0 || q >= 16 {
				t.Fatalf("%s: row dated %s outside 2022-2025", name, eventDate(t, name, tb, r))
			}
			perQuarter[q]++
		}
		for q, n := range perQuarter {
			if n == 0 {
				t.Errorf("%s: no row in quarter %d", name, q)
			}
		}
		t.Logf("%s: rows per quarter %v", name, perQuarter)
	}
	d, err := ReadDynamics(filepath.Join(dir, FileDynamics))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Quarters) != 16 || d.Quarters[0] != "2022-Q1" || d.Quarters[15] != "2025-Q4" || d.FirstYear != 2022 || d.LastYear != 2025 {
		t.Errorf("dynamics: years %d-%d, quarters %v", d.FirstYear, d.LastYear, d.Quarters)
	}
	for _, q := range d.Quarters {
		if ps, err := abitare.ParsePeriod(q); err != nil || len(ps) != 1 {
			t.Errorf("dynamics: quarter %q is not a period (%v)", q, err)
		}
	}
}

// TestDynamicsTruth checks dynamics.json against the generated files: every effect kind is
// planted, multipliers have the documented shapes, areas exist (cells of resolution 8 and their
// children, sections of sezioni.geojson, districts of their ZONA_OMI) and do not overlap.
func TestDynamicsTruth(t *testing.T) {
	dir, _ := generated(t)
	d, err := ReadDynamics(filepath.Join(dir, FileDynamics))
	if err != nil {
		t.Fatal(err)
	}
	checkTruth(t, d, dir)
}

// checkTruth checks a truth file against the sections of dir.
func checkTruth(t *testing.T, d Dynamics, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, FileSezioni))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	districtOf := map[string]string{}
	districts := map[string]bool{}
	for _, f := range fc.Features {
		id, z := f.Properties.MustString("SEZ21_ID", ""), f.Properties.MustString("ZONA_OMI", "")
		if z == "" {
			z = fmt.Sprintf("0%d", f.Properties.MustInt("PRO_COM", 0))
		}
		districtOf[id] = z
		districts[z] = true
	}
	T := len(d.Quarters)
	byKind := map[string][]Effect{}
	usedDistricts := map[string]string{}
	var clusterCells []string
	for _, e := range d.Effects {
		byKind[e.Kind] = append(byKind[e.Kind], e)
		if len(e.Multipliers) != T || len(e.EventKinds) == 0 || len(e.Domains) == 0 {
			t.Fatalf("%s: %d multipliers for %d quarters, kinds %v, domains %v", e.ID, len(e.Multipliers), T, e.EventKinds, e.Domains)
		}
		for _, k := range append(slices.Clone(e.EventKinds), e.LedEventKinds...) {
			if _, err := baseVolumeOK(k); err != nil {
				t.Errorf("%s: %v", e.ID, err)
			}
		}
		active := 0
		for q, m := range e.Multipliers {
			if !(m > 0) {
				t.Fatalf("%s: multiplier %v", e.ID, m)
			}
			if m != 1 {
				if e.ActiveQuarters[active] != d.Quarters[q] {
					t.Fatalf("%s: active quarters %v disagree with the multipliers", e.ID, e.ActiveQuarters)
				}
				active++
			}
		}
		if active != len(e.ActiveQuarters) || e.Peak != slices.Max(e.Multipliers) || e.Trough != slices.Min(e.Multipliers) {
			t.Errorf("%s: active %v, peak %v, trough %v for %v", e.ID, e.ActiveQuarters, e.Peak, e.Trough, e.Multipliers)
		}
		switch e.Scope {
		case ScopeCity:
			if e.Kind != EffectSeasonal || e.Households != 0 {
				t.Errorf("%s: city scope", e.ID)
			}
		case ScopeDistricts:
			for _, id := range e.Districts {
				if !districts[id] {
					t.Errorf("%s: unknown district %q", e.ID, id)
				}
				if other, ok := usedDistricts[id]; ok {
					t.Errorf("district %s in %s and %s", id, other, e.ID)
				}
				usedDistricts[id] = e.ID
			}
		case ScopeH3r8:
			if len(e.H3r8) < 2 || len(e.H3r9) == 0 || len(e.Sections) == 0 || e.AreaKm2 < 1 || e.AreaKm2 > 5 {
				t.Errorf("%s: %d cells (%.2f km²), %d children, %d sections", e.ID, len(e.H3r8), e.AreaKm2, len(e.H3r9), len(e.Sections))
			}
			parents := map[string]bool{}
			for _, id := range e.H3r8 {
				c := h3.Cell(h3.IndexFromString(id))
				if !c.IsValid() || c.Resolution() != 8 || c.String() != id {
					t.Errorf("%s: cell %q", e.ID, id)
				}
				parents[id] = true
			}
			for _, id := range e.H3r9 {
				if c := h3.Cell(h3.IndexFromString(id)); c.Resolution() != 9 || !parents[c.Parent(8).String()] {
					t.Errorf("%s: resolution-9 cell %q not a child of its cells", e.ID, id)
				}
			}
			for _, s := range e.Sections {
				if _, ok := districtOf[s]; !ok {
					t.Errorf("%s: unknown section %q", e.ID, s)
				}
			}
			for _, c := range e.H3r8 {
				if slices.Contains(clusterCells, c) {
					t.Errorf("cell %s in two clusters", c)
				}
			}
			clusterCells = append(clusterCells, e.H3r8...)
		default:
			t.Errorf("%s: scope %q", e.ID, e.Scope)
		}
		if e.Scope != ScopeCity && e.Households == 0 {
			t.Errorf("%s: no household inside", e.ID)
		}
	}
	want := map[string]int{EffectEmergingHot: 1, EffectFadingHot: 1, EffectRisingDistrict: 2, EffectFallingDistrict: 2, EffectLead: 2, EffectSeasonal: 2}
	for kind, n := range want {
		if len(byKind[kind]) != n {
			t.Errorf("%d %s effects, want %d", len(byKind[kind]), kind, n)
		}
	}
	if t.Failed() {
		return
	}
	em := byKind[EffectEmergingHot][0]
	for q, m := range em.Multipliers {
		switch {
		case q < T-6 && m != 1, q >= T-6 && m <= 1, q > 0 && m < em.Multipliers[q-1]:
			t.Errorf("emerging multipliers %v: want 1, then rising over the last six quarters", em.Multipliers)
		}
	}
	if em.PeakQuarter != d.Quarters[T-1] || em.Peak < 2 || !slices.Contains(em.Domains, abitare.Housing) {
		t.Errorf("emerging: peak %v in %s, domains %v", em.Peak, em.PeakQuarter, em.Domains)
	}
	fd := byKind[EffectFadingHot][0]
	for q, m := range fd.Multipliers {
		if (q < 8 && m < 2) || (q >= T-4 && m != 1) {
			t.Errorf("fading multipliers %v: want at least 2 in the first two years, 1 in the last", fd.Multipliers)
			break
		}
	}
	for _, e := range byKind[EffectRisingDistrict] {
		if e.Multipliers[0] >= 1 || e.Multipliers[T-1] != 1 || !sortedAsc(e.Multipliers) {
			t.Errorf("%s: multipliers %v", e.ID, e.Multipliers)
		}
	}
	for _, e := range byKind[EffectFallingDistrict] {
		if e.Multipliers[0] <= 1 || e.Multipliers[T-1] != 1 || !sortedAsc(reversed(e.Multipliers)) {
			t.Errorf("%s: multipliers %v", e.ID, e.Multipliers)
		}
	}
	lags := map[int]bool{}
	for _, e := range byKind[EffectLead] {
		lags[e.LagQuarters] = true
		if len(e.LedMultipliers) != T || len(e.LedEventKinds) == 0 || e.Peak < 2 {
			t.Errorf("%s: led %v %v, peak %v", e.ID, e.LedEventKinds, e.LedMultipliers, e.Peak)
			continue
		}
		for q := range T {
			want := 1.0
			if q >= e.LagQuarters {
				want = e.Multipliers[q-e.LagQuarters]
			}
			if e.LedMultipliers[q] != want {
				t.Errorf("%s: led multipliers %v are not the leading %v %d quarters later", e.ID, e.LedMultipliers, e.Multipliers, e.LagQuarters)
				break
			}
		}
	}
	if !lags[1] || !lags[2] {
		t.Errorf("lead lags %v, want 1 and 2", lags)
	}
	// the clusters lie outside the districts of the other effects
	for _, e := range append(byKind[EffectEmergingHot], byKind[EffectFadingHot]...) {
		for _, s := range e.Sections {
			if other, ok := usedDistricts[districtOf[s]]; ok {
				t.Errorf("%s: section %s in district %s of %s", e.ID, s, districtOf[s], other)
			}
		}
	}
}

func baseVolumeOK(kind string) (n int, err error) {
	defer func() {
		if recover() != nil {
			err = fmt.Errorf("unknown kind %q", kind)
		}
	}()
	return baseVolume(kind), nil
}

func sortedAsc(xs []float64) bool { return slices.IsSorted(xs) }

func reversed(xs []float64) []float64 {
	out := slices.Clone(xs)
	slices.Reverse(out)
	return out
}

// plantedCity is the full-size demo city (seed 1, as make demo), its events and truth, built
// once for the tests that look for the planted effects in the raw events (the city's build is
// cheap once the zones are fitted; the events take a few seconds).
var plantedCity = sync.OnceValues(func() (*plantedEvents, error) {
	cfg := Config{Seed: 1, HistoryYears: DefaultHistoryYears}.withDefaults()
	c, err := buildFor(cfg)
	if err != nil {
		return nil, err
	}
	ev := buildEvents(rand.New(rand.NewPCG(cfg.Seed, streamEvents)), c, cfg)
	return &plantedEvents{cfg: cfg, c: c, ev: ev, truth: ev.plan.truth}, nil
})

type plantedEvents struct {
	cfg   Config
	c     *city
	ev    events
	truth Dynamics
}

// eventRow is one agency row as its file has it: who (household), what, which quarter.
type eventRow struct {
	kind string
	hh   int
	q    int
}

// rows parses every agency row naming a resident by fiscal code: the kind from its line, the
// household from the register, the quarter from its date.
func (pe *plantedEvents) rows() []eventRow {
	hh := make(map[string]int, len(pe.c.people))
	for _, p := range pe.c.people {
		hh[p.cf] = int(p.hh)
	}
	var out []eventRow
	for _, f := range []struct {
		rows []row
		sep  string
	}{{pe.ev.social, ";"}, {pe.ev.housing, ";"}, {pe.ev.health, ";"}, {pe.ev.work, "\t"}} {
		for _, r := range f.rows {
			fields := strings.Split(r.line, f.sep)
			if h, ok := hh[fields[0]]; ok {
				out = append(out, eventRow{kind: fields[1], hh: h, q: quarterOf(pe.cfg, r.date)})
			}
		}
	}
	return out
}

// TestPlantedEffects looks for every planted effect in the raw events of the full-size city,
// placing each household as ingest would (its point's resolution-10 cell's resolution-8
// ancestor; its section's district) and reading the areas from the truth alone.
func TestPlantedEffects(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the full-size city")
	}
	pe, err := plantedCity()
	if err != nil {
		t.Fatal(err)
	}
	c, d := pe.c, pe.truth
	T := len(d.Quarters)
	cell8 := make([]string, len(c.hh))
	district := make([]string, len(c.hh))
	for hi, h := range c.hh {
		cell8[hi] = hexgrid.Cell(orb.Point{round6(h.pt[0]), round6(h.pt[1])}, hexgrid.FinestResolution).Parent(8).String()
		district[hi] = istatComune + "/" + c.sections[h.section].OMIZone
	}
	inside := func(e Effect, hi int) bool {
		return slices.Contains(e.H3r8, cell8[hi]) || slices.Contains(e.Districts, district[hi])
	}
	rows := pe.rows()
	series := func(e Effect, kinds []string) []float64 {
		out := make([]float64, T)
		for _, r := range rows {
			if slices.Contains(kinds, r.kind) && (e.Scope == ScopeCity || inside(e, r.hh)) {
				out[r.q]++
			}
		}
		return out
	}
	sum := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s
	}
	rising, falling := make([]float64, T), make([]float64, T)
	for _, e := range d.Effects {
		x := series(e, e.EventKinds)
		t.Logf("%s %v %v: %v", e.ID, e.Districts, e.H3r8, x)
		switch e.Kind {
		case EffectEmergingHot:
			if last, first := sum(x[T-2:]), sum(x[:2]); last < 2*first {
				t.Errorf("%s: %v events in the last two quarters, %v in the first two: want at least twice", e.ID, last, first)
			}
			if before := sum(x[:T-6]) / float64(T-6); x[T-1] < 2.5*before {
				t.Errorf("%s: %v events in the last quarter, %.1f a quarter before it emerged: want 2.5 times", e.ID, x[T-1], before)
			}
		case EffectFadingHot:
			if first, last := sum(x[:4]), sum(x[T-4:]); first < 1.8*last {
				t.Errorf("%s: %v events in the first year, %v in the last: want 1.8 times", e.ID, first, last)
			}
		case EffectRisingDistrict:
			for q := range x {
				rising[q] += x[q]
			}
		case EffectFallingDistrict:
			for q := range x {
				falling[q] += x[q]
			}
		case EffectSeasonal:
			for y := 0; y < T/4; y++ {
				q := x[4*y : 4*y+4]
				if ratio := (q[0] + q[3]) / (q[1] + q[2]); ratio < 1.15 {
					t.Errorf("%s %d: first and fourth quarters %.2f times the second and third, want 1.15", e.ID, d.FirstYear+y, ratio)
				}
			}
		case EffectLead:
			y := series(e, e.LedEventKinds)
			t.Logf("%s led %v: %v", e.ID, e.LedEventKinds, y)
			// the leading series' excess over its level before the wave comes before the led
			// series': cross-correlation is highest at the planted lag
			best, bestLag := math.Inf(-1), -1
			for k := 0; k <= 3; k++ {
				if r := pearson(x[:T-k], y[k:]); r > best {
					best, bestLag = r, k
				}
			}
			if bestLag != e.LagQuarters {
				t.Errorf("%s: the led series follows the leading one best %d quarters later (r=%.2f), planted %d", e.ID, bestLag, best, e.LagQuarters)
			}
			start := slices.IndexFunc(e.Multipliers, func(m float64) bool { return m != 1 })
			base, ledBase := sum(x[:start])/float64(start), sum(y[:start])/float64(start)
			if x[start+1] < 1.4*base || y[start+1+e.LagQuarters] < 1.4*ledBase {
				t.Errorf("%s: leading %v (before %.0f), led %v (before %.0f): want both up 40%% a quarter into their waves", e.ID, x, base, y, ledBase)
			}
		}
	}
	if first, last := sum(rising[:4]), sum(rising[T-4:]); last < 1.3*first {
		t.Errorf("rising districts: %v events in the first year, %v in the last", first, last)
	}
	if first, last := sum(falling[:4]), sum(falling[T-4:]); first < 1.3*last {
		t.Errorf("falling districts: %v events in the first year, %v in the last", first, last)
	}
}

// TestPlantedRestOfCity: outside every planted area the volumes of the last year are those of a
// generation without history (the rest of the city is as it was), within noise.
func TestPlantedRestOfCity(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the full-size city")
	}
	pe, err := plantedCity()
	if err != nil {
		t.Fatal(err)
	}
	flat := pe.cfg
	flat.HistoryYears = 0
	ev0 := buildEvents(rand.New(rand.NewPCG(flat.Seed, streamEvents)), pe.c, flat)
	p := pe.ev.plan
	outside := func(rows []eventRow) map[string]float64 {
		out := map[string]float64{}
		for _, r := range rows {
			if p.member[r.hh] == 0 && r.q >= 0 && r.q/4 == len(pe.truth.Quarters)/4-1 {
				out[r.kind]++
			}
		}
		return out
	}
	with := outside(pe.rows())
	flatPE := &plantedEvents{cfg: flat, c: pe.c, ev: ev0}
	var flatRows []eventRow
	for _, r := range flatPE.rows() {
		r.q += 4 * pe.cfg.HistoryYears // the same calendar year
		flatRows = append(flatRows, r)
	}
	without := outside(flatRows)
	for _, b := range BaseVolumes {
		w, wo := with[b.Kind], without[b.Kind]
		if wo == 0 {
			continue
		}
		// a difference of 4 standard deviations of a Poisson count, or 5%
		if math.Abs(w-wo) > max(4*math.Sqrt(wo), 0.05*wo) {
			t.Errorf("%s outside the planted areas in %d: %v rows, %v without history", b.Kind, pe.cfg.Year, w, wo)
		}
	}
}

// TestNoHistory: HistoryYears 0 writes the single year of the files as they were before history
// (every date in Year, the base volumes, an empty truth over Year's four quarters).
func TestNoHistory(t *testing.T) {
	cfg := Config{Seed: 7, Residents: 8000, Year: 2024}
	dir := t.TempDir()
	sum, err := Generate(cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Quarters != 4 {
		t.Errorf("%d quarters", sum.Quarters)
	}
	d, err := ReadDynamics(filepath.Join(dir, FileDynamics))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Effects) != 0 || len(d.Quarters) != 4 || d.FirstYear != 2024 || d.LastYear != 2024 {
		t.Errorf("dynamics without history: %+v", d)
	}
	files := map[string]table{
		"social_services":   readText(t, dir, specServizi),
		"housing_office":    readText(t, dir, specCasa),
		"health_authority":  readText(t, dir, specAUSL),
		"employment_agency": canonical(readText(t, dir, specLavoro)),
		"injury_insurer":    canonical(readINAIL(t, dir)),
	}
	units := map[string]map[string]bool{}
	for name, tb := range files {
		src, _ := source.Lookup(name)
		ik, id := tb.col(t, src.KindColumn), tb.col(t, source.IDColumn)
		for _, r := range tb.rows {
			if y := eventDate(t, name, tb, r).Year(); y != cfg.Year {
				t.Fatalf("%s: a row of %d", name, y)
			}
			if units[r[ik]] == nil {
				units[r[ik]] = map[string]bool{}
			}
			units[r[ik]][r[id]] = true
		}
	}
	for _, b := range BaseVolumes {
		want := float64(scaledVolume(b.Rows, cfg.Residents))
		if got := float64(len(units[b.Kind])); math.Abs(got-want) > 0.05*want+0.5 {
			t.Errorf("%s: %v units, want %v", b.Kind, got, want)
		}
	}
}

// TestHistoryDeterministic: the same seed gives the same truth and events; another seed plants
// the effects elsewhere.
func TestHistoryDeterministic(t *testing.T) {
	cfg := Config{Seed: 5, Residents: 8000, HistoryYears: 2}.withDefaults()
	build := func(cfg Config) events {
		c, err := buildFor(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return buildEvents(rand.New(rand.NewPCG(cfg.Seed, streamEvents)), c, cfg)
	}
	a, b := build(cfg), build(cfg)
	if fmt.Sprint(a.plan.truth) != fmt.Sprint(b.plan.truth) || !slices.Equal(lines(a.social), lines(b.social)) ||
		!slices.Equal(lines(a.health), lines(b.health)) || !slices.Equal(lines(a.work), lines(b.work)) {
		t.Error("two generations with the same seed differ")
	}
	if len(a.plan.truth.Quarters) != 12 {
		t.Errorf("two history years: %d quarters", len(a.plan.truth.Quarters))
	}
	cfg.Seed = 6
	other := build(cfg)
	same := 0
	for i, e := range a.plan.truth.Effects {
		if slices.Equal(e.H3r8, other.plan.truth.Effects[i].H3r8) && slices.Equal(e.Districts, other.plan.truth.Effects[i].Districts) {
			same++
		}
	}
	if same == len(a.plan.truth.Effects) {
		t.Error("seeds 5 and 6 plant the effects in the same places")
	}
}

// TestProvinceHistory: the province's files span the history too and its truth is consistent
// with its sections (districts are comuni and Modena's OMI zones).
func TestProvinceHistory(t *testing.T) {
	dir, sum := provinceGenerated(t)
	if sum.Quarters != 16 {
		t.Errorf("%d quarters", sum.Quarters)
	}
	d, err := ReadDynamics(filepath.Join(dir, FileDynamics))
	if err != nil {
		t.Fatal(err)
	}
	checkTruth(t, d, dir)
}
