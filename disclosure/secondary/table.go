package secondary

import "sort"

// table is a problem being protected: which cells are withheld so far.
type table struct {
	p        Problem
	withheld []bool
	byCell   [][]int
}

func newTable(p Problem) *table {
	return &table{p: p, withheld: make([]bool, len(p.Values)), byCell: equationsByCell(p)}
}

// primary reports whether a cell is a small count that must not be disclosed.
func (t *table) primary(c int) bool {
	v := t.p.Values[c]
	return v >= 1 && v < t.p.Threshold
}

func (t *table) withhold(c int) { t.withheld[c] = true }

// unknown reports whether the attacker does not read a cell directly: it is withheld or hidden.
func (t *table) unknown(c int) bool { return t.withheld[c] || t.p.hidden(c) }

// closeSingletons withholds cells until no equation has exactly one unknown member that must
// not be derived: a withheld cell, or a hidden small one (a hidden count of zero or at least
// the threshold may be derived freely).
func (t *table) closeSingletons() {
	queue := make([]int, 0, len(t.p.Equations))
	for k := range t.p.Equations {
		queue = append(queue, k)
	}
	for len(queue) > 0 {
		k := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if u, n := t.onlyUnknown(k); n != 1 || (t.p.hidden(u) && !t.primary(u)) {
			continue
		}
		c, ok := t.cheapestShown(k, 1)
		if !ok {
			continue // every other member is zero: the unknown is the whole, or zero itself
		}
		t.withhold(c)
		queue = append(queue, t.byCell[c]...)
	}
}

// onlyUnknown counts the unknown members of equation k and returns one of them.
func (t *table) onlyUnknown(k int) (cell, n int) {
	e := t.p.Equations[k]
	for _, c := range append([]int{e.Whole}, e.Parts...) {
		if t.unknown(c) {
			cell, n = c, n+1
		}
	}
	return cell, n
}

// cheapestShown picks, among an equation's shown cells of at least min people, the one whose
// withholding loses least: not costly before costly, a part before the whole, then the smallest.
// Cells under min are taken only when none reaches it, the largest first.
func (t *table) cheapestShown(k, min int) (int, bool) {
	e := t.p.Equations[k]
	var cands []int
	for _, c := range append([]int{e.Whole}, e.Parts...) {
		if !t.unknown(c) && t.p.Values[c] >= 1 && !t.p.fixed(c) {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return 0, false
	}
	rank := func(c int) [4]int {
		under, v := 0, t.p.Values[c]
		if v < min {
			under, v = 1, -v
		}
		costly, whole := 0, 0
		if t.p.costly(c) {
			costly = 1
		}
		if c == e.Whole {
			whole = 1
		}
		return [4]int{costly, under, whole, v}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := rank(cands[i]), rank(cands[j])
		for x := range a {
			if a[x] != b[x] {
				return a[x] < b[x]
			}
		}
		return cands[i] < cands[j]
	})
	return cands[0], true
}

// disclosed lists the small cells whose interval holds fewer values than the problem's range.
func (t *table) disclosed(iv []Interval) []int {
	var out []int
	for c := range t.p.Values {
		if t.primary(c) && iv[c].Hi-iv[c].Lo+1 < t.p.minRange() {
			out = append(out, c)
		}
	}
	return out
}

// widen withholds one more cell so that a cell's upper bound can reach target. It looks at
// the equations that bound the cell below target: one with a shown cell large enough gets it
// withheld; otherwise the bound comes from a withheld member's own bound, which is widened in
// turn by the same deficit. It reports whether it withheld a cell. An equation already widened
// in this round (done) and a cell already looked at (visited) are left for the next attack to
// judge: that keeps a round linear in the size of the table.
func (t *table) widen(c, target int, iv []Interval, done, visited []bool) bool {
	if visited[c] {
		return false
	}
	visited[c] = true
	type bound struct{ eq, hi int }
	var bounds []bound
	for _, k := range t.byCell[c] {
		if hi := boundFrom(t.p.Equations[k], c, iv); hi < target && !done[k] {
			bounds = append(bounds, bound{k, hi})
		}
	}
	sort.SliceStable(bounds, func(i, j int) bool { return bounds[i].hi < bounds[j].hi })
	for _, b := range bounds {
		need := target - b.hi + 1 // a withheld cell of v people adds v-1 to the bound
		if cell, ok := t.cheapestShown(b.eq, need); ok {
			t.withhold(cell)
			done[b.eq] = true
			return true
		}
	}
	for _, b := range bounds {
		deficit := target - b.hi
		e := t.p.Equations[b.eq]
		if e.Whole != c {
			if t.widen(e.Whole, iv[e.Whole].Hi+deficit, iv, done, visited) {
				return true
			}
			continue
		}
		for _, p := range e.Parts {
			if t.unknown(p) && t.widen(p, iv[p].Hi+deficit, iv, done, visited) {
				return true
			}
		}
	}
	return false
}

// boundFrom is the upper bound equation e alone puts on cell c.
func boundFrom(e Equation, c int, iv []Interval) int {
	if e.Whole == c {
		sum := 0
		for _, p := range e.Parts {
			if sum += iv[p].Hi; sum >= Unbounded {
				return Unbounded
			}
		}
		return sum
	}
	if iv[e.Whole].Hi >= Unbounded {
		return Unbounded
	}
	hi := iv[e.Whole].Hi
	for _, p := range e.Parts {
		if p != c {
			hi -= iv[p].Lo
		}
	}
	return hi
}
