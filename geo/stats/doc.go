// Package stats holds the observatory's small-area statistics: crude rates with exact Poisson and
// Wilson intervals, an instability flag, empirical-Bayes smoothing and standardisation, spatial
// weights for H3 cells and contiguity lists, local indicators of spatial association (Local
// Moran, bivariate Local Moran, Getis-Ord Gi*) with conditional permutation inference and
// Benjamini-Hochberg false-discovery control, composite indices (adjusted Mazziotta-Pareto,
// IMD-style exponential weighting) and relative risks.
//
// The package is pure: no I/O, no global state, only the standard library and H3 (for the
// neighbours of a cell). Every convention (scaling, tails, cluster codes, FDR variant, how
// undefined and isolated areas are treated) is written down in docs/statistics.md, with worked
// examples that match the tests.
//
// Areas without residents are undefined, not zero: leave them out of the inputs (or pass NaN
// where a function says it accepts NaN) and never substitute 0.
package stats
