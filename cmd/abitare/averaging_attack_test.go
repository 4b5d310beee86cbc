package main

// The averaging attack on custom areas: a planner who cannot difference a withheld unit out of a
// custom area (checkCustomAreaDifferencing) may still try to average the noise away. A target T
// is a section or an H3 10 cell whose figure of an indicator is withheld with a true count of 1
// to 4. The attacker posts a pool P of other withheld units, with and without T, each time with
// three more shown units S_i, whose true counts a planner reads (GET /api/areas/...; the test
// reads them from area_indicators, which holds the same values). If every answer were perturbed
// afresh, subtracting the shown counts and averaging many answers with T and without it would
// give T back, and the maximum deviation D around each answer would bound it for certain.
//
// The attacker knows the method and the published perturbation table (docs/privacy.md) and
// considers the two ways an answer can be made:
//
//   - S, the selection perturbed as a whole: an answer is the selection's true count plus a
//     deviation of at most D, a value in the support of the table's row for that count;
//   - U, per-unit values: an answer is the shown units' true counts plus, for each withheld unit,
//     a value fixed for that unit, in the support of the row of its true count (a true 1 to 4
//     only as 0 or 5). Then the answers of a pool are all equal, and with T minus without T is
//     T's own value in every pool.
//
// A way the answers contradict is dropped; the values of T still possible are the union over the
// ways left, so the attacker is sound whichever way the server works (a true count outside them
// fails the test as an unsound attack). A true count from 1 to 4 left with fewer than three
// possible values, or estimated by averaging to within 0.5 for more than half of the targets and
// more than chance, fails the test.
//
// The pools are drawn from withheld units the public release publishes a figure of, and the
// targets preferably too, since a rule may withhold any figure that would hold a withheld unit
// without one (health below districts, areas under the public minimum of residents); pools hold
// at least 15 people of every indicator in withheld units, since a rule may withhold a figure
// that isolates fewer. Against a rule that perturbed each selection afresh (the first custom
// areas, keyed by the people counted, which also withheld a figure isolating 1 to 14 people of
// withheld sections or H3 10 cells) the attack narrowed 12 of the 101 small counts below (all
// sections: most selections of cells were withheld) and averaged 58 of 75 to within 0.5.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/disclosure/cellkey"
	"github.com/abitare/abitare/postgres/testdb"
)

const (
	averagingPeriod = "2025"
	// averagingTargetsPerIndicator is how many withheld small counts are attacked per indicator
	// and geography (the chosen units are targets for every indicator they hold a small count of).
	averagingTargetsPerIndicator = 6
	averagingPools               = 3  // pools of other withheld units per geography
	averagingPoolMin             = 11 // units in a pool, at least
	averagingPoolMax             = 60 // and at most
	averagingRounds              = 60 // draws of shown units per pool
	averagingShown               = 3  // shown units added to each selection
	averagingWorkers             = 4
	averagingMaxValue            = 100 // the largest value of a target the attacker considers
	averagingMinValues           = 3   // a small count must keep this many possible values
)

// averagingPoolPeople is how many people of every indicator a pool holds in withheld units, at
// least: a first rule withheld any answer whose people in withheld units numbered 1 to 14, and
// so did it for the people of withheld sections in a selection of cells, which larger pools of
// cells usually gather 15 of.
var averagingPoolPeople = map[string]int{"section": 15, "h3_10": 40}

// averagingGeography is what the attacker knows of one geography: the true counts of shown
// units (and, for the test's bookkeeping, of withheld ones), which figures are withheld, and
// which the public release publishes.
type averagingGeography struct {
	name      string
	truth     map[string]map[string]int  // unit, indicator: true people (absent: 0)
	withheld  map[string]map[string]bool // unit, indicator: withheld from planners
	published map[string]map[string]bool // unit, indicator: a perturbed public figure
	// publishes: the release publishes the indicator for some unit of the geography (not health
	// below districts).
	publishes map[string]bool
}

func (g *averagingGeography) isWithheld(unit, indicator string) bool {
	return g.withheld[unit][indicator]
}

// averagingObservation is one answer about a target: the answer, the true counts of the shown
// units of the selection, and the selection's other withheld units (its group).
type averagingObservation struct {
	group   string
	members int // withheld units in the group, each holding at least one person
	withT   bool
	shown   int
	answer  int
}

type averagingTarget struct {
	geography, unit, indicator string
	truth                      int
	obs                        []averagingObservation
}

func (t *averagingTarget) String() string {
	return fmt.Sprintf("%s %s %s (true %d)", t.geography, t.unit, t.indicator, t.truth)
}

// averagingJob is one selection to post: a pool, maybe a target unit, and shown units.
type averagingJob struct {
	geography string
	pool      []string
	target    string // "" for the pool alone
	shown     []string
}

func (j averagingJob) ids() []string {
	ids := append(slices.Clone(j.pool), j.shown...)
	if j.target != "" {
		ids = append(ids, j.target)
	}
	return ids
}

type averagingAnswer struct {
	status  int
	figures map[string]*int // indicator: the answered count, nil when withheld
	err     string
}

// checkCustomAreaAveraging plays the averaging attacker against POST /api/custom-area for
// sections and H3 10 cells and every indicator.
func checkCustomAreaAveraging(t *testing.T, base string, db *testdb.DB, users map[auth.Role]testUser) {
	start := time.Now()
	table, err := cellkey.New(cellkey.DefaultParams()) // the table docs/privacy.md publishes
	if err != nil {
		t.Fatal(err)
	}
	var keyID string
	if err := db.Pool.QueryRow(context.Background(), `SELECT key_id FROM releases ORDER BY id DESC LIMIT 1`).Scan(&keyID); err != nil ||
		!strings.Contains(keyID, "ptable:"+table.Fingerprint()) {
		t.Fatalf("the latest release's key %q (%v) is not the published table %s the attacker knows", keyID, err, table.Fingerprint())
	}
	rng := rand.New(rand.NewPCG(7, 2025))
	var targets []*averagingTarget
	var jobs []averagingJob
	geographies := map[string]*averagingGeography{}
	for _, name := range []string{"section", "h3_10"} {
		g := readAveragingGeography(t, db, name)
		geographies[name] = g
		ts, js := planAveraging(t, g, rng)
		targets = append(targets, ts...)
		jobs = append(jobs, js...)
	}

	// In a random order, so that the server sees no pattern to tune to, and the load is even.
	rng.Shuffle(len(jobs), func(i, j int) { jobs[i], jobs[j] = jobs[j], jobs[i] })
	answers := postAveraging(base, users[auth.Planner], jobs)
	posted := time.Since(start)
	byUnit := map[[2]string][]*averagingTarget{}
	for _, tg := range targets {
		byUnit[[2]string{tg.geography, tg.unit}] = append(byUnit[[2]string{tg.geography, tg.unit}], tg)
	}
	statuses := map[int]int{}
	withheldVariants, answered := 0, 0
	var firstErr string
	for i, job := range jobs {
		a := answers[i]
		statuses[a.status]++
		if a.status != http.StatusOK {
			if firstErr == "" {
				firstErr = fmt.Sprintf("%d %s", a.status, a.err)
			}
			continue
		}
		g := geographies[job.geography]
		// The pool alone informs every target of the geography; the pool with a target, that
		// target's indicators.
		affected := byUnit[[2]string{job.geography, job.target}]
		if job.target == "" {
			for _, tg := range targets {
				if tg.geography == job.geography {
					affected = append(affected, tg)
				}
			}
		}
		for _, tg := range affected {
			people, ok := a.figures[tg.indicator]
			if !ok || people == nil {
				withheldVariants++
				continue
			}
			answered++
			o := averagingObservation{withT: job.target != "", answer: *people}
			var group []string
			for _, id := range append(slices.Clone(job.pool), job.shown...) {
				if g.isWithheld(id, tg.indicator) {
					group = append(group, id)
				} else {
					o.shown += g.truth[id][tg.indicator]
				}
			}
			sort.Strings(group)
			o.group, o.members = strings.Join(group, ","), len(group)
			tg.obs = append(tg.obs, o)
		}
	}
	if statuses[http.StatusTooManyRequests] > 0 {
		t.Errorf("%d of %d custom areas refused with 429: the test server's rate limit must let this attack through (openTestServer)",
			statuses[http.StatusTooManyRequests], len(jobs))
	}
	if statuses[http.StatusOK] < len(jobs) {
		t.Errorf("%d of %d custom areas not answered (statuses %v), e.g. %s", len(jobs)-statuses[http.StatusOK], len(jobs), statuses, firstErr)
	}

	// The verdicts.
	type tally struct{ targets, estimated, narrowed, close, answered, fitS, fitU int }
	byGeo := map[string]*tally{}
	var narrowed, wrong, unfit []string
	hits, estimated := 0, 0
	truthCounts := map[int]int{}
	for _, tg := range targets {
		v := inferAveraging(table, tg.obs)
		tl := byGeo[tg.geography]
		if tl == nil {
			tl = &tally{}
			byGeo[tg.geography] = tl
		}
		tl.targets++
		tl.answered += len(tg.obs)
		if v.fitsS {
			tl.fitS++
		}
		if v.fitsU {
			tl.fitU++
		}
		switch {
		case !v.fitsS && !v.fitsU:
			unfit = append(unfit, tg.String())
			continue
		case !slices.Contains(v.possible, tg.truth):
			wrong = append(wrong, fmt.Sprintf("%v: possible %v", tg, averagingRange(v.possible)))
			continue
		}
		if len(v.possible) < averagingMinValues {
			tl.narrowed++
			narrowed = append(narrowed, fmt.Sprintf("%v: possible %v, estimate %.2f", tg, v.possible, v.estimate))
		}
		if v.hasEstimate {
			estimated++
			tl.estimated++
			truthCounts[tg.truth]++
			if math.Abs(v.estimate-float64(tg.truth)) <= 0.5 {
				hits++
				tl.close++
			}
		}
	}
	// Chance: an attacker who asked nothing and guessed, for every target, the value most common
	// among them (an oracle of the distribution of small counts, so more than a real guess) is
	// right for that value's share of the targets.
	chance := 0
	for _, n := range truthCounts {
		chance = max(chance, n)
	}
	perIndicator := map[string]int{}
	for _, tg := range targets {
		perIndicator[tg.geography+" "+tg.indicator]++
	}
	t.Logf("averaging attack: %d targets (%v), each informed by %d selections (%d with it); %d custom areas posted in %v (statuses %v), %d answers about a target used, %d withheld; total %v",
		len(targets), perIndicator, 2*averagingPools*averagingRounds, averagingPools*averagingRounds, len(jobs), posted.Round(time.Millisecond), statuses, answered, withheldVariants, time.Since(start).Round(time.Millisecond))
	for _, name := range []string{"section", "h3_10"} {
		if tl := byGeo[name]; tl != nil {
			t.Logf("%s: %d targets, %d with answers with and without them, %d answers; answers fit a selection perturbed as a whole for %d targets, per-unit values for %d; narrowed to fewer than %d values: %d; averaging estimate within 0.5: %d",
				name, tl.targets, tl.estimated, tl.answered, tl.fitS, tl.fitU, averagingMinValues, tl.narrowed, tl.close)
		}
	}
	t.Logf("averaging estimate within 0.5 of the truth: %d of %d targets; chance (the most common true value guessed for all): %d; true values %v",
		hits, estimated, chance, truthCounts)
	if len(wrong) > 0 {
		t.Errorf("the attack is unsound: %d targets' true count is outside the values it keeps possible, e.g. %v", len(wrong), wrong[:min(5, len(wrong))])
	}
	if len(unfit) > 0 {
		t.Errorf("the answers of %d targets fit neither a selection perturbed as a whole nor per-unit values: the attacker's model must follow the rule, e.g. %v",
			len(unfit), unfit[:min(5, len(unfit))])
	}
	if len(narrowed) > 0 {
		t.Errorf("%d withheld small counts narrowed to fewer than %d values by averaging custom areas, e.g.\n%s", len(narrowed), averagingMinValues,
			strings.Join(narrowed[:min(10, len(narrowed))], "\n"))
	}
	if estimated > 0 && 2*hits > estimated && hits > chance {
		t.Errorf("the averaging estimate is within 0.5 of the truth for %d of %d targets, more than half and more than chance (%d)", hits, estimated, chance)
	}
	for _, name := range []string{"section", "h3_10"} {
		for _, ind := range abitare.Indicators {
			if n := perIndicator[name+" "+ind]; n < averagingTargetsPerIndicator {
				t.Errorf("%s %s: %d targets, want %d", name, ind, n, averagingTargetsPerIndicator)
			}
		}
	}
	for _, name := range []string{"section", "h3_10"} {
		if tl := byGeo[name]; tl == nil || tl.estimated < averagingTargetsPerIndicator {
			t.Errorf("%s: fewer than %d targets answered with and without them: the attack proves nothing (custom areas withhold everything?)",
				name, averagingTargetsPerIndicator)
		}
	}
}

// readAveragingGeography reads the true counts and the withheld figures of a geography in 2025.
func readAveragingGeography(t *testing.T, db *testdb.DB, name string) *averagingGeography {
	ctx := context.Background()
	g := &averagingGeography{name: name, truth: map[string]map[string]int{}, withheld: map[string]map[string]bool{},
		published: map[string]map[string]bool{}, publishes: map[string]bool{}}
	read := func(sql string, into func(id, ind string, n int)) {
		rows, err := db.Pool.Query(ctx, sql, name, averagingPeriod, abitare.Indicators)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, ind string
			var n int
			if err := rows.Scan(&id, &ind, &n); err != nil {
				t.Fatal(err)
			}
			into(id, ind, n)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	set := func(m map[string]map[string]bool, id, ind string) {
		if m[id] == nil {
			m[id] = map[string]bool{}
		}
		m[id][ind] = true
	}
	read(`SELECT area_id, indicator, people FROM area_indicators
		WHERE geography = $1 AND period = $2 AND indicator = ANY ($3) AND people > 0`, func(id, ind string, n int) {
		if g.truth[id] == nil {
			g.truth[id] = map[string]int{}
		}
		g.truth[id][ind] = n
	})
	read(`SELECT area_id, figure, 0 FROM withheld_figures WHERE geography = $1 AND period = $2 AND figure = ANY ($3)`,
		func(id, ind string, _ int) { set(g.withheld, id, ind) })
	read(`SELECT area_id, indicator, 0 FROM public_indicators
		WHERE geography = $1 AND period = $2 AND indicator = ANY ($3) AND status = 'protected' AND people IS NOT NULL`,
		func(id, ind string, _ int) { set(g.published, id, ind); g.publishes[ind] = true })
	return g
}

// planAveraging chooses the targets of a geography and the selections to post: for each of
// averagingPools pools of other withheld units and averagingRounds draws S_i of shown units, the
// pool with S_i, and the pool with S_i and each target unit.
func planAveraging(t *testing.T, g *averagingGeography, rng *rand.Rand) ([]*averagingTarget, []averagingJob) {
	small := func(id, ind string) bool {
		n := g.truth[id][ind]
		return g.isWithheld(id, ind) && n >= 1 && n <= 4
	}
	var candidates, shown, withheld []string
	for id := range g.truth {
		people, hidden := 0, false
		for _, ind := range abitare.Indicators {
			people += g.truth[id][ind]
			hidden = hidden || g.isWithheld(id, ind)
		}
		if !hidden && people >= 5 {
			shown = append(shown, id) // people who draw fresh noise, if noise there is
		}
	}
	for id := range g.withheld {
		withheld = append(withheld, id)
	}
	sort.Strings(shown)
	sort.Strings(withheld)
	rng.Shuffle(len(withheld), func(i, j int) { withheld[i], withheld[j] = withheld[j], withheld[i] })
	smallCount := func(id string) int {
		n := 0
		for _, ind := range abitare.Indicators {
			if small(id, ind) {
				n++
			}
		}
		return n
	}
	// answerable: small counts a rule that adds the public figures of withheld units (and
	// withholds a figure where one has none) can answer with the unit in the selection.
	answerable := func(id string) int {
		n := 0
		for _, ind := range abitare.Indicators {
			if small(id, ind) && g.published[id][ind] {
				n++
			}
		}
		return n
	}
	for _, id := range withheld {
		if smallCount(id) > 0 {
			candidates = append(candidates, id)
		}
	}
	// Units holding small counts of several indicators first, each a target for all of them;
	// among those, the ones whose small counts have a public figure.
	sort.SliceStable(candidates, func(i, j int) bool {
		a, b := candidates[i], candidates[j]
		if answerable(a) != answerable(b) {
			return answerable(a) > answerable(b)
		}
		return smallCount(a) > smallCount(b)
	})
	perIndicator := map[string]int{}
	var units []string
	for _, id := range candidates {
		useful := false
		for _, ind := range abitare.Indicators {
			useful = useful || (small(id, ind) && perIndicator[ind] < averagingTargetsPerIndicator)
		}
		if !useful {
			continue
		}
		units = append(units, id)
		for _, ind := range abitare.Indicators {
			if small(id, ind) {
				perIndicator[ind]++
			}
		}
	}
	var targets []*averagingTarget
	for _, id := range units {
		for _, ind := range abitare.Indicators {
			if small(id, ind) {
				targets = append(targets, &averagingTarget{geography: g.name, unit: id, indicator: ind, truth: g.truth[id][ind]})
			}
		}
	}
	if len(units) < 6 || len(shown) < 20 {
		t.Fatalf("%s: %d target units and %d shown units: too few for the attack", g.name, len(units), len(shown))
	}
	for _, ind := range abitare.Indicators {
		if perIndicator[ind] == 0 {
			t.Fatalf("%s: no withheld small count of %s to attack", g.name, ind)
		}
	}

	// Pools: other withheld units, drawn afresh for each pool, until the pool holds
	// averagingPoolMin units and averagingPoolPeople people of every indicator in withheld
	// units, so that no answer is withheld for isolating a few of them. Only units whose
	// withheld figures the release publishes (where it publishes the indicator at all): a rule
	// that withholds a figure wherever a withheld unit has no public figure answers these.
	isTarget := map[string]bool{}
	for _, id := range units {
		isTarget[id] = true
	}
	var others []string
	for _, id := range withheld {
		eligible := !isTarget[id]
		for _, ind := range abitare.Indicators {
			eligible = eligible && !(g.isWithheld(id, ind) && g.publishes[ind] && !g.published[id][ind])
		}
		if eligible {
			others = append(others, id)
		}
	}
	var jobs []averagingJob
	var poolSizes []int
	for range averagingPools {
		rng.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
		var pool []string
		people := map[string]int{}
		enough := func() bool {
			for _, ind := range abitare.Indicators {
				if people[ind] < averagingPoolPeople[g.name] {
					return false
				}
			}
			return len(pool) >= averagingPoolMin
		}
		for _, id := range others {
			if enough() || len(pool) >= averagingPoolMax {
				break
			}
			pool = append(pool, id)
			for _, ind := range abitare.Indicators {
				if g.isWithheld(id, ind) {
					people[ind] += g.truth[id][ind]
				}
			}
		}
		poolSizes = append(poolSizes, len(pool))
		for range averagingRounds {
			s := make([]string, 0, averagingShown)
			for _, k := range rng.Perm(len(shown))[:averagingShown] {
				s = append(s, shown[k])
			}
			jobs = append(jobs, averagingJob{geography: g.name, pool: pool, shown: s})
			for _, id := range units {
				jobs = append(jobs, averagingJob{geography: g.name, pool: pool, target: id, shown: s})
			}
		}
	}
	t.Logf("%s: %d target units, %d targets; pools of %v units drawn from %d withheld units; %d shown units to draw from",
		g.name, len(units), len(targets), poolSizes, len(others), len(shown))
	return targets, jobs
}

// postAveraging posts every selection as the planner, a few at a time, through one client.
func postAveraging(base string, planner testUser, jobs []averagingJob) []averagingAnswer {
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: averagingWorkers}}
	defer client.CloseIdleConnections()
	answers := make([]averagingAnswer, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range averagingWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				answers[i] = postAveragingOne(client, base, planner, jobs[i])
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	return answers
}

func postAveragingOne(client *http.Client, base string, planner testUser, job averagingJob) averagingAnswer {
	body, _ := json.Marshal(map[string]any{"period": averagingPeriod, "areas": map[string]any{"geography": job.geography, "ids": job.ids()}})
	req, err := http.NewRequest("POST", base+"/api/custom-area", strings.NewReader(string(body)))
	if err != nil {
		return averagingAnswer{err: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+planner.token)
	res, err := client.Do(req)
	if err != nil {
		return averagingAnswer{err: err.Error()}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	a := averagingAnswer{status: res.StatusCode}
	if res.StatusCode != http.StatusOK {
		a.err = truncate(b)
		return a
	}
	var r customAreaResult
	if err := json.Unmarshal(b, &r); err != nil {
		a.status, a.err = 0, err.Error()
		return a
	}
	a.figures = map[string]*int{}
	for _, f := range r.Figures {
		a.figures[f.Indicator] = f.People
	}
	return a
}

// averagingVerdict is what the attacker concludes about one target.
type averagingVerdict struct {
	possible     []int   // the values of the target still possible, from 1 to averagingMaxValue
	fitsS, fitsU bool    // the answers fit a selection perturbed as a whole; per-unit values
	estimate     float64 // mean with the target minus mean without, weighted over groups
	hasEstimate  bool
}

// inferAveraging turns the answers about a target into the values it may still have, and the
// averaging estimate.
func inferAveraging(table *cellkey.Table, obs []averagingObservation) averagingVerdict {
	supports := averagingSupport(table)
	d := table.Params().MaxDeviation
	type sides struct {
		members    int
		with, none []averagingObservation
	}
	groups := map[string]*sides{}
	var keys []string
	for _, o := range obs {
		s := groups[o.group]
		if s == nil {
			s = &sides{members: o.members}
			groups[o.group] = s
			keys = append(keys, o.group)
		}
		if o.withT {
			s.with = append(s.with, o)
		} else {
			s.none = append(s.none, o)
		}
	}
	sort.Strings(keys)

	// feasible is the set of values x of the withheld units' true count (T included on the with
	// side) of a group that every answer allows: answer in the support of row x + shown.
	feasible := func(os []averagingObservation, least int) []int {
		lo, hi := least, math.MaxInt
		for _, o := range os {
			lo, hi = max(lo, o.answer-o.shown-d), min(hi, o.answer-o.shown+d)
		}
		var out []int
		for x := lo; x <= hi; x++ {
			ok := true
			for _, o := range os {
				if ok = supports(x+o.shown, o.answer); !ok {
					break
				}
			}
			if ok {
				out = append(out, x)
			}
		}
		return out
	}

	var v averagingVerdict
	// S: the selection perturbed as a whole.
	possibleS := make([]bool, averagingMaxValue+1)
	for x := 1; x <= averagingMaxValue; x++ {
		possibleS[x] = true
	}
	v.fitsS = true
	for _, k := range keys {
		s := groups[k]
		var with, none []int
		if len(s.with) > 0 {
			if with = feasible(s.with, s.members+1); len(with) == 0 {
				v.fitsS = false
				break
			}
		}
		if len(s.none) > 0 {
			if none = feasible(s.none, s.members); len(none) == 0 {
				v.fitsS = false
				break
			}
		}
		switch {
		case len(with) > 0 && len(none) > 0:
			here := make([]bool, averagingMaxValue+1)
			for _, b := range with {
				for _, a := range none {
					if x := b - a; x >= 1 && x <= averagingMaxValue {
						here[x] = true
					}
				}
			}
			for x := range possibleS {
				possibleS[x] = possibleS[x] && here[x]
			}
		case len(with) > 0: // the group's units hold at least one person each
			for x := with[len(with)-1] - s.members + 1; x <= averagingMaxValue; x++ {
				if x >= 1 {
					possibleS[x] = false
				}
			}
		}
	}
	if v.fitsS && !slices.Contains(possibleS, true) {
		v.fitsS = false
	}

	// U: per-unit values, the same in every selection.
	v.fitsU = true
	own := math.MinInt // T's value, with minus without
	for _, k := range keys {
		s := groups[k]
		with, none := math.MinInt, math.MinInt
		for _, o := range s.with {
			if r := o.answer - o.shown; with == math.MinInt {
				with = r
			} else if r != with {
				v.fitsU = false
			}
		}
		for _, o := range s.none {
			if r := o.answer - o.shown; none == math.MinInt {
				none = r
			} else if r != none {
				v.fitsU = false
			}
		}
		if with != math.MinInt && none != math.MinInt {
			if own == math.MinInt {
				own = with - none
			} else if with-none != own {
				v.fitsU = false
			}
		}
	}
	possibleU := make([]bool, averagingMaxValue+1)
	if v.fitsU {
		for x := 1; x <= averagingMaxValue; x++ {
			possibleU[x] = own == math.MinInt || supports(x, own)
		}
		v.fitsU = slices.Contains(possibleU, true)
	}

	for x := 1; x <= averagingMaxValue; x++ {
		if (v.fitsS && possibleS[x]) || (v.fitsU && possibleU[x]) {
			v.possible = append(v.possible, x)
		}
	}

	// The averaging estimate: per group, mean with T minus mean without, weighted by the
	// inverse of the difference's variance (equal variances per answer).
	var sum, weights float64
	for _, k := range keys {
		s := groups[k]
		if len(s.with) == 0 || len(s.none) == 0 {
			continue
		}
		mean := func(os []averagingObservation) float64 {
			m := 0.0
			for _, o := range os {
				m += float64(o.answer - o.shown)
			}
			return m / float64(len(os))
		}
		w := 1 / (1/float64(len(s.with)) + 1/float64(len(s.none)))
		sum += w * (mean(s.with) - mean(s.none))
		weights += w
	}
	if weights > 0 {
		v.estimate, v.hasEstimate = sum/weights, true
	}
	return v
}

// averagingSupport reports whether the table can publish a true count n as v.
func averagingSupport(table *cellkey.Table) func(n, v int) bool {
	rows := make([]map[int]bool, table.Rows())
	for n := range rows {
		rows[n] = map[int]bool{}
		for _, tr := range table.Row(n) {
			rows[n][tr.Published-n] = true // deviations
		}
	}
	return func(n, v int) bool {
		if n < 0 {
			return false
		}
		return rows[min(n, len(rows)-1)][v-n]
	}
}

// averagingRange prints a set of values shortly.
func averagingRange(xs []int) string {
	if len(xs) == 0 {
		return "none"
	}
	if len(xs) > 6 {
		return fmt.Sprintf("%d values from %d to %d", len(xs), xs[0], xs[len(xs)-1])
	}
	return fmt.Sprint(xs)
}
