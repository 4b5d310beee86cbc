// Package trends finds where need is building up over time: the Mann-Kendall
// trend test of a series and the emerging hot spot categories of ArcGIS Pro's
// Emerging Hot Spot Analysis, computed from each area's Getis-Ord Gi* z-scores
// and p-values by time step.
//
// The package is pure: no I/O, no database, no global state, only the
// standard library. docs/statistics.md ("Emerging hot spots") states the same
// rules with their sources and worked examples.
//
// # Mann-Kendall
//
// MannKendall tests a series x₁ … xₙ (oldest first, one value per time step)
// for a monotonic trend (Mann 1945; Kendall 1975):
//
//	S      = Σ_{i<j} sign(x_j − x_i)
//	Var(S) = [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)] / 18
//	Z      = (S − sign(S)) / √Var(S)     (0 when S = 0)
//	p      = 2 (1 − Φ(|Z|))              (two-sided)
//
// where t_g is the size of the g-th group of equal values of x. This is
// exactly what R computes with
//
//	cor.test(x, seq_along(x), method = "kendall", exact = FALSE, continuity = TRUE)
//
// R (stats:::cor.test.default) recovers S from Kendall's tau-b as
// τ_b √((T0 − T1)(T0 − T2)) and uses a variance corrected for ties in both
// variables; the time axis seq_along(x) has no ties, so T2 = 0, every term
// that involves ties in the second variable vanishes, and R's variance is
// Var(S) above. Ties in x are
// exact float64 equality, as R's duplicated(x). The conformance test compares
// S, Var(S), Z and p with Rscript on 200 series with ties (S exactly, the rest
// to 1e-9) whenever Rscript is on PATH, and must run when
// ABITARE_TEST_REQUIRE_R=1.
//
// A series shorter than MinMannKendall (4) is rejected with a *TooShortError:
// with n = 3 the largest possible |S| = 3 gives p = 0.296, so the test could
// never signal a trend at any level used here (n = 4 reaches p = 0.0895). R
// itself accepts n ≥ 2. A series whose values are all equal has Var(S) = 0; it
// gets S = 0, Z = 0 and p = 1 (no trend), where R's cor.test answers NA
// because tau-b is undefined. NaN and ±Inf are rejected with a *ValueError,
// never dropped: R drops incomplete cases, but a missing time step would shift
// the counts of time steps that the categories rely on, so the caller must
// decide what a missing step means.
//
// # Emerging hot spot categories
//
// Classify gives one area its Category from the Gi* z-score z[t] and p-value
// p[t] of every time step t (oldest first) and the Mann-Kendall test of the
// z-scores, following the definitions of "How Emerging Hot Spot Analysis
// works" in the ArcGIS Pro documentation
// (https://pro.arcgis.com/en/pro-app/latest/tool-reference/space-time-pattern-mining/learnmoreemerging.htm).
//
// A bin (one area in one time step) is a significant hot spot when
// p[t] ≤ Alpha and z[t] > 0, and a significant cold spot when p[t] ≤ Alpha and
// z[t] < 0; z[t] = 0 is never significant. Alpha defaults to 0.10: ArcGIS
// calls a bin significant when it falls in any of its hot or cold spot
// confidence classes, the weakest of which is 90%. ArcGIS applies a false
// discovery rate correction to the bins of each time step; to do the same,
// pass p-values adjusted with AdjustBH (R's p.adjust(p, "BH")) across the
// areas of each time step: adjusted p ≤ Alpha is the Benjamini-Hochberg
// step-up rule at level Alpha, the rule of geo/stats.BenjaminiHochberg. Raw
// p-values give the uncorrected rule. The trend is significant when the
// Mann-Kendall p ≤ TrendAlpha (default 0.10 too), increasing when Z > 0 and
// decreasing when Z < 0. Every "p ≤ level" allows a relative 1e-9 for
// rounding, because an adjusted p-value that is exactly the level in exact
// arithmetic can be computed one ulp above it (AdjustBH, like R, gives
// 25/17 · 0.068 = 0.10000000000000002).
//
// With H the number of significant hot bins among n, "for ninety percent of
// the time-step intervals" means H ≥ 0.9 n (computed as 10 H ≥ 9 n, with no
// rounding) and "less than ninety percent" its complement. The hot spot
// categories are (the cold ones swap hot and cold, and for intensifying and
// diminishing the direction of the trend, because an intensifying cold spot's
// z-scores fall):
//
//   - New: significant hot in the final step and never before.
//   - Consecutive: a single uninterrupted run of at least two significant hot
//     bins ending in the final step, no significant hot bin before the run, and
//     less than 90% of the bins hot.
//   - Intensifying: hot in at least 90% of the steps, including the final
//     one, with a significant increasing trend.
//   - Persistent: hot in at least 90% of the steps with no significant trend.
//   - Diminishing: hot in at least 90% of the steps, including the final
//     one, with a significant decreasing trend.
//   - Sporadic: significant hot in the final step, with an earlier hot bin
//     separated from the final run by a step that is not hot ("on-again,
//     off-again"), less than 90% of the bins hot and no significant cold bin.
//   - Oscillating: significant hot in the final step with a significant cold
//     bin in an earlier step, and less than 90% of the bins hot.
//   - Historical: the final step is not a significant hot spot, but at least
//     90% of the steps were.
//
// ArcGIS's sentences overlap; where more than one holds, the first in this
// order applies: oscillating, then historical, then the others (and the test
// checks, on 30,000 random series, that this is the only ambiguity left). The
// overlaps are:
//
//   - Oscillating and new or consecutive: a location whose only hot bins are
//     the final run but which was a significant cold spot earlier is "never
//     a hot spot before" and also "hot with a history of cold"; it is
//     oscillating (as in R's sfdep, which requires no earlier significant bin
//     of either kind for new and consecutive).
//   - Historical and persistent: ArcGIS's persistent does not say "including
//     the final time step"; a location hot in at least 90% of the steps but
//     not in the final one is historical.
//   - Oscillating and the other side's historical or persistent: a location
//     hot in at least 90% of the steps whose final bin is a significant cold
//     spot is an oscillating cold spot (and often also "new" or
//     "consecutive" cold), not a historical or persistent hot spot. The
//     significant state of the final step decides between hot and cold.
//
// So every category except historical needs a significant final bin, and a
// location whose final bin is not significant is historical or shows no
// pattern. The current ArcGIS wording is followed: older versions (ArcMap
// 10.x, early ArcGIS Pro) did not require the consecutive run to have at least
// two bins, and worded sporadic as "an on-again then off-again hot spot"
// without requiring the final step to be hot.
//
// Classify needs at least MinTimeSteps (10) time steps: below ten the normal
// approximation of the Mann-Kendall test is rough (trend guidance such as
// Gilbert 1987, ch. 16, turns to exact tables for short series, and NCAR's
// trend_manken refuses fewer than 10 values), and "90% of the steps" would
// mean "every step".
//
// Category values are numbered 1 to 8 for the hot spot categories in the
// order above and −1 to −8 for the cold ones, 0 for no pattern, so negating
// every z-score negates the category exactly.
//
// # References
//
//   - Mann, H. B. (1945). Nonparametric tests against trend. Econometrica 13(3),
//     245–259.
//   - Kendall, M. G. (1975). Rank Correlation Methods, 4th ed. Griffin, London.
//   - Gilbert, R. O. (1987). Statistical Methods for Environmental Pollution
//     Monitoring. Van Nostrand Reinhold, ch. 16.
//   - NCAR Command Language, trend_manken
//     (http://ncl.ucar.edu/Document/Functions/Built-in/trend_manken.shtml).
//   - R Core Team. cor.test, stats package (stats:::cor.test.default);
//     p.adjust(method = "BH").
//   - Esri. How Emerging Hot Spot Analysis works, ArcGIS Pro tool reference,
//     Space Time Pattern Mining toolbox.
//   - Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery
//     rate. Journal of the Royal Statistical Society B 57(1), 289–300.
package trends
