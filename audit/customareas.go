package audit

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/abitare/abitare/geo/customarea"
	"github.com/abitare/abitare/postgres"
	"github.com/jackc/pgx/v5"
)

// CustomAreaActions are the actions of the entries a custom-area query writes (web/customarea.go).
var CustomAreaActions = []string{"custom area", "custom area report"}

// The report of one user's custom-area queries by overlap. A custom area is a sum of units; two
// selections of the same period and geography that differ by one unit give that unit's figure
// by subtraction, and a unit isolated again and again, beside varying shown units, is the
// pattern of a differencing attack. The report finds every pair of selections that differ by
// one unit, and those that differ by two, over thousands of queries: selections are indexed by
// their sorted ids, and each is hashed as the sum of its ids' hashes, so that the hash of a
// selection with one id (or two) removed is a subtraction, looked up in the index.

// CustomAreaReport is what CustomAreas finds in one user's queries.
type CustomAreaReport struct {
	Actor string    `json:"actor"`
	Since time.Time `json:"since,omitzero"`
	// Queries is how many custom-area entries the user has since then; Selections how many
	// different selections (period, geography and units) they ask for.
	Queries    int `json:"queries"`
	Selections int `json:"selections"`
	// Unreadable entries have a target that is not a whole selection: written before the audit
	// trail recorded whole selections. Unresolved are polygons whose cells could not be found.
	Unreadable int `json:"unreadable"`
	Unresolved int `json:"unresolved"`
	// OneUnitPairs is how many pairs of selections differ by exactly one unit; the list holds
	// the first MaxListedPairs of them, Isolated every unit they isolate, most often first.
	OneUnitPairs      int             `json:"one_unit_pairs"`
	OneUnit           []SelectionPair `json:"one_unit"`
	Isolated          []IsolatedUnit  `json:"isolated"`
	TwoUnitPairs      int             `json:"two_unit_pairs"`
	TwoUnit           []SelectionPair `json:"two_unit"`
	TwoUnitIncomplete bool            `json:"two_unit_incomplete,omitempty"` // the search for pairs differing by two stopped at its budget
	// Differencing is set when some unit is isolated RepeatedIsolation times or more.
	Differencing bool   `json:"differencing"`
	Summary      string `json:"summary"`
}

// SelectionPair is two selections that differ by one or two units.
type SelectionPair struct {
	Period    string        `json:"period"`
	Geography string        `json:"geography"` // the units' (a polygon's are h3_10)
	A         SelectionSide `json:"a"`
	B         SelectionSide `json:"b"`
	OnlyInA   []string      `json:"only_in_a"` // empty when A lies within B
	OnlyInB   []string      `json:"only_in_b"`
}

// SelectionSide is one selection of a pair: its units, its digest and the entries that ask it.
type SelectionSide struct {
	Units   int     `json:"units"`
	Digest  string  `json:"digest"` // of the first entry asking for it (a polygon's and its cells' differ)
	Seqs    []int64 `json:"seqs"`   // the entries, at most maxSeqs of them
	Queries int     `json:"queries"`
}

// IsolatedUnit is a unit some pairs of selections differ by alone.
type IsolatedUnit struct {
	Geography string   `json:"geography"`
	Unit      string   `json:"unit"`
	Pairs     int      `json:"pairs"`   // how many one-unit pairs name it
	Periods   []string `json:"periods"` // in which periods
}

const (
	// RepeatedIsolation is how many one-unit pairs must name a unit for the report to call it a
	// differencing pattern: one may be a planner growing a selection by a click.
	RepeatedIsolation = 2
	// MaxListedPairs bounds the pairs listed (all are counted).
	MaxListedPairs = 1000
	maxSeqs        = 20
	// twoUnitBudget bounds the work of looking for selections that lie within another and have
	// two units fewer (the other kinds of pair cost one look-up per unit).
	twoUnitBudget = 50_000_000
	maxEntries    = 1_000_000
)

// CustomAreas reads the actor's custom-area entries since the time (zero: all) and reports the
// pairs of their selections that differ by one or two units. Polygons are compared as the H3 10
// cells whose centre they contain, which is how they are answered.
func CustomAreas(ctx context.Context, db postgres.Querier, actor string, since time.Time) (CustomAreaReport, error) {
	if actor == "" {
		return CustomAreaReport{}, errors.New("custom-area report: name the user")
	}
	rows, err := db.Query(ctx, `SELECT seq, at, action, target FROM audit_log
		WHERE actor = $1 AND at >= $2 AND action = ANY ($3) ORDER BY seq LIMIT $4`, actor, since, CustomAreaActions, maxEntries+1)
	if err != nil {
		return CustomAreaReport{}, fmt.Errorf("read audit log: %w", err)
	}
	var entries []Entry
	var e Entry
	_, err = pgx.ForEachRow(rows, []any{&e.Seq, &e.At, &e.Action, &e.Target}, func() error {
		e.Actor = actor
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return CustomAreaReport{}, fmt.Errorf("read audit log: %w", err)
	}
	if len(entries) > maxEntries {
		return CustomAreaReport{}, fmt.Errorf("custom-area report: more than %d entries of %s: give a later --since", maxEntries, actor)
	}
	rep, err := ReportCustomAreas(actor, entries, func(s customarea.AuditSelection) (string, []string, error) {
		return s.Units(ctx, db)
	})
	rep.Since = since
	return rep, err
}

// UnitsFunc gives the units a selection adds up: its geography and sorted ids.
type UnitsFunc func(customarea.AuditSelection) (geography string, ids []string, err error)

// ReportCustomAreas reports on the custom-area entries of one user (others' actions are
// skipped); units resolves a polygon into units, once per polygon. An error of units counts the
// entry as unresolved, unless the context is done.
func ReportCustomAreas(actor string, entries []Entry, units UnitsFunc) (CustomAreaReport, error) {
	ix := newSelectionIndex()
	rep := CustomAreaReport{Actor: actor, OneUnit: []SelectionPair{}, TwoUnit: []SelectionPair{}, Isolated: []IsolatedUnit{}}
	type resolved struct {
		geography string
		ids       []string
		err       error
	}
	polygons := map[string]resolved{}
	for _, e := range entries {
		if !slices.Contains(CustomAreaActions, e.Action) {
			continue
		}
		rep.Queries++
		s, err := customarea.ParseAuditTarget(e.Target)
		if err != nil {
			rep.Unreadable++
			continue
		}
		geography, ids := s.Geography, s.IDs
		if s.Polygon != nil {
			r, ok := polygons[s.Digest]
			if !ok {
				r.geography, r.ids, r.err = units(s)
				if errors.Is(r.err, context.Canceled) || errors.Is(r.err, context.DeadlineExceeded) {
					return rep, r.err
				}
				polygons[s.Digest] = r
			}
			if r.err != nil || len(r.ids) == 0 {
				rep.Unresolved++
				continue
			}
			geography, ids = r.geography, r.ids
		}
		ix.add(s.Period, geography, ids, s.Digest, e.Seq)
	}
	rep.Selections = len(ix.sels)
	ix.compare(&rep)
	rep.Summary = rep.summary()
	return rep, nil
}

// selectionIndex holds the distinct selections, by group (period and geography).
type selectionIndex struct {
	seed   maphash.Seed
	groups map[[2]string]*group
	sels   []*indexed
}

type group struct {
	period, geography string
	members           []int            // selections of the group
	byKey             map[string]int   // sorted ids joined by \n -> selection
	byHash            map[uint64][]int // sum of the ids' hashes -> selections
	sizes             map[int]int      // how many selections have so many units
}

type indexed struct {
	group   *group
	ids     []string // sorted, distinct
	hashes  []uint64 // of each id
	sum     uint64
	digest  string
	seqs    []int64
	queries int
}

func newSelectionIndex() *selectionIndex {
	return &selectionIndex{seed: maphash.MakeSeed(), groups: map[[2]string]*group{}}
}

func (ix *selectionIndex) add(period, geography string, ids []string, digest string, seq int64) {
	g := ix.groups[[2]string{period, geography}]
	if g == nil {
		g = &group{period: period, geography: geography, byKey: map[string]int{}, byHash: map[uint64][]int{}, sizes: map[int]int{}}
		ix.groups[[2]string{period, geography}] = g
	}
	key := strings.Join(ids, "\n")
	i, ok := g.byKey[key]
	if !ok {
		s := &indexed{group: g, ids: ids, hashes: make([]uint64, len(ids)), digest: digest}
		for k, id := range ids {
			s.hashes[k] = maphash.String(ix.seed, id)
			s.sum += s.hashes[k]
		}
		i = len(ix.sels)
		ix.sels = append(ix.sels, s)
		g.byKey[key] = i
		g.byHash[s.sum] = append(g.byHash[s.sum], i)
		g.members = append(g.members, i)
		g.sizes[len(ids)]++
	}
	s := ix.sels[i]
	s.queries++
	if len(s.seqs) < maxSeqs {
		s.seqs = append(s.seqs, seq)
	}
}

// compare finds the pairs of selections that differ by one unit (B is A and one unit more) and
// by two (B is A and two more, or A and B each have one unit the other lacks).
func (ix *selectionIndex) compare(rep *CustomAreaReport) {
	isolated := map[[2]string]*IsolatedUnit{}
	var isolatedOrder []*IsolatedUnit
	seen := map[[2]int]bool{}
	addPair := func(a, b int, one bool) {
		if a > b {
			a, b = b, a
		}
		if seen[[2]int{a, b}] {
			return
		}
		onlyA, onlyB, ok := difference(ix.sels[a].ids, ix.sels[b].ids, 2)
		n := len(onlyA) + len(onlyB)
		if !ok || n == 0 || (one && n != 1) || (!one && n != 2) {
			return
		}
		seen[[2]int{a, b}] = true
		g := ix.sels[a].group
		p := SelectionPair{Period: g.period, Geography: g.geography, A: ix.sels[a].side(), B: ix.sels[b].side(),
			OnlyInA: onlyA, OnlyInB: onlyB}
		if n == 1 {
			rep.OneUnitPairs++
			if len(rep.OneUnit) < MaxListedPairs {
				rep.OneUnit = append(rep.OneUnit, p)
			}
			unit := slices.Concat(onlyA, onlyB)[0]
			u := isolated[[2]string{g.geography, unit}]
			if u == nil {
				u = &IsolatedUnit{Geography: g.geography, Unit: unit}
				isolated[[2]string{g.geography, unit}] = u
				isolatedOrder = append(isolatedOrder, u)
			}
			u.Pairs++
			if !slices.Contains(u.Periods, g.period) {
				u.Periods = append(u.Periods, g.period)
			}
			return
		}
		rep.TwoUnitPairs++
		if len(rep.TwoUnit) < MaxListedPairs {
			rep.TwoUnit = append(rep.TwoUnit, p)
		}
	}
	// One unit: B less one of its units is a selection.
	for b, s := range ix.sels {
		if len(s.ids) < 2 {
			continue
		}
		for k := range s.ids {
			for _, a := range s.group.byHash[s.sum-s.hashes[k]] {
				if len(ix.sels[a].ids) == len(s.ids)-1 {
					addPair(a, b, true)
				}
			}
		}
	}
	// Two units, one each: A less one unit is B less another.
	work := 0
	for _, g := range ix.sortedGroups() {
		lessOne := map[uint64][]int{}
		for _, i := range g.members {
			s := ix.sels[i]
			if len(s.ids) < 2 {
				continue
			}
			for k := range s.ids {
				h := s.sum - s.hashes[k]
				lessOne[h] = append(lessOne[h], i)
			}
		}
		for _, list := range lessOne {
			if work += len(list) * (len(list) - 1) / 2; work > twoUnitBudget {
				rep.TwoUnitIncomplete = true
				break
			}
			for x := 0; x < len(list); x++ {
				for y := x + 1; y < len(list); y++ {
					if list[x] != list[y] {
						addPair(list[x], list[y], false)
					}
				}
			}
		}
	}
	// Two units more: B less two of its units is a selection. Either every pair of B's units is
	// tried, or every selection with two units fewer, whichever is fewer look-ups.
	for b, s := range ix.sels {
		n, g := len(s.ids), s.group
		if n < 3 || g.sizes[n-2] == 0 {
			continue
		}
		pairsCost, candidatesCost := n*(n-1)/2, g.sizes[n-2]*n
		if work+min(pairsCost, candidatesCost) > twoUnitBudget {
			rep.TwoUnitIncomplete = true
			break
		}
		if pairsCost <= candidatesCost {
			work += pairsCost
			for x := 0; x < n; x++ {
				for y := x + 1; y < n; y++ {
					for _, a := range g.byHash[s.sum-s.hashes[x]-s.hashes[y]] {
						if len(ix.sels[a].ids) == n-2 {
							addPair(a, b, false)
						}
					}
				}
			}
			continue
		}
		work += candidatesCost
		has := make(map[uint64]bool, n)
		for _, h := range s.hashes {
			has[h] = true
		}
		for _, a := range g.members {
			if len(ix.sels[a].ids) != n-2 {
				continue
			}
			target := s.sum - ix.sels[a].sum
			for _, h := range s.hashes {
				if has[target-h] && target-h != h {
					addPair(a, b, false)
					break
				}
			}
		}
	}
	for _, u := range isolatedOrder {
		rep.Isolated = append(rep.Isolated, *u)
		rep.Differencing = rep.Differencing || u.Pairs >= RepeatedIsolation
	}
	slices.SortStableFunc(rep.Isolated, func(a, b IsolatedUnit) int {
		if a.Pairs != b.Pairs {
			return b.Pairs - a.Pairs
		}
		return strings.Compare(a.Geography+" "+a.Unit, b.Geography+" "+b.Unit)
	})
	order := func(a, b SelectionPair) int {
		if c := strings.Compare(a.Period, b.Period); c != 0 {
			return c
		}
		if c := strings.Compare(a.Geography, b.Geography); c != 0 {
			return c
		}
		return int(a.B.Seqs[0] - b.B.Seqs[0])
	}
	slices.SortStableFunc(rep.OneUnit, order)
	slices.SortStableFunc(rep.TwoUnit, order)
}

func (ix *selectionIndex) sortedGroups() []*group {
	out := make([]*group, 0, len(ix.groups))
	for _, g := range ix.groups {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *group) int { return strings.Compare(a.period+" "+a.geography, b.period+" "+b.geography) })
	return out
}

func (s *indexed) side() SelectionSide {
	return SelectionSide{Units: len(s.ids), Digest: s.digest, Seqs: slices.Clone(s.seqs), Queries: s.queries}
}

// difference lists the ids only in a and only in b (both sorted), giving up (ok false) past max.
func difference(a, b []string, max int) (onlyA, onlyB []string, ok bool) {
	if d := len(a) - len(b); d > max || -d > max {
		return nil, nil, false
	}
	onlyA, onlyB = []string{}, []string{}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			onlyA = append(onlyA, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			onlyB = append(onlyB, b[j])
			j++
		default:
			i++
			j++
		}
		if len(onlyA)+len(onlyB) > max {
			return nil, nil, false
		}
	}
	return onlyA, onlyB, true
}

// summary is the report in one line, flagging a differencing pattern.
func (r CustomAreaReport) summary() string {
	head := fmt.Sprintf("%s: %d custom-area queries, %d different selections", r.Actor, r.Queries, r.Selections)
	if r.Actor == "" {
		head = fmt.Sprintf("%d custom-area queries, %d different selections", r.Queries, r.Selections)
	}
	two := ""
	if r.TwoUnitPairs > 0 {
		two = fmt.Sprintf("; %d %s by two units", r.TwoUnitPairs, plural(r.TwoUnitPairs, "pair differs", "pairs differ"))
	}
	if r.OneUnitPairs == 0 {
		return head + ": no two selections differ by one unit" + two
	}
	// Units grouped by how often they are isolated, most first; with a differencing pattern,
	// only those isolated again and again are named.
	var parts []string
	named := 0
	for i := 0; i < len(r.Isolated) && named < 10; {
		if r.Differencing && r.Isolated[i].Pairs < RepeatedIsolation {
			break
		}
		j := i
		var names []string
		for j < len(r.Isolated) && r.Isolated[j].Pairs == r.Isolated[i].Pairs && named < 10 {
			names = append(names, r.Isolated[j].Geography+" "+r.Isolated[j].Unit)
			j++
			named++
		}
		if len(names) == 1 {
			parts = append(parts, fmt.Sprintf("%s was isolated %s", names[0], times(r.Isolated[i].Pairs)))
		} else {
			parts = append(parts, fmt.Sprintf("%s were each isolated %s", strings.Join(names, ", "), times(r.Isolated[i].Pairs)))
		}
		i = j
	}
	if rest := len(r.Isolated) - named; rest > 0 {
		parts = append(parts, fmt.Sprintf("%d more isolated %s in the list", rest, plural(rest, "unit", "units")))
	}
	flag := ""
	if r.Differencing {
		flag = "DIFFERENCING PATTERN: "
	}
	return fmt.Sprintf("%s%s: %d %s of selections %s by one unit: %s%s", flag, head, r.OneUnitPairs,
		plural(r.OneUnitPairs, "pair", "pairs"), plural(r.OneUnitPairs, "differs", "differ"), strings.Join(parts, "; "), two)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func times(n int) string {
	if n == 1 {
		return "once"
	}
	return strconv.Itoa(n) + " times"
}

// ParseSince reads when a report starts: a duration back from now (24h, 90m, or days: 7d), an
// RFC 3339 time or a date (2026-01-31, midnight UTC); "" is the beginning (zero).
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 && n <= 36500 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("since %q: want a duration back from now (24h, 7d), an RFC 3339 time (2026-01-31T00:00:00Z) or a date (2026-01-31)", s)
}
