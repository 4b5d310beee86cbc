package democity

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/abitare/abitare/democity/province"
	"github.com/abitare/abitare/democity/tessellate"
	"github.com/abitare/abitare/geo/modena"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
)

// The province demo (Config.Province): the 47 comuni of the province of Modena on their real
// boundaries (democity/province), each with its 2011 census population times Config.Scale.
// Modena is cut into sections by its OMI zones as in the city demo; every other comune is cut by
// two stand-in zones, a dense town centre (a square around the comune's centre, band C) and the
// countryside around it (band R), and is its own district. Each comune has its own address
// register, in which the usual street names (VIA ROMA, VIA GIUSEPPE GARIBALDI, ...) recur; the
// partner files carry the comune of residence (ISTAT code, cadastral code or name), and some
// households moved between comuni during the year, so their earlier records carry the former
// comune's address.

// streamMoves is the random stream of the moves between comuni (province only).
const streamMoves = 0x30e5e5

// DefaultScale is the share of the 2011 population the province demo generates.
const DefaultScale = 1.0

// commonStreets are laid out in the centre of every comune of the province, so the same street
// and number exist in many comuni.
var commonStreets = []street{
	{dug: dugVia, name: "ROMA"},
	{dug: dugVia, name: "GIUSEPPE GARIBALDI"},
	{dug: dugVia, name: "GIUSEPPE MAZZINI"},
	{dug: dugPiazza, name: "MARTIRI"},
	{dug: dugVia, name: "GIACOMO MATTEOTTI"},
	{dug: dugVia, name: "CAMILLO BENSO DI CAVOUR"},
	{dug: dugVia, name: "XX SETTEMBRE"},
}

// provinceShare of a comune's area its town centre takes at most, and the centre's residents
// per km² of the 2011 population that sets its size.
const (
	centreMaxShare   = 0.35
	centreDensityKm2 = 2500
	movedShare       = 0.03 // households that moved in from another comune during the year
)

// buildProvince builds the province's comuni, sections, registers, households and people.
func buildProvince(cfg Config) (*city, error) {
	if cfg.Scale <= 0 || cfg.Scale > 10 {
		return nil, fmt.Errorf("synthetic: scale %g out of range (0, 10]", cfg.Scale)
	}
	comuni, err := province.Comuni()
	if err != nil {
		return nil, fmt.Errorf("synthetic: %w", err)
	}
	omi, err := modena.OMIZones()
	if err != nil {
		return nil, fmt.Errorf("synthetic: %w", err)
	}
	c := &city{ref: time.Date(cfg.Year, 1, 1, 0, 0, 0, 0, time.UTC), comuni: comuni}
	type span struct{ z0, z1, s0, s1 int }
	spans := make([]span, len(comuni))
	for ci, cm := range comuni {
		n := max(1, int(math.Round(cfg.Scale*float64(cm.Population))))
		zones := omi
		if cm.Code != istatComune {
			zones = comuneZones(cm)
		} else if zones, err = tessellate.Fit(omi, cm.Geometry); err != nil {
			return nil, fmt.Errorf("synthetic: %w", err)
		}
		proCom, _ := strconv.Atoi(cm.Code)
		secs, err := tessellate.SectionsOf(proCom, zones, n, cfg.Seed^uint64(proCom)<<24)
		if err != nil {
			return nil, fmt.Errorf("synthetic: comune %s %s: %w", cm.Code, cm.Name, err)
		}
		sp := span{z0: len(c.zones), s0: len(c.sections)}
		idx := map[string]int{}
		for _, z := range zones {
			idx[z.Code] = len(c.zones)
			c.zones = append(c.zones, z)
			d := istatComune + "/" + z.Code // district ids carry their comune (036023/B3)
			if cm.Code != istatComune {
				d = cm.Code
			}
			c.district = append(c.district, d)
		}
		for _, s := range secs {
			c.sections = append(c.sections, s)
			c.zoneOf = append(c.zoneOf, idx[s.OMIZone])
			c.secMun = append(c.secMun, ci)
		}
		sp.z1, sp.s1 = len(c.zones), len(c.sections)
		spans[ci] = sp
	}
	total, households := 0, 0
	for _, s := range c.sections {
		total += s.Residents
		households += s.Households
	}
	c.place = placeScores(c.zones, c.sections, c.zoneOf)
	c.hh = make([]household, 0, households)
	c.people = make([]person, 0, total)
	c.cfs = make(map[string]struct{}, total)
	rng := rand.New(rand.NewPCG(cfg.Seed, streamPopulation))
	c.reg = &register{}
	for ci, cm := range comuni {
		sp := spans[ci]
		zoneOf := make([]int, sp.s1-sp.s0)
		for k := range zoneOf {
			zoneOf[k] = c.zoneOf[sp.s0+k] - sp.z0
		}
		opts := regOptions{markZone: c.zones[sp.z0].Code, marks: commonStreets, caps: cm.CAPs, capSeed: uint64(ci), keepMarks: true}
		if cm.Code == istatComune {
			opts = regOptions{markZone: "B3", marks: append(append([]street(nil), landmarks...), commonStreets...), keepMarks: true}
		}
		r := buildRegister(rng, c.zones[sp.z0:sp.z1], c.sections[sp.s0:sp.s1], zoneOf, cm.Geometry, opts)
		c.reg.append(r, sp.z0, sp.s0)
	}
	for i := range c.sections {
		if len(c.reg.bySection[i]) == 0 {
			return nil, fmt.Errorf("synthetic: section %s: no civic number in the register", c.sections[i].ID)
		}
		c.fillSection(rng, i)
	}
	return c, nil
}

// append adds a comune's register o, whose zones and sections start at zoneOff and secOff.
func (r *register) append(o *register, zoneOff, secOff int) {
	soff, coff := int32(len(r.streets)), int32(len(r.civics))
	for _, s := range o.streets {
		s.zone += zoneOff
		r.streets = append(r.streets, s)
	}
	for _, cv := range o.civics {
		cv.street += soff
		cv.section += int32(secOff)
		r.civics = append(r.civics, cv)
	}
	r.address = append(r.address, o.address...)
	for _, bs := range o.bySection {
		shifted := make([]int32, len(bs))
		for k, v := range bs {
			shifted[k] = v + coff
		}
		r.bySection = append(r.bySection, shifted)
	}
	r.caps = append(r.caps, o.caps...)
}

// comuneZones cuts a comune other than Modena into its town centre (band C) and the countryside
// around it (band R), as stand-in OMI zones whose rents grow with the comune's size.
func comuneZones(cm province.Comune) []modena.OMIZone {
	area := tessellate.AreaM2(cm.Geometry)
	centre := townCentre(cm.Geometry)
	a := min(centreMaxShare*area, float64(cm.Population)/centreDensityKm2*1e6)
	half := math.Sqrt(a) / 2
	rect := orb.Bound{
		Min: orb.Point{centre[0] - half/mPerDegLon, centre[1] - half/mPerDegLat},
		Max: orb.Point{centre[0] + half/mPerDegLon, centre[1] + half/mPerDegLat},
	}
	gb := cm.Geometry.Bound().Pad(0.01)
	core := tessellate.Clean(clip.MultiPolygon(rect, cm.Geometry.Clone()))
	var rest orb.MultiPolygon
	for _, b := range []orb.Bound{
		{Min: gb.Min, Max: orb.Point{rect.Min[0], gb.Max[1]}},                              // west
		{Min: orb.Point{rect.Max[0], gb.Min[1]}, Max: gb.Max},                              // east
		{Min: orb.Point{rect.Min[0], rect.Max[1]}, Max: orb.Point{rect.Max[0], gb.Max[1]}}, // north
		{Min: orb.Point{rect.Min[0], gb.Min[1]}, Max: orb.Point{rect.Max[0], rect.Min[1]}}, // south
	} {
		rest = append(rest, tessellate.Clean(clip.MultiPolygon(b, cm.Geometry.Clone()))...)
	}
	rent := 5 + 0.45*math.Log(max(1000, float64(cm.Population))/1000)
	var out []modena.OMIZone
	if len(core) > 0 {
		out = append(out, modena.OMIZone{Code: cm.Code + "C", Band: "C", Description: cm.Name + " - CENTRO",
			RentMin: rent, RentMax: rent + 1.6, Geometry: core})
	}
	if len(rest) > 0 {
		out = append(out, modena.OMIZone{Code: cm.Code + "R", Band: "R", Description: cm.Name + " - FRAZIONI E CAMPAGNA",
			RentMin: rent - 1.2, RentMax: rent + 0.4, Geometry: rest})
	}
	return out
}

// townCentre is the centroid of the comune's largest polygon when it lies inside the comune,
// otherwise the point of a 40×40 lattice over the comune nearest to it.
func townCentre(mp orb.MultiPolygon) orb.Point {
	best, bestA := 0, -1.0
	for i, p := range mp {
		if a := planar.Area(p); a > bestA {
			best, bestA = i, a
		}
	}
	c, _ := planar.CentroidArea(mp[best])
	if planar.MultiPolygonContains(mp, c) {
		return c
	}
	b := mp.Bound()
	var out orb.Point
	d := math.Inf(1)
	for i := 0; i < 40; i++ {
		for j := 0; j < 40; j++ {
			p := orb.Point{b.Min[0] + (float64(i)+0.5)*(b.Max[0]-b.Min[0])/40, b.Min[1] + (float64(j)+0.5)*(b.Max[1]-b.Min[1])/40}
			if dd := planar.DistanceSquared(p, c); dd < d && planar.MultiPolygonContains(mp, p) {
				out, d = p, dd
			}
		}
	}
	return out
}

// Ways a partner writes the comune of residence.
const (
	comuneByCode = iota
	comuneByCadastral
	comuneByName
)

// comuneField writes the comune of the household's section in one of the three ways, chosen by
// a hash of the address and the file's salt, so each file mixes them.
func (c *city) comuneField(h household, salt string) string {
	cm := c.comuni[c.secMun[h.section]]
	f := fnv.New32a()
	f.Write([]byte(salt))
	f.Write([]byte(h.address))
	f.Write([]byte(c.sections[h.section].ID))
	switch f.Sum32() % 3 {
	case comuneByCode:
		return cm.Code
	case comuneByCadastral:
		return cm.Cadastral
	}
	if salt == FileAgenziaLavoro {
		return strings.ToUpper(cm.Name)
	}
	return cm.Name
}

// rowResidence is the residence tail of a row dated date for household hi: in the province,
// with the comune, and at the former address in another comune before a move.
func (g *gen) rowResidence(hi int, date time.Time, file string) string {
	h := g.c.hh[hi]
	if g.c.comuni == nil {
		return residence(h)
	}
	if m, ok := g.moves[hi]; ok && date.Before(m.date) {
		h = g.c.hh[m.from]
	}
	return residence(h) + ";" + g.c.comuneField(h, file)
}

// move is a household's move from another comune during the year.
type move struct {
	from int // a household of the former comune, whose address the household had
	date time.Time
}

// drawMoves picks the households that moved in from another comune during the year, and the
// address they had there (a household's of that comune).
func (g *gen) drawMoves(rng *rand.Rand) {
	c := g.c
	g.moves = map[int]move{}
	for hi := range c.hh {
		if rng.Float64() >= movedShare {
			continue
		}
		for try := 0; try < 10; try++ {
			from := rng.IntN(len(c.hh))
			if c.secMun[c.hh[from].section] != c.secMun[c.hh[hi].section] {
				g.moves[hi] = move{from: from, date: dayIn(rng, g.year)}
				break
			}
		}
	}
}

// peopleOrNil is c.people, or nil for a nil city.
func (c *city) peopleOrNil() []person {
	if c == nil {
		return nil
	}
	return c.people
}
