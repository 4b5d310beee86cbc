// Package secondary chooses the secondary suppressions that keep withheld small counts from
// being recovered by subtraction, and runs the attack that checks it.
//
// # The problem
//
// Restricted outputs show true counts, except those from 1 to threshold-1 (primary
// suppression, disclosure.Withheld). Counts are additive: an H3 cell holds the people of its
// seven children, an OMI district those of its census sections, an area's people in a domain
// those of the combinations of domains that contain it. When a sum is shown and all but one of
// its parts are, the last part is the difference; when the unknown parts of a sum are few and
// small, their sizes are pinned down too. Secondary suppression withholds further, larger counts
// so that this cannot happen.
//
// A Problem is a table of cells (true counts) and the additive relations between them
// (Equation: whole = sum of parts). Cells marked Hidden are never shown on their own but are
// known wherever their relation makes them derivable (the people helped = people in need -
// those without help). Protect returns the cells to withhold.
//
// # What is guaranteed
//
// The attacker knows every shown count, knows that a withheld count is at least 1 (zeros are
// always shown) and knows every relation. Attack propagates these intervals through the
// relations until nothing changes (the same propagation as the attack suite of the public
// outputs). A small cell is disclosed when its interval holds fewer than Problem.Range values
// (default DefaultRange, 3): with Range 2 the attacker could never recover a small count
// exactly; with 3 never narrow it to two neighbouring values either. Protect returns a
// suppression under which no small cell is disclosed by that attack, or an error.
//
// The wider the range, the more is withheld; asking that a small count's interval reach the
// threshold (so that the attacker could not even tell it is small) withholds most of a fine
// grid, because a small area's parts are all small (a cell of 5 made of 3 and 2).
//
// # The method
//
//  1. Primary cells (shown or hidden, 1 to threshold-1) are withheld.
//
//  2. No relation may have exactly one unknown member that is withheld, or hidden and small:
//     that member would be the difference of the others. (Hidden cells are unknown to the
//     attacker; one of zero or at least the threshold may be derived.) Such a relation gets a second
//     withheld member: its smallest shown non-zero count, preferring parts to the whole and
//     avoiding cells marked Costly (a municipality's totals), so that as little as possible is
//     lost. Each new suppression can leave another relation with one unknown; the rule is
//     applied until none is left.
//
//  3. The attack is run. For a disclosed small cell, the relation that bounds it from above
//     gets another withheld member, large enough to widen its interval to Range values; when
//     that relation has nothing shown left, the member that bounds it is widened in turn.
//     Back to 2.
//
//  4. With Problem.Exact, once the attack discloses nothing, the linear-programming attacker
//     (package lpaudit) solves the least and greatest value of every withheld small count
//     over every relation at once. A count it narrows, or that the solver could not settle
//     (not proven safe), gets withheld what releases its range: lpaudit.Blockers reads the
//     dual certificate of its least and greatest value (the shown counts with a non-zero
//     reduced cost: withholding one lets that optimum move), withholds the cheapest of them
//     in its programme (not costly before costly, the smallest count, a part before its
//     whole), solves again, and so on until the count holds Range values. A count with
//     nothing to release (the solver failed again, or only zeros and fixed cells hold it),
//     or narrowed more than three times, gets the cheapest shown member of every equation
//     around it withheld, in a neighbourhood that widens each time. Back to 2, until the
//     exact attacker narrows nothing.
//
// This is the hierarchical heuristic of statistical offices (the "no singleton" rule of
// τ-ARGUS's HiTaS, applied to any set of linear relations) with a check by attack instead of an
// optimal linear programme: it withholds more than an optimum would, never less than the
// attack requires.
package secondary

import (
	"errors"
	"fmt"
)

// Equation says that the true count of Whole is the sum of the true counts of Parts (cell
// indexes into Problem.Values).
type Equation struct {
	Whole int
	Parts []int
}

// Problem is a table of true counts and the relations between them.
type Problem struct {
	Values []int
	Hidden []bool // never shown on its own; nil means none is hidden
	Costly []bool // withhold only when nothing else will do; nil means none is
	// Fixed cells are shown by another output whatever this protection decides (a map's
	// figure that a finer table repeats): known to the attacker and never withheld. nil means
	// none is. A fixed cell may not be small.
	Fixed     []bool
	Equations []Equation
	Threshold int // counts from 1 to Threshold-1 are primary suppressions
	// Range is how many values the attacker's interval for a small count must hold at least;
	// 0 means DefaultRange.
	Range int
	// Exact adds the linear-programming attacker (package lpaudit) to the check: once interval
	// propagation discloses nothing, no withheld small count may have fewer than Range values
	// over the real solutions of every relation at once.
	Exact bool
}

// DefaultRange: no small count can be narrowed to fewer than three values.
const DefaultRange = 3

func (p Problem) minRange() int {
	if p.Range > 0 {
		return p.Range
	}
	return DefaultRange
}

// Interval is what an attacker knows of a true count: Lo <= count <= Hi.
type Interval struct{ Lo, Hi int }

// Unbounded is the upper end of an interval with no upper bound.
const Unbounded = 1 << 40

// Result is a suppression and what made it.
type Result struct {
	Withheld  []bool `json:"-"`         // by cell: not shown
	Primary   int    `json:"primary"`   // cells withheld because they are small
	Secondary int    `json:"secondary"` // cells withheld to protect them
	Rounds    int    `json:"rounds"`    // attack rounds until none was disclosed
	// ExactRounds counts the rounds of the exact attacker (Problem.Exact), the last of which
	// narrowed nothing; ExactNarrowed the small counts it narrowed in all.
	ExactRounds   int `json:"exact_rounds,omitempty"`
	ExactNarrowed int `json:"exact_narrowed,omitempty"`
}

// maxRounds bounds the attack rounds; each round withholds at least one more cell, and the
// demo city needs fewer than ten.
const maxRounds = 200

// Protect chooses the cells to withhold. It fails if the problem is malformed or if the
// attack still discloses a primary cell when no cell is left to withhold.
func Protect(p Problem) (Result, error) {
	if err := p.validate(); err != nil {
		return Result{}, err
	}
	t := newTable(p)
	res := Result{}
	for i := range p.Values {
		if t.primary(i) && !p.hidden(i) {
			t.withhold(i)
			res.Primary++
		}
	}
	seen := map[int]int{} // how often the exact attack narrowed each cell
	for res.Rounds = 1; res.Rounds <= maxRounds; res.Rounds++ {
		t.closeSingletons()
		iv := attack(p, t.withheld, t.byCell)
		disclosed := t.disclosed(iv)
		if len(disclosed) == 0 && p.Exact {
			narrowed, m, err := t.exactAttack()
			if err != nil {
				return res, err
			}
			res.ExactRounds++
			res.ExactNarrowed += len(narrowed)
			if len(narrowed) > 0 {
				if !t.answerExact(m, narrowed, seen) {
					return res, fmt.Errorf("secondary suppression: %d small counts stay narrowed by the exact attack with nothing left to withhold (e.g. cell %d)", len(narrowed), narrowed[0])
				}
				continue
			}
		}
		if len(disclosed) == 0 {
			res.Withheld = t.withheld
			for i := range p.Values {
				if t.withheld[i] && !t.primary(i) {
					res.Secondary++
				}
			}
			return res, nil
		}
		progress, done, visited := false, make([]bool, len(p.Equations)), make([]bool, len(p.Values))
		for _, c := range disclosed {
			if t.widen(c, iv[c].Lo+p.minRange()-1, iv, done, visited) {
				progress = true
			}
		}
		if !progress {
			return res, fmt.Errorf("secondary suppression: %d small counts stay disclosed with nothing left to withhold (e.g. cell %d)", len(disclosed), disclosed[0])
		}
	}
	return res, fmt.Errorf("secondary suppression: no protection after %d rounds", maxRounds)
}

func (p Problem) validate() error {
	if p.Threshold < 1 {
		return fmt.Errorf("secondary suppression: threshold %d: want at least 1", p.Threshold)
	}
	if p.Range < 0 {
		return fmt.Errorf("secondary suppression: range %d: want at least 1, or 0 for the default", p.Range)
	}
	n := len(p.Values)
	if (p.Hidden != nil && len(p.Hidden) != n) || (p.Costly != nil && len(p.Costly) != n) || (p.Fixed != nil && len(p.Fixed) != n) {
		return errors.New("secondary suppression: Hidden, Costly and Fixed must have one entry per cell")
	}
	for i := range p.Fixed {
		if p.fixed(i) && (p.hidden(i) || (p.Values[i] >= 1 && p.Values[i] < p.Threshold)) {
			return fmt.Errorf("secondary suppression: cell %d is fixed (shown elsewhere) but hidden or small (%d)", i, p.Values[i])
		}
	}
	for i, v := range p.Values {
		if v < 0 {
			return fmt.Errorf("secondary suppression: cell %d has a negative count %d", i, v)
		}
	}
	for k, e := range p.Equations {
		for _, c := range append([]int{e.Whole}, e.Parts...) {
			if c < 0 || c >= n {
				return fmt.Errorf("secondary suppression: equation %d names cell %d of %d", k, c, n)
			}
		}
		sum := 0
		for _, c := range e.Parts {
			sum += p.Values[c]
		}
		if sum != p.Values[e.Whole] {
			return &UnbalancedError{Equation: k, Whole: e.Whole, Value: p.Values[e.Whole], Sum: sum}
		}
	}
	return nil
}

// UnbalancedError is a relation that does not hold on the true counts: whoever built the
// problem disagrees with the data on how counts add up, and nothing can be protected until
// they agree. Callers can name the cells for their users.
type UnbalancedError struct {
	Equation   int // index in Problem.Equations
	Whole      int // the equation's whole cell
	Value, Sum int // the whole's count, and its parts' sum
}

func (e *UnbalancedError) Error() string {
	return fmt.Sprintf("secondary suppression: equation %d does not hold: cell %d is %d, its parts sum to %d", e.Equation, e.Whole, e.Value, e.Sum)
}

func (p Problem) hidden(i int) bool { return p.Hidden != nil && p.Hidden[i] }
func (p Problem) costly(i int) bool { return p.Costly != nil && p.Costly[i] }
func (p Problem) fixed(i int) bool  { return p.Fixed != nil && p.Fixed[i] }

// Attack returns what an attacker learns of every cell from the shown counts, the withheld
// cells' being at least 1, and the relations, propagated until nothing changes.
func Attack(p Problem, withheld []bool) []Interval {
	return attack(p, withheld, equationsByCell(p))
}

// attack is Attack with the equations of each cell (byCell) already listed.
func attack(p Problem, withheld []bool, byCell [][]int) []Interval {
	iv := make([]Interval, len(p.Values))
	for i, v := range p.Values {
		switch {
		case withheld[i]:
			iv[i] = Interval{1, Unbounded}
		case p.hidden(i):
			iv[i] = Interval{0, Unbounded}
		default:
			iv[i] = Interval{v, v}
		}
	}
	queued := make([]bool, len(p.Equations))
	queue := make([]int, 0, len(p.Equations))
	for k := range p.Equations {
		queue, queued[k] = append(queue, k), true
	}
	for len(queue) > 0 {
		k := queue[0]
		queue, queued[k] = queue[1:], false
		for _, c := range narrow(p.Equations[k], iv) {
			for _, k2 := range byCell[c] {
				if !queued[k2] {
					queue, queued[k2] = append(queue, k2), true
				}
			}
		}
	}
	return iv
}

// narrow tightens the intervals of one equation's cells and returns the cells it changed.
func narrow(e Equation, iv []Interval) []int {
	sumLo, sumHi := 0, 0
	for _, c := range e.Parts {
		sumLo += iv[c].Lo
		sumHi = addHi(sumHi, iv[c].Hi)
	}
	var changed []int
	set := func(c, lo, hi int) {
		n := Interval{max(iv[c].Lo, lo), min(iv[c].Hi, hi)}
		if n != iv[c] {
			iv[c] = n
			changed = append(changed, c)
		}
	}
	w := iv[e.Whole]
	set(e.Whole, sumLo, sumHi)
	w = iv[e.Whole]
	for _, c := range e.Parts {
		othersLo := sumLo - iv[c].Lo
		lo := 0
		if othersHi := subHi(sumHi, iv[c].Hi); othersHi < Unbounded {
			lo = w.Lo - othersHi
		}
		hi := Unbounded
		if w.Hi < Unbounded {
			hi = w.Hi - othersLo
		}
		set(c, lo, hi)
	}
	return changed
}

// addHi and subHi add and take back upper ends; an unbounded end stays unbounded. subHi
// needs the count of unbounded parts, which addHi keeps above Unbounded: each unbounded part
// adds Unbounded, so the sum minus one unbounded part is still unbounded while another is left.
func addHi(sum, hi int) int { return sum + hi }

func subHi(sum, hi int) int {
	rest := sum - hi
	if rest >= Unbounded {
		return Unbounded
	}
	return rest
}

func equationsByCell(p Problem) [][]int {
	byCell := make([][]int, len(p.Values))
	for k, e := range p.Equations {
		byCell[e.Whole] = append(byCell[e.Whole], k)
		for _, c := range e.Parts {
			byCell[c] = append(byCell[c], k)
		}
	}
	return byCell
}
