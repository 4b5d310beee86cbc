package lpaudit

import (
	"math/rand/v2"
	"slices"
)

// City is a generated table of counts shaped like the restricted outputs: an H3-like tree of
// hexagons (fan children each), whose finest cells are split into pieces by a second partition
// (census sections, grouped into districts, grouped into the municipality); pieces are never
// shown. With three figures every area has a total and two parts (total = a + b).
type City struct {
	Values []int
	Shown  []bool
	Floor  []int // 1 for a withheld count, 0 for a piece
	Piece  []bool
	Sums   []Sum
}

// CityParams sizes a generated city.
type CityParams struct {
	Leaves  int     // finest hexagons
	Fan     int     // children per hexagon
	Split   float64 // probability that a hexagon is cut by a section boundary
	Section int     // pieces per section, about
	Ward    int     // sections per district
	Mean    float64 // mean total count of a piece
	Figures int     // 1, or 3 (total, a, b)
	Extra   float64 // probability of withholding a further shown member of a relation with two unknowns
}

// NewCity generates a city and withholds its small counts (1 to 4) and, as the singleton rule
// of secondary suppression does, a further member of every relation with a single unknown.
func NewCity(rng *rand.Rand, p CityParams) City {
	var c City
	figures := max(p.Figures, 1)
	// area adds an area with its per-figure counts; returns the cell of its first figure.
	area := func(vals []int, piece bool) int {
		first := len(c.Values)
		for f := range figures {
			c.Values = append(c.Values, vals[f])
			c.Piece = append(c.Piece, piece)
		}
		if figures == 3 {
			c.Sums = append(c.Sums, Sum{Whole: first, Parts: []int{first + 1, first + 2}})
		}
		return first
	}
	// whole adds an area that is the sum of areas (by first cell) and its relations.
	whole := func(parts []int) int {
		vals := make([]int, figures)
		for _, q := range parts {
			for f := range figures {
				vals[f] += c.Values[q+f]
			}
		}
		w := area(vals, false)
		for f := range figures {
			s := Sum{Whole: w + f}
			for _, q := range parts {
				s.Parts = append(s.Parts, q+f)
			}
			c.Sums = append(c.Sums, s)
		}
		return w
	}
	piece := func() int {
		t := int(rng.ExpFloat64() * p.Mean)
		vals := []int{t}
		if figures == 3 {
			a := 0
			for range t {
				if rng.Float64() < 0.35 {
					a++
				}
			}
			vals = []int{t, a, t - a}
		}
		return area(vals, true)
	}
	var sections [][]int // pieces of each section
	cur := []int{}
	var level []int // hexagons of the current resolution
	for range p.Leaves {
		var pieces []int
		pieces = append(pieces, piece())
		cur = append(cur, pieces[0])
		if rng.Float64() < p.Split {
			sections, cur = append(sections, cur), nil
			q := piece()
			pieces = append(pieces, q)
			cur = append(cur, q)
		}
		level = append(level, whole(pieces))
		if len(cur) >= p.Section && rng.Float64() < 0.5 {
			sections, cur = append(sections, cur), nil
		}
	}
	if len(cur) > 0 {
		sections = append(sections, cur)
	}
	for len(level) > 1 {
		var up []int
		for i := 0; i < len(level); i += p.Fan {
			up = append(up, whole(level[i:min(i+p.Fan, len(level))]))
		}
		level = up
	}
	var secs, wards []int
	for _, s := range sections {
		secs = append(secs, whole(s))
	}
	for i := 0; i < len(secs); i += p.Ward {
		wards = append(wards, whole(secs[i:min(i+p.Ward, len(secs))]))
	}
	whole(wards)

	n := len(c.Values)
	c.Shown, c.Floor = make([]bool, n), make([]int, n)
	for i, v := range c.Values {
		switch {
		case c.Piece[i]:
		case v >= 1 && v <= 4:
			c.Floor[i] = 1
		default:
			c.Shown[i] = true
		}
	}
	c.closeSingletons(rng, p.Extra)
	return c
}

// Small is whether count i is a withheld small count.
func (c City) Small(i int) bool {
	return !c.Piece[i] && !c.Shown[i] && c.Values[i] >= 1 && c.Values[i] <= 4
}

// Targets lists the withheld small counts.
func (c City) Targets() []Target {
	var ts []Target
	for i, v := range c.Values {
		if c.Small(i) {
			ts = append(ts, Target{Var: i, Truth: v})
		}
	}
	return ts
}

// Model is the attacker's model of the city.
func (c City) Model() Model {
	m, err := FromSums(c.Values, c.Shown, c.Floor, c.Sums)
	if err != nil {
		panic(err)
	}
	return m
}

// closeSingletons withholds, until none is left, a shown non-zero member of every relation
// whose only unknown member is withheld or a small piece (the smallest, or with probability
// extra a random one); with probability extra it also withholds a member of a relation with two.
func (c City) closeSingletons(rng *rand.Rand, extra float64) {
	for changed := true; changed; {
		changed = false
		for _, s := range c.Sums {
			cells := append([]int{s.Whole}, s.Parts...)
			unknown, last := 0, -1
			var shown []int
			for _, x := range cells {
				if !c.Shown[x] {
					unknown++
					last = x
				} else if c.Values[x] > 0 {
					shown = append(shown, x)
				}
			}
			if len(shown) == 0 {
				continue
			}
			single := unknown == 1 && (!c.Piece[last] || (c.Values[last] >= 1 && c.Values[last] <= 4))
			if !single && !(unknown == 2 && rng.Float64() < extra/4) {
				continue
			}
			pick := slices.MinFunc(shown, func(a, b int) int { return c.Values[a] - c.Values[b] })
			if rng.Float64() < extra {
				pick = shown[rng.IntN(len(shown))]
			}
			c.Shown[pick], c.Floor[pick], changed = false, 1, true
		}
	}
}

// join puts two cities side by side, as separate tables.
func (c City) join(d City) City {
	n := len(c.Values)
	out := City{
		Values: append(slices.Clone(c.Values), d.Values...),
		Shown:  append(slices.Clone(c.Shown), d.Shown...),
		Floor:  append(slices.Clone(c.Floor), d.Floor...),
		Piece:  append(slices.Clone(c.Piece), d.Piece...),
		Sums:   slices.Clone(c.Sums),
	}
	for _, s := range d.Sums {
		parts := make([]int, len(s.Parts))
		for i, p := range s.Parts {
			parts[i] = p + n
		}
		out.Sums = append(out.Sums, Sum{Whole: s.Whole + n, Parts: parts})
	}
	return out
}
