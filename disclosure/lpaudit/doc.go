// Package lpaudit computes what an attacker who solves linear programmes learns about the
// withheld small counts of a table of counts.
//
// # The problem
//
// Restricted outputs show true counts except small ones and those withheld to protect them
// (package secondary). The counts are linked by additive relations (an H3 cell is the sum of
// its children, a district of its census sections, a count of its pieces in another
// partition). An attacker who knows every shown count, knows that a withheld count is at least
// 1 (zeros are shown) and a count never shown on its own at least 0, and knows every relation,
// can bound a withheld count by maximising and minimising it over all tables that agree: two
// linear programmes. Interval propagation, the attack secondary.Attack runs, looks at one
// relation at a time; the linear programmes combine them (two relations whose difference
// cancels their unknown parts pin down the difference of the rest), so they narrow more.
//
// A Model is that knowledge: variables with bounds [Lo, Hi] (Lo == Hi for a shown count, Hi
// +Inf for an unknown one), equality rows Σ coef·x = rhs, and the true counts X. FromSums
// builds one from a table in the shape of a secondary.Problem (counts, which are shown, and
// relations whole = Σ parts). Ranges returns, for each Target (a withheld small count), the
// least and greatest value the programmes give it (Range), and how many integers lie between.
//
// # What is guaranteed
//
// The ranges are those of the linear programming relaxation: every table that agrees with
// what is shown, with fractional counts allowed. They hold every integer table, so they are
// never narrower than what an attacker who enumerates integer tables finds; on the hierarchies
// of tables of counts (one or two nested partitions with ±1 coefficients, a network matrix)
// they are exactly those ranges, with integer ends. With need (3 in practice), a target whose
// range is narrower than need values gets its exact Min and Max; a target shown to hold at
// least need values may be reported with the values reached so far (Range.Exact false), never
// with fewer than need. The result does not depend on the number of threads or on scheduling.
//
// # The method
//
// Solving two programmes per target over the whole table costs far too much (tens of thousands
// of targets, each programme over thousands of rows), so Ranges works from the true counts X,
// a solution it knows:
//
//  1. Presolve: repeated variables of a row are merged; shown counts are substituted; a row
//     left with one unknown fixes it; a row with two, a·x + b·y = c, eliminates one (its
//     bounds become bounds of the other) unless both are targets, in which case x = ±y + an
//     integer (the same count in two tables) makes x a shift of y, solved once; rows repeated
//     up to a factor are dropped. What is left splits into components (variables linked
//     through rows), solved independently and in parallel.
//  2. Interval propagation bounds every variable (the bounds every solution meets).
//  3. Every target starts with the value it has in X. A target is done when the solutions
//     found give it need values (certified), or when both its ends are exact.
//  4. Neighbourhoods: the target may move with its ball, the 32 (then 256) variables nearest
//     to it through rows (a row costing its width, so that a wide total is crossed, not
//     filled), every other variable keeping its value in X. Any solution of that small
//     programme is a solution of the whole model. The target is maximised and minimised there,
//     bounded by its cap (the value that would give it need values), and every solution is
//     offered to every target in the ball: most targets are certified by their own or their
//     neighbours' programmes, each of a few hundred variables. An optimum short of the cap that
//     meets the propagated bound is exact.
//  5. The rest (the targets that are narrow, and the few whose widening runs through far parts
//     of the table) are solved to optimality in the programme of their whole component, loaded
//     once per component with the propagated bounds (which save most of the first solve's
//     pivots) and warm-started: only the objective changes from one programme to the next.
//     Every solution is again offered to every target of the component.
//
// Screening many targets with one programme of the whole component (maximise Σ min(x, cap)
// over the targets) was measured and dropped: with GLPK every such programme takes thousands
// of pivots on the whole component, and its auxiliary rows slow every later solve; the
// neighbourhoods certify the same targets for a fraction of the cost.
//
// # What holds a range in
//
// Blockers answers the question a suppression has to: which shown counts hold a narrowed
// target in, and which to withhold. It solves the target's least and greatest value in the
// programme of every row linked to it (shown counts as fixed columns) and reads the reduced
// costs of the fixed columns: by duality, counts whose reduced cost is zero can all be
// released (withheld, at least 1) without moving that end; one with a non-zero reduced cost
// is one the end rests on. It releases the cheapest of those (by the caller's cost), taking in
// the rows of the released count, solves both ends again, and repeats until the target holds
// need values (Blocking.Release), sharing releases between the targets of one call.
//
// # The solver
//
// The programmes are solved by GLPK's simplex method (Debian's libglpk-dev), through a small
// cgo wrapper in this package: there is no sparse LP solver in pure Go fit for this size
// (gonum's is dense), the Go binding github.com/lukpank/go-glpk is not served by the module
// proxy, and a dozen calls of our own let us batch them and keep GLPK's aborts on invalid
// input out of reach (everything is validated first). GLPK keeps its state per OS thread, so
// every programme lives on a locked thread; a solve that stalls (cycling on a degenerate
// vertex) is cut off after a number of iterations proportional to the programme's size and
// solved again from scratch through GLPK's presolver, then by the other simplex method from the
// standard basis with Dantzig's pricing, then by the dual method from a crash basis with the
// textbook ratio test, and last in exact rational arithmetic (glp_exact, under a time limit).
// A programme none of these settles is no error of the call: the targets it was to settle are
// reported Failed (not proven safe; Values may be below need), each on its own, and the
// caller treats them as narrowed.
//
// # Usage
//
//	m, err := lpaudit.FromSums(values, shown, floor, sums) // floor: 1 withheld, 0 hidden
//	if err != nil {
//		return err
//	}
//	var targets []lpaudit.Target
//	for i, v := range values {
//		if !shown[i] && v >= 1 && v < threshold {
//			targets = append(targets, lpaudit.Target{Var: i, Truth: v})
//		}
//	}
//	ranges, err := lpaudit.Ranges(m, targets, 3)
//	if err != nil {
//		return err
//	}
//	for k, r := range ranges {
//		if r.Values < 3 { // the attacker narrows targets[k] to r.Min..r.Max
//			...
//		}
//	}
package lpaudit
