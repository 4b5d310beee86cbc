package geocode

import (
	"sort"
	"sync"

	"github.com/paulmach/orb"
)

// Quality says how a record was placed.
type Quality string

// Match qualities, best first. They are stored with each event.
const (
	Coordinates  Quality = "coordinates"   // the record came with coordinates
	AddressExact Quality = "address_exact" // street and number found as written (after normalisation)
	AddressFuzzy Quality = "address_fuzzy" // street found by similarity, or the number without its suffix
	Street       Quality = "street"        // street found, number not: the street's centroid (flagged)
	None         Quality = "none"          // not placed: reported, kept without a location
	OutOfArea    Quality = "out_of_area"   // the record's comune is outside the territory: kept, not placed
)

// MinSimilarity is the trigram similarity a street name must reach to be taken as a match.
const MinSimilarity = 0.55

// Point is one civic number of the register, in its municipality (six-digit ISTAT code; ""
// for a register of one comune that does not say which).
type Point struct {
	Municipality string
	StreetKey    string
	Number       HouseNumber
	Postcode     string
	Location     orb.Point
}

// Register holds the address points of the study area, one street index per municipality: the
// same street name in two comuni (every comune has its Via Roma) is two streets, and a record
// is matched only among the streets of its own comune.
type Register struct {
	byMunicipality map[string]*streets
}

// streets is the street index of one municipality.
type streets struct {
	numbers   map[string]map[HouseNumber]orb.Point // street key -> number -> point
	centroids map[string]orb.Point
	streets   []street

	mu    sync.Mutex
	fuzzy map[string]string // memo: normalised input street -> matched key ("" for none)

	// postings lists, for each trigram, the streets (indexes into streets) that have it.
	postings map[string][]int32
}

type street struct {
	key   string
	nTris int
}

// NewRegister indexes the points.
func NewRegister(points []Point) *Register {
	groups := map[string][]Point{}
	for _, p := range points {
		groups[p.Municipality] = append(groups[p.Municipality], p)
	}
	r := &Register{byMunicipality: make(map[string]*streets, len(groups))}
	for m, ps := range groups {
		r.byMunicipality[m] = newStreets(ps)
	}
	return r
}

func newStreets(points []Point) *streets {
	r := &streets{numbers: map[string]map[HouseNumber]orb.Point{}, centroids: map[string]orb.Point{}, fuzzy: map[string]string{}}
	sums := map[string][3]float64{}
	for _, p := range points {
		m := r.numbers[p.StreetKey]
		if m == nil {
			m = map[HouseNumber]orb.Point{}
			r.numbers[p.StreetKey] = m
		}
		m[p.Number] = p.Location
		s := sums[p.StreetKey]
		sums[p.StreetKey] = [3]float64{s[0] + p.Location.Lon(), s[1] + p.Location.Lat(), s[2] + 1}
	}
	keys := make([]string, 0, len(sums))
	for k, s := range sums {
		r.centroids[k] = orb.Point{s[0] / s[2], s[1] / s[2]}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	r.postings = map[string][]int32{}
	for i, k := range keys {
		tris := trigrams(k)
		r.streets = append(r.streets, street{key: k, nTris: len(tris)})
		for t := range tris {
			r.postings[t] = append(r.postings[t], int32(i))
		}
	}
	return r
}

// Streets is the number of streets in the register, over all its municipalities.
func (r *Register) Streets() int {
	n := 0
	for _, s := range r.byMunicipality {
		n += len(s.streets)
	}
	return n
}

// Municipalities lists the municipalities the register has addresses for.
func (r *Register) Municipalities() []string {
	out := make([]string, 0, len(r.byMunicipality))
	for m := range r.byMunicipality {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// Result is where an address was placed, and how well.
type Result struct {
	Location  orb.Point
	Quality   Quality
	StreetKey string // the register's street, when one matched
}

// Locate places a street and house number of a municipality, among that municipality's streets
// only. An empty municipality stands for the register's only one; in a register of several it
// matches nothing, and so does a municipality the register lacks. A zero number (unknown) places at the street centroid.
func (r *Register) Locate(municipality, streetName string, number HouseNumber) Result {
	s := r.byMunicipality[municipality]
	if s == nil && len(r.byMunicipality) == 1 {
		// A record that does not say its comune, in a register of one; or a register that does
		// not say its comune (key ""), which is then every record's.
		for m, only := range r.byMunicipality {
			if municipality == "" || m == "" {
				s = only
			}
		}
	}
	if s == nil {
		return Result{Quality: None}
	}
	return s.locate(streetName, number)
}

func (r *streets) locate(streetName string, number HouseNumber) Result {
	key := StreetKey(streetName)
	quality := AddressExact
	if _, ok := r.numbers[key]; !ok {
		key = r.similarStreet(key)
		quality = AddressFuzzy
		if key == "" {
			return Result{Quality: None}
		}
	}
	nums := r.numbers[key]
	if p, ok := nums[number]; ok && number.Number > 0 {
		return Result{Location: p, Quality: quality, StreetKey: key}
	}
	if p, ok := nums[HouseNumber{Number: number.Number}]; ok && number.Suffix != "" {
		return Result{Location: p, Quality: AddressFuzzy, StreetKey: key}
	}
	return Result{Location: r.centroids[key], Quality: Street, StreetKey: key}
}

// similarStreet returns the register's street most similar to key, if similar enough. Results
// are memoised: an export repeats the same few thousand streets.
func (r *streets) similarStreet(key string) string {
	r.mu.Lock()
	match, seen := r.fuzzy[key]
	r.mu.Unlock()
	if seen {
		return match
	}
	// Count shared trigrams through the postings instead of comparing with every street.
	tris := trigrams(key)
	shared := map[int32]int{}
	for t := range tris {
		for _, i := range r.postings[t] {
			shared[i]++
		}
	}
	best, bestSim := "", MinSimilarity
	for i, n := range shared {
		s := r.streets[i]
		sim := float64(n) / float64(len(tris)+s.nTris-n)
		if sim > bestSim || (sim == bestSim && best != "" && s.key < best) {
			best, bestSim = s.key, sim
		}
	}
	r.mu.Lock()
	r.fuzzy[key] = best
	r.mu.Unlock()
	return best
}
