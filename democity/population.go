package democity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/abitare/abitare/democity/province"
	"github.com/abitare/abitare/democity/tessellate"
	"github.com/abitare/abitare/geo/modena"
	"github.com/abitare/abitare/ingest/codicefiscale"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// hhType is a household type of the population register.
type hhType uint8

const (
	unipersonale hhType = iota
	coppiaSenzaFigli
	coppiaConFigli
	monogenitore
	altro
)

var hhTypeNames = [...]string{"UNIPERSONALE", "COPPIA_SENZA_FIGLI", "COPPIA_CON_FIGLI", "MONOGENITORE", "ALTRO"}

// minSize is the smallest household of each type; maxHouseholdSize caps all types.
var minSize = [...]int{1, 2, 3, 2, 2}

const maxHouseholdSize = 8

// maxAge caps ages: a fiscal code's two-digit year cannot tell a centenarian from a child,
// so nobody is born 100 or more years before the event year (nor the year after).
const maxAge = 97

// type shares of Italian and of foreign households.
var (
	typeSharesItalian = [...]float64{0.395, 0.215, 0.25, 0.10, 0.04}
	typeSharesForeign = [...]float64{0.30, 0.12, 0.40, 0.10, 0.08}
)

// citizenship of a household.
type citizenship uint8

const (
	italiana citizenship = iota
	ue
	nonUE
)

var citizenshipNames = [...]string{"ITALIANA", "UE", "NON_UE"}

// household is one synthetic household; its members are people[first : first+size].
type household struct {
	section int32
	first   int32
	size    uint8
	typ     hhType
	cit     citizenship
	country country
	civic   int32 // index into the register's civic numbers
	address string
	cap     string
	pt      orb.Point
}

// person is one synthetic resident.
type person struct {
	cf     string
	birth  time.Time
	hh     int32
	age    int16
	female bool
}

// member is a person before the fiscal code is built.
type member struct {
	age     int
	female  bool
	surname string
}

// city is the generated population.
type city struct {
	ref      time.Time // 1 January of the reference year: ages are on this date
	zones    []modena.OMIZone
	sections []tessellate.Section
	zoneOf   []int // section index -> zone index
	place    []float64
	reg      *register
	hh       []household
	people   []person
	cfs      map[string]struct{}
	// the province demo only (nil in the city): the comuni, each section's comune (index into
	// comuni) and each zone's district code (the OMI zone in Modena, the comune elsewhere)
	comuni   []province.Comune
	secMun   []int
	district []string
}

// bandShift moves the place score by OMI band: low rents in the rural and suburban bands mostly
// mean owner-occupied farmhouses and hamlets, not the concentrated hardship of the urban
// periphery's public and low-rent housing.
var bandShift = map[string]float64{"B": 0, "C": 0, "D": 0.4, "E": -0.4, "R": -1.2}

// placeScores standardises the zones' rent midpoints (weighted by residents) into a score
// that is higher where rents are lower, shifted by the zone's band.
func placeScores(zones []modena.OMIZone, secs []tessellate.Section, zoneOf []int) []float64 {
	w := make([]float64, len(zones))
	for i, s := range secs {
		w[zoneOf[i]] += float64(s.Residents)
	}
	var sw, mean, variance float64
	for i, z := range zones {
		sw += w[i]
		mean += w[i] * z.RentMid()
	}
	mean /= sw
	for i, z := range zones {
		d := z.RentMid() - mean
		variance += w[i] * d * d
	}
	sd := math.Sqrt(variance / sw)
	out := make([]float64, len(zones))
	for i, z := range zones {
		out[i] = (mean-z.RentMid())/sd + bandShift[z.Band]
	}
	return out
}

// buildCity generates households and people section by section.
func buildCity(rng *rand.Rand, year int, zones []modena.OMIZone, secs []tessellate.Section, boundary orb.MultiPolygon) (*city, error) {
	c := &city{ref: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), zones: zones, sections: secs}
	idx := make(map[string]int, len(zones))
	for i, z := range zones {
		idx[z.Code] = i
	}
	c.zoneOf = make([]int, len(secs))
	total, households := 0, 0
	for i, s := range secs {
		zi, ok := idx[s.OMIZone]
		if !ok {
			return nil, fmt.Errorf("section %s: unknown OMI zone %q", s.ID, s.OMIZone)
		}
		c.zoneOf[i] = zi
		total += s.Residents
		households += s.Households
	}
	c.place = placeScores(zones, secs, c.zoneOf)
	c.hh = make([]household, 0, households)
	c.people = make([]person, 0, total)
	c.cfs = make(map[string]struct{}, total)
	c.reg = buildRegister(rng, zones, secs, c.zoneOf, boundary, cityRegister)
	for i := range secs {
		if len(c.reg.bySection[i]) == 0 {
			return nil, fmt.Errorf("section %s: no civic number in the register", secs[i].ID)
		}
		c.fillSection(rng, i)
	}
	return c, nil
}

// fillSection creates the section's households with exactly its residents and households.
// Each household lives at a civic number of the section drawn at random, so buildings in dense
// zones hold several households.
func (c *city) fillSection(rng *rand.Rand, si int) {
	s := c.sections[si]
	place := c.place[c.zoneOf[si]]
	pNonUE := min(0.30, max(0.03, 0.105+0.045*place))
	types := make([]hhType, s.Households)
	sizes := make([]int, s.Households)
	cits := make([]citizenship, s.Households)
	for k := range types {
		cits[k] = drawCitizenship(rng, pNonUE)
		types[k] = drawType(rng, cits[k])
		sizes[k] = drawSize(rng, types[k])
	}
	fitSizes(rng, types, sizes, s.Residents)
	civics := c.reg.bySection[si]
	for k := range types {
		h := household{section: int32(si), first: int32(len(c.people)), size: uint8(sizes[k]), typ: types[k], cit: cits[k]}
		switch h.cit {
		case ue:
			h.country = pickCountry(rng, euCountries)
		case nonUE:
			h.country = pickCountry(rng, nonEUCountries)
		}
		h.civic = civics[rng.IntN(len(civics))]
		h.address = c.reg.address[h.civic]
		h.cap = c.reg.caps[si]
		h.pt = c.reg.civics[h.civic].pt
		c.addMembers(rng, &h)
		c.hh = append(c.hh, h)
	}
}

func drawCitizenship(rng *rand.Rand, pNonUE float64) citizenship {
	u := rng.Float64()
	switch {
	case u < pNonUE:
		return nonUE
	case u < pNonUE+0.025:
		return ue
	}
	return italiana
}

func drawType(rng *rand.Rand, cit citizenship) hhType {
	shares := typeSharesItalian
	if cit != italiana {
		shares = typeSharesForeign
	}
	u := rng.Float64()
	for t, p := range shares {
		if u < p {
			return hhType(t)
		}
		u -= p
	}
	return altro
}

// drawSize draws a household size for the type: the minimum plus a few extra members.
func drawSize(rng *rand.Rand, t hhType) int {
	extra := [...][]float64{
		unipersonale:     {1},
		coppiaSenzaFigli: {1},
		coppiaConFigli:   {0.45, 0.40, 0.12, 0.03},
		monogenitore:     {0.65, 0.28, 0.07},
		altro:            {0.50, 0.30, 0.15, 0.05},
	}[t]
	u := rng.Float64()
	for k, p := range extra {
		if u < p {
			return minSize[t] + k
		}
		u -= p
	}
	return minSize[t] + len(extra) - 1
}

// fitSizes adjusts sizes (and, if needed, types) so they sum to residents.
func fitSizes(rng *rand.Rand, types []hhType, sizes []int, residents int) {
	sum := 0
	for _, s := range sizes {
		sum += s
	}
	for guard := 0; sum != residents && guard < 100*residents+100; guard++ {
		k := rng.IntN(len(sizes))
		t := types[k]
		growable := t == coppiaConFigli || t == monogenitore || t == altro
		switch {
		case sum < residents && growable && sizes[k] < maxHouseholdSize:
			sizes[k]++
			sum++
		case sum < residents && guard > 20*len(sizes) && t == unipersonale:
			types[k], sizes[k] = coppiaSenzaFigli, 2
			sum++
		case sum > residents && sizes[k] > minSize[t]:
			sizes[k]--
			sum--
		case sum > residents && guard > 20*len(sizes) && sizes[k] == 2:
			types[k], sizes[k] = unipersonale, 1
			sum--
		case sum > residents && guard > 20*len(sizes) && t == coppiaConFigli:
			types[k], sizes[k] = coppiaSenzaFigli, 2
			sum--
		}
	}
}

// addMembers draws the members of h consistently with its type and builds their fiscal codes.
func (c *city) addMembers(rng *rand.Rand, h *household) {
	names := &italianNames
	if h.cit != italiana {
		names = h.country.names
	}
	ms := drawMembers(rng, h.typ, int(h.size), h.cit, names)
	hi := int32(len(c.hh))
	for _, m := range ms {
		m.age = min(m.age, maxAge)
		birth := c.ref.AddDate(-(m.age + 1), 0, 1+rng.IntN(365))
		place := birthplace(rng, h, m.age)
		cf := c.uniqueCode(rng, m, names, birth, place)
		c.people = append(c.people, person{cf: cf, birth: birth, hh: hi, age: int16(m.age), female: m.female})
	}
}

// drawMembers returns ages, sexes and surnames of the members of a household.
func drawMembers(rng *rand.Rand, t hhType, size int, cit citizenship, names *namePool) []member {
	sur := func() string { return pick(rng, names.surnames) }
	family := sur()
	ms := make([]member, 0, size)
	switch t {
	case unipersonale:
		age := singleAge(rng, cit)
		female := rng.Float64() < 0.5
		if age >= 65 {
			female = rng.Float64() < 0.7
		}
		ms = append(ms, member{age, female, family})
	case coppiaSenzaFigli:
		man, pOld := 24+rng.IntN(36), 0.15
		if cit == italiana {
			pOld = 0.72
		}
		if rng.Float64() < pOld {
			man = min(maxAge, 60+int(math.Abs(rng.NormFloat64())*12))
		}
		ms = append(ms, member{man, false, family}, member{max(19, man-rng.IntN(6)), true, sur()})
	case coppiaConFigli:
		father := 32 + rng.IntN(10) + rng.IntN(12) + rng.IntN(12)
		mother := max(20, father-rng.IntN(7))
		ms = append(ms, member{father, false, family}, member{mother, true, sur()})
		ms = appendChildren(rng, ms, size-2, mother, 32, family)
	case monogenitore:
		parent := 30 + rng.IntN(25) + rng.IntN(25)
		ms = append(ms, member{parent, rng.Float64() < 0.8, family})
		ms = appendChildren(rng, ms, size-1, parent, 40, family)
	default: // altro: relatives or cohabitants, sometimes with a child
		for k := 0; k < size; k++ {
			age := 18 + rng.IntN(80)
			if k > 0 && rng.Float64() < 0.2 {
				age = rng.IntN(18)
			}
			ms = append(ms, member{age, rng.Float64() < 0.5, sur()})
		}
	}
	return ms
}

// singleAge draws the age of a person living alone: many Italian singles are elderly.
func singleAge(rng *rand.Rand, cit citizenship) int {
	pOld := 0.66
	if cit != italiana {
		pOld = 0.05
	}
	if rng.Float64() < pOld {
		return min(maxAge, 65+int(math.Abs(rng.NormFloat64())*13))
	}
	return 20 + rng.IntN(45)
}

func appendChildren(rng *rand.Rand, ms []member, n, parentAge, maxChild int, surname string) []member {
	top := max(1, min(parentAge-18, maxChild))
	for k := 0; k < n; k++ {
		age := rng.IntN(top)
		if rng.Float64() < 0.4 { // many children still at home are grown up
			age = max(age, rng.IntN(top))
		}
		ms = append(ms, member{age, rng.Float64() < 0.49, surname})
	}
	return ms
}

// birthplace chooses a cadastral code: Modena or elsewhere in Italy for Italians; the
// household's country for foreigners, or Modena for some of their children.
func birthplace(rng *rand.Rand, h *household, age int) string {
	if h.cit != italiana {
		if age < 18 && rng.Float64() < 0.6 {
			return modenaCode
		}
		return h.country.code
	}
	pModena := 0.5
	if age < 40 {
		pModena = 0.7
	}
	if rng.Float64() < pModena {
		return modenaCode
	}
	return pick(rng, italianBirthplaces)
}

// uniqueCode builds a fiscal code not used before; on a collision it draws another given name
// and, failing that, an arbitrary name block.
func (c *city) uniqueCode(rng *rand.Rand, m member, names *namePool, birth time.Time, place string) string {
	given := names.male
	if m.female {
		given = names.female
	}
	sb := surnameBlock(m.surname)
	for try := 0; ; try++ {
		nb := nameBlock(pick(rng, given))
		if try >= 10 {
			nb = string([]byte{byte('A' + rng.IntN(26)), byte('A' + rng.IntN(26)), byte('A' + rng.IntN(26))})
		}
		cf := codicefiscale.Encode(sb, nb, birth, m.female, place)
		if _, dup := c.cfs[cf]; !dup {
			c.cfs[cf] = struct{}{}
			return cf
		}
	}
}

// capFor assigns a postcode by area: the historic centre is 41121, the rest by bearing from it.
func capFor(zone string, p, centre orb.Point) string {
	if zone == "B3" {
		return "41121"
	}
	bearing := math.Atan2(p[1]-centre[1], (p[0]-centre[0])*math.Cos(centre[1]*math.Pi/180)) * 180 / math.Pi
	if bearing < 0 {
		bearing += 360
	}
	switch {
	case bearing < 120:
		return "41122" // north and north-east
	case bearing < 200:
		return "41123" // west
	case bearing < 250:
		return "41126" // south-west
	case bearing < 300:
		return "41124" // south
	}
	return "41125" // south-east
}

func zoneCentre(zones []modena.OMIZone, code string) orb.Point {
	for _, z := range zones {
		if z.Code == code {
			c, _ := planar.CentroidArea(z.Geometry)
			return c
		}
	}
	return orb.Point{10.9255, 44.6458}
}
