package democity

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/abitare/abitare/democity/tessellate"
	"github.com/abitare/abitare/geo/modena"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// The address register (stradario) of the demo city: streets laid out as straight lines within
// one OMI zone, each crossing a few sections, with civic numbers on both sides (odd on the left,
// even on the right) at points inside the sections they serve. Every household lives at one
// civic number; dense zones put several households in one building.

// DUG (denominazione urbanistica generica) are the street types of the register.
const (
	dugVia       = "VIA"
	dugViale     = "VIALE"
	dugPiazza    = "PIAZZA"
	dugCorso     = "CORSO"
	dugStrada    = "STRADA"
	dugLargo     = "LARGO"
	dugPiazzale  = "PIAZZALE"
	dugVicolo    = "VICOLO"
	dugStradello = "STRADELLO"
)

// Esponenti (suffixes of a civic number) in register order.
var esponenti = []string{"", "A", "B", "C", "BIS", "TER"}

// street is one street of the register.
type street struct {
	dug, name string // e.g. VIA, GIOSUÈ CARDUCCI
	zone      int
	progr     int // PROGRESSIVO_STRADA, assigned after layout in alphabetical order
	length    float64
}

// civic is one civic number (a building entrance) of the register.
type civic struct {
	street  int32
	number  int32
	exp     uint8 // index into esponenti
	section int32
	pt      orb.Point // rounded to 6 decimals
}

// register is the laid-out address register.
type register struct {
	streets   []street
	civics    []civic  // sorted by street progressive, number, esponente
	address   []string // per civic: "DUG DENOMINAZIONE N[/ESPONENTE]"
	bySection [][]int32
	caps      []string // per section
}

// households per civic number by OMI band (dense centre: blocks of flats; rural: farmhouses),
// and the extra share of civic numbers with no resident household (shops, offices, garages).
var (
	hhPerCivic     = map[string]float64{"B": 4.5, "C": 3.5, "D": 2.2, "E": 1.4, "R": 1.1}
	nonResidential = 1.12
)

// metres per degree at Modena's latitude (as in geo/tessellate).
var (
	mPerDegLat = 111132.92 - 559.82*math.Cos(2*44.65*math.Pi/180) + 1.175*math.Cos(4*44.65*math.Pi/180)
	mPerDegLon = 111412.84*math.Cos(44.65*math.Pi/180) - 93.5*math.Cos(3*44.65*math.Pi/180)
)

// landmarks are streets always laid out first in the historic centre (zone B3), so the demo
// city has a few names with accents and apostrophes whatever the seed.
var landmarks = []street{
	{dug: dugPiazza, name: "SANT'AGOSTINO"},
	{dug: dugVia, name: "GIOSUÈ CARDUCCI"},
	{dug: dugCorso, name: "CANALCHIARO"},
	{dug: dugVia, name: "NICCOLÒ DELL'ABATE"},
	{dug: dugVia, name: "SAN FAUSTINO"},
}

// candidate is a possible civic number before the per-section thinning.
type candidate struct {
	street  int32
	number  int32
	section int32
	pt      orb.Point
}

// regBuilder lays out streets zone by zone.
type regBuilder struct {
	rng      *rand.Rand
	zones    []modena.OMIZone
	secs     []tessellate.Section
	samplers []*pointSampler
	used     map[string]bool
	streets  []street
	cands    []candidate
	count    []int // candidates per section
	opts     regOptions
}

// regOptions are what differs between the city's register and a comune's of the province.
type regOptions struct {
	markZone  string   // the zone whose streets start with marks
	marks     []street // streets always laid out (type and name only)
	caps      []string // a comune's postcodes, drawn per section; nil: Modena's (capFor)
	capSeed   uint64   // salt of the per-section postcode choice
	keepMarks bool     // keep the lowest civic number of every mark street, beyond the targets
}

// cityRegister is the demo city's: its landmarks in the historic centre, Modena's postcodes.
var cityRegister = regOptions{markZone: "B3", marks: landmarks}

// buildRegister lays out the streets and civic numbers of every zone.
func buildRegister(rng *rand.Rand, zones []modena.OMIZone, secs []tessellate.Section, zoneOf []int, boundary orb.MultiPolygon, opts regOptions) *register {
	b := &regBuilder{rng: rng, zones: zones, secs: secs, used: map[string]bool{}, count: make([]int, len(secs)), opts: opts}
	b.samplers = make([]*pointSampler, len(secs))
	fb := newFastPolygons(boundary)
	for i, s := range secs {
		b.samplers[i] = newPointSampler(s.Geometry, boundary, zones[zoneOf[i]].Geometry, fb)
	}
	bySecZone := make([][]int, len(zones))
	for i := range secs {
		bySecZone[zoneOf[i]] = append(bySecZone[zoneOf[i]], i)
	}
	var kept []candidate
	var keptExp []uint8
	for zi := range zones {
		ks := b.layZone(zi, bySecZone[zi])
		for _, c := range ks {
			kept = append(kept, c)
			keptExp = append(keptExp, 0)
			// a few buildings have lettered or BIS entrances next to the plain number
			if b.rng.Float64() >= 0.07 {
				continue
			}
			seq := []uint8{1, 2, 3}
			if b.rng.Float64() < 0.25 {
				seq = []uint8{4, 5}
			}
			for k, e := range seq {
				if k > 0 && b.rng.Float64() >= 0.3 {
					break
				}
				ang := b.rng.Float64() * 2 * math.Pi
				dist := 4 + 4*b.rng.Float64()
				p := orb.Point{
					round6(c.pt[0] + dist*math.Cos(ang)/mPerDegLon),
					round6(c.pt[1] + dist*math.Sin(ang)/mPerDegLat),
				}
				if !b.samplers[c.section].contains(p) {
					break
				}
				kept = append(kept, candidate{street: c.street, number: c.number, section: c.section, pt: p})
				keptExp = append(keptExp, e)
			}
		}
	}
	return b.finish(kept, keptExp, zoneOf)
}

// layZone lays out the streets of one zone and returns the civic numbers kept, at most the
// target of each section.
func (b *regBuilder) layZone(zi int, secIdx []int) []candidate {
	if len(secIdx) == 0 {
		return nil
	}
	z := b.zones[zi]
	per := hhPerCivic[z.Band]
	if per == 0 {
		per = 2
	}
	// each section's target of civic numbers, and the spacing along streets anchored in it that
	// would reach the target with about three streets crossing it
	target := make(map[int]int, len(secIdx))
	side := make(map[int]float64, len(secIdx))
	spacing := make(map[int]float64, len(secIdx))
	for _, si := range secIdx {
		t := max(1, int(math.Ceil(float64(b.secs[si].Households)/per*nonResidential)))
		target[si] = t
		side[si] = math.Sqrt(tessellate.AreaM2(b.secs[si].Geometry))
		spacing[si] = min(150, max(5, 6*side[si]/float64(t)))
	}
	grid := b.rng.Float64() * math.Pi / 2
	first := len(b.cands)
	if z.Code == b.opts.markZone {
		for _, l := range b.opts.marks {
			if !b.used[l.dug+" "+l.name] {
				si := secIdx[b.rng.IntN(len(secIdx))]
				b.addStreet(zi, si, secIdx, side[si], spacing[si], grid, &l)
			}
		}
	}
	for _, si := range secIdx {
		b.addStreet(zi, si, secIdx, side[si], spacing[si], grid, nil)
	}
	for _, si := range secIdx {
		for try := 0; b.count[si] < target[si] && try < 6; try++ {
			b.addStreet(zi, si, secIdx, side[si], spacing[si], grid, nil)
		}
		if b.count[si] < target[si] {
			b.fallbackStreet(zi, si, target[si]-b.count[si])
		}
	}
	// thin each section's candidates to its target, keeping the street order
	bySec := map[int][]int{}
	for k := first; k < len(b.cands); k++ {
		si := int(b.cands[k].section)
		bySec[si] = append(bySec[si], k)
	}
	keep := make([]bool, len(b.cands)-first)
	for _, si := range secIdx {
		idx := bySec[si]
		for i := 0; i < len(idx) && i < target[si]; i++ {
			j := i + b.rng.IntN(len(idx)-i)
			idx[i], idx[j] = idx[j], idx[i]
			keep[idx[i]-first] = true
		}
	}
	if b.opts.keepMarks {
		b.keepMarkStreets(first, keep)
	}
	var out []candidate
	for k, ok := range keep {
		if ok {
			out = append(out, b.cands[first+k])
		}
	}
	return out
}

// keepMarkStreets keeps the lowest civic number of each mark street laid from candidate first
// on, so the common streets of the province survive the thinning of small comuni.
func (b *regBuilder) keepMarkStreets(first int, keep []bool) {
	lowest := map[int32]int{}
	for k := first; k < len(b.cands); k++ {
		c := b.cands[k]
		st := b.streets[c.street]
		if !slices.ContainsFunc(b.opts.marks, func(m street) bool { return m.dug == st.dug && m.name == st.name }) {
			continue
		}
		if j, ok := lowest[c.street]; !ok || c.number < b.cands[j].number {
			lowest[c.street] = k
		}
	}
	for _, k := range lowest {
		keep[k-first] = true
	}
}

// addStreet lays a straight street through a random point of section si, along the zone's
// grid in town and in any direction in the countryside, and adds its civic numbers that fall
// in sections of the zone. fixed, when not nil, gives the street's type and name.
func (b *regBuilder) addStreet(zi, si int, secIdx []int, side, spacing, grid float64, fixed *street) {
	z := b.zones[zi]
	st := street{zone: zi}
	if fixed != nil {
		st.dug, st.name = fixed.dug, fixed.name
	} else {
		st.dug, st.name = b.newName(z.Band)
	}
	b.used[st.dug+" "+st.name] = true
	length := min(6000, max(60, side*(2+2*b.rng.Float64())))
	switch st.dug {
	case dugPiazza, dugLargo, dugPiazzale:
		length = min(length, 10*spacing)
	case dugVicolo:
		length = min(length, 20*spacing)
	}
	st.length = length
	// try a few directions through the anchor and keep the one serving most civic numbers, so
	// streets follow narrow zones instead of leaving them at once
	anchor := b.samplers[si].sampleIn(b.rng)
	off := min(25, max(5, spacing/2))
	id := int32(len(b.streets))
	b.streets = append(b.streets, st)
	var best []candidate
	for try := 0; try < 4; try++ {
		ang := b.rng.Float64() * 2 * math.Pi
		if z.Band == "B" || z.Band == "C" || z.Band == "D" {
			ang = grid + float64(try)*math.Pi/4 + 0.12*b.rng.NormFloat64()
		}
		cs := b.line(id, anchor, ang, length, spacing, off, si, secIdx)
		if len(cs) > len(best) {
			best = cs
		}
	}
	for _, c := range best {
		b.cands = append(b.cands, c)
		b.count[c.section]++
	}
}

// line returns the civic numbers of a street of the given length through anchor at angle ang
// that fall in sections of the zone.
func (b *regBuilder) line(id int32, anchor orb.Point, ang, length, spacing, off float64, si int, secIdx []int) []candidate {
	dx, dy := math.Cos(ang), math.Sin(ang)
	var out []candidate
	steps := int(length / spacing)
	for k := 0; k <= steps; k++ {
		t := -length/2 + float64(k)*spacing
		for sideSign, num := range [2]int32{int32(2*k + 1), int32(2*k + 2)} {
			sgn := 1.0
			if sideSign == 1 {
				sgn = -1
			}
			mx := t*dx - sgn*off*dy
			my := t*dy + sgn*off*dx
			p := orb.Point{round6(anchor[0] + mx/mPerDegLon), round6(anchor[1] + my/mPerDegLat)}
			if s, ok := b.sectionOf(p, si, secIdx); ok {
				out = append(out, candidate{street: id, number: num, section: int32(s), pt: p})
			}
		}
	}
	return out
}

// sectionOf finds the section of the zone holding p, trying hint first.
func (b *regBuilder) sectionOf(p orb.Point, hint int, secIdx []int) (int, bool) {
	if b.samplers[hint].contains(p) {
		return hint, true
	}
	for _, si := range secIdx {
		if si != hint && b.samplers[si].contains(p) {
			return si, true
		}
	}
	return 0, false
}

// fallbackStreet serves a section straight streets do not reach enough (a sliver of the
// stand-in tessellation) with a lane whose civic numbers are sampled inside it.
func (b *regBuilder) fallbackStreet(zi, si, n int) {
	st := street{zone: zi, dug: dugStradello}
	for {
		st.name = b.streetName()
		if !b.used[st.dug+" "+st.name] {
			break
		}
	}
	b.used[st.dug+" "+st.name] = true
	id := int32(len(b.streets))
	b.streets = append(b.streets, st)
	for k := 0; k < n; k++ {
		b.cands = append(b.cands, candidate{street: id, number: int32(k + 1), section: int32(si), pt: b.samplers[si].sampleIn(b.rng)})
		b.count[si]++
	}
}

// finish drops streets without civic numbers, numbers the streets in alphabetical order and
// sorts the civic numbers.
func (b *regBuilder) finish(kept []candidate, exps []uint8, zoneOf []int) *register {
	has := make([]bool, len(b.streets))
	for _, c := range kept {
		has[c.street] = true
	}
	var order []int
	for i, ok := range has {
		if ok {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(x, y int) int {
		return cmp.Or(cmp.Compare(b.streets[x].name, b.streets[y].name), cmp.Compare(b.streets[x].dug, b.streets[y].dug))
	})
	newID := make([]int32, len(b.streets))
	r := &register{}
	for k, i := range order {
		st := b.streets[i]
		st.progr = k + 1
		newID[i] = int32(k)
		r.streets = append(r.streets, st)
	}
	r.civics = make([]civic, len(kept))
	for k, c := range kept {
		r.civics[k] = civic{street: newID[c.street], number: c.number, exp: exps[k], section: c.section, pt: c.pt}
	}
	slices.SortStableFunc(r.civics, func(x, y civic) int {
		return cmp.Or(cmp.Compare(x.street, y.street), cmp.Compare(x.number, y.number), cmp.Compare(x.exp, y.exp))
	})
	// two candidates of one street may share a number (a street crossing a zone twice never
	// does, but a fallback lane might): keep the first
	r.civics = slices.CompactFunc(r.civics, func(x, y civic) bool {
		return x.street == y.street && x.number == y.number && x.exp == y.exp
	})
	r.address = make([]string, len(r.civics))
	r.bySection = make([][]int32, len(b.secs))
	for k, c := range r.civics {
		r.address[k] = r.streets[c.street].full() + " " + civicNumber(c.number, c.exp)
		r.bySection[c.section] = append(r.bySection[c.section], int32(k))
	}
	r.caps = make([]string, len(b.secs))
	if caps := b.opts.caps; caps != nil {
		for i := range b.secs {
			r.caps[i] = caps[(uint64(i)*0x9e3779b97f4a7c15^b.opts.capSeed)%uint64(len(caps))]
		}
		return r
	}
	centre := zoneCentre(b.zones, "B3")
	for i, s := range b.secs {
		cp, _ := planar.CentroidArea(s.Geometry)
		r.caps[i] = capFor(b.zones[zoneOf[i]].Code, cp, centre)
	}
	return r
}

// full is "DUG DENOMINAZIONE".
func (s street) full() string { return s.dug + " " + s.name }

// civicNumber writes a civic number with its esponente after a slash: 112, 112/A, 7/BIS.
func civicNumber(n int32, exp uint8) string {
	s := strconv.Itoa(int(n))
	if exp != 0 {
		s += "/" + esponenti[exp]
	}
	return s
}

// newName draws an unused street type and name for a zone of the band.
func (b *regBuilder) newName(band string) (string, string) {
	for {
		dug, name := streetType(b.rng, band), b.streetName()
		if !b.used[dug+" "+name] {
			return dug, name
		}
	}
}

// streetType draws a DUG with shares depending on the OMI band.
func streetType(rng *rand.Rand, band string) string {
	type share struct {
		dug string
		p   float64
	}
	var shares []share
	switch band {
	case "B":
		shares = []share{{dugVia, 0.70}, {dugCorso, 0.08}, {dugVicolo, 0.08}, {dugPiazza, 0.07}, {dugLargo, 0.04}, {dugPiazzale, 0.03}}
	case "E":
		shares = []share{{dugVia, 0.60}, {dugStrada, 0.25}, {dugViale, 0.08}, {dugStradello, 0.07}}
	case "R":
		shares = []share{{dugStrada, 0.55}, {dugVia, 0.25}, {dugStradello, 0.15}, {dugVicolo, 0.05}}
	default:
		shares = []share{{dugVia, 0.78}, {dugViale, 0.12}, {dugLargo, 0.03}, {dugPiazza, 0.03}, {dugPiazzale, 0.02}, {dugVicolo, 0.02}}
	}
	u := rng.Float64()
	for _, s := range shares {
		if u < s.p {
			return s.dug
		}
		u -= s.p
	}
	return shares[0].dug
}

// streetName draws a dedication: a theme (DEI TIGLI), a surname, a full name or a saint, place
// or value (SANT'ANNA, FORLÌ, DELLA LIBERTÀ).
func (b *regBuilder) streetName() string {
	rng := b.rng
	u := rng.Float64()
	switch {
	case u < 0.12:
		t := pick(rng, streetThemes)
		switch {
		case t[len(t)-1] == 'E':
			return "DELLE " + t
		case strings.IndexByte("AEIOU", t[0]) >= 0:
			return "DEGLI " + t
		}
		return "DEI " + t
	case u < 0.38:
		return pick(rng, streetSurnames)
	case u < 0.90:
		return pick(rng, streetFirstNames) + " " + pick(rng, streetSurnames)
	}
	return pick(rng, streetSpecials)
}
