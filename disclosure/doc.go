// Package disclosure holds every disclosure protection of the observatory's outputs, each as
// a function its readers call. This comment lists them, says what each guarantees against which
// attacker, and what none of them covers. docs/privacy.md has the whole account, with the
// attacks measured.
//
// Who reads what: the public (anonymous) reads only the protected release; planners and the
// housing office read the true aggregates except the counts withheld from them, and read the
// public release too.
//
// # Small counts
//
// Withheld is the small-count rule: a true count from 1 to threshold-1 is not shown to the
// restricted roles; zero and counts of at least the threshold are. The profiles, rankings,
// rent burdens, categories and custom areas call it in Go; the restricted tiles and the
// rankings' SQL call PublishedCountSQL, which names the rule's SQL function published_count
// (migration 00008). On its own the rule protects nothing against subtraction: see secondary
// suppression below.
//
// # The public release: cell-key perturbation
//
// Publish (release.go; the method in package cellkey) builds the public tables
// released_indicators and released_overlap from the true counts and records each release in a
// manifest for the data-protection officer.
//   - Every published count is perturbed, large ones too, so that no published value can be
//     known to be exact. The deviation is read from the perturbation table with the cell's key,
//     the sum of its people's record keys: the same people always give the same noise, so
//     re-querying, overlapping geographies (a cell and the section it lies in), successive
//     periods and successive releases of unchanged data cannot average it away.
//   - Zeros are perturbed as well, with a key drawn from the cell's identity (without the
//     period) under a secret: a published 0 or 5 proves neither that nobody nor that somebody
//     is there.
//   - No published count lies between 1 and the threshold minus one, and a count from 1 to
//     threshold-1 is published only as a value a true zero can take too (0, or from the
//     threshold to the maximum deviation): 0 or 5 with the defaults.
//   - Rates are computed from the protected counts, never from the true ones.
//   - Health figures are published only at district level or coarser (Options.HealthGeographies).
//   - Only areas with residents are listed, so that an area's presence says nothing about its
//     beneficiaries, and figures are published only for areas of at least MinResidents
//     residents: below that a rate is noise, and a perturbed count can exceed the population.
//
// The attacker is the public, who downloads every public output (tiles, exports, the city's
// combinations of domains), knows the method and, worst case, the maximum deviation, and
// propagates intervals through every equation between true counts (H3 nesting, sections in
// districts and against H3 cells, partitions of the city, the year against its quarters,
// rate times residents, combinations against domain totals). What holds is measured, not
// proved: the attack suite (cmd/abitare/attack_test.go) recovers none of the demo city's true
// counts from 1 to 4, where plain suppression gives up thousands. The method is not
// differentially private and has no privacy-loss budget.
//
// # The planner's figures: secondary suppression
//
// Package withheld decides, for every period, which true counts the restricted outputs (the
// planner's map, profiles, rankings) do not show, and stores the decision in withheld_figures
// for every reader: the small counts, and larger ones chosen by package secondary so that the
// small ones cannot be recovered by subtraction. Package lpaudit is the exact attacker that
// secondary's check runs.
//
// The attacker is the planner, who knows every shown count, that a withheld count is at least
// 1 (zeros are shown) and every additive relation between the figures: H3 cells against their
// children, districts against their sections, sections and H3 10 cells against their pieces,
// domains against the combinations containing them, need against without help and helped, the
// municipality (and a territory's comuni) against each partition. Guaranteed: no withheld small
// count is left in an interval of fewer than three values (secondary.DefaultRange), neither by
// interval propagation through the relations (secondary.Attack) nor by the exact attacker who
// solves the linear programmes of every relation at once (lpaudit.Ranges, with fractional
// counts allowed: never narrower than enumerating integer tables). A count the solver cannot
// settle is treated as narrowed, never as safe.
//
// # Custom areas
//
// SumSelection sums an indicator over a planner's selection of sections or H3 cells
// (geo/customarea): each unit shown to planners at its true count, each withheld unit at its
// figure in the latest public release; the sum is withheld when a withheld unit has no public
// figure (health below districts, units under the public minimum of residents), when the
// selection has fewer residents than that minimum, or when it is a small count.
//
// The attacker is the planner who sends any number of selections and subtracts or averages the
// answers: adding different shown units to draw fresh noise, varying the pool of withheld
// units, overlapping selections, polygons against explicit ones. Guaranteed: every answer is a
// function of figures the same planner reads elsewhere (the shown true counts and the public
// release), the same in every selection, so the difference of two answers is a sum of such
// figures, no number of queries tells more than they do, and averaging gains nothing. The audit
// trail's differencing report and the rate limit (packages audit and web) watch for the attempt;
// they are not what protects.
//
// # Categories
//
// ProtectCategoryTable protects the categories views (geo/profile: the rate and relative risk
// of each category of residents in a domain) of the city and of every OMI district at once;
// ProtectCategories protects one area's categories on their own.
//
// The attacker is the planner of secondary suppression, with the categories' relations: a
// dimension's categories add up to the people classified, these plus the unclassified to the
// area's people in the domain, which the map shows; a relative risk gives away the people
// outside its category; each cell of the city is the sum of the districts' and of the people
// placed in no district (a remainder nobody sees). The suppression is chosen by package
// secondary with the exact attacker over the whole table, then attacked again with the map's
// figures known. Guaranteed by that last attack (interval propagation): no small count of any
// area's categories, nor a district's people that the map withholds, is left with fewer than
// three values, so the city's figures minus the districts' give none away. When no suppression
// of the districts achieves that (ErrNoJointProtection), the districts' views are refused and
// the city's is protected on its own.
//
// # What is not covered
//
//   - The planner's true tables beside the public release: a withheld count's public figure
//     bounds it to the values the perturbation table could have turned into that figure, and
//     those bounds are in neither secondary's nor lpaudit's model.
//   - Differential privacy: none of these protections is differentially private.
//   - Repeated releases give the same noise only while the data do not change.
//   - The quarterly history, trends and forecasts have no disclosure control: they are
//     restricted and never public.
package disclosure
