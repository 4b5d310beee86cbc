package stats

import (
	"errors"
	"fmt"
	"math"
)

// Cluster codes, GeoDa's numbering for Local Moran; Gi* reuses 0, 1 (hot), 2 (cold), 5 and 6.
const (
	ClusterNotSignificant = 0 // p above the cut-off (or an exact tie on a quadrant boundary)
	ClusterHighHigh       = 1 // high value among high neighbours
	ClusterLowLow         = 2 // low value among low neighbours
	ClusterLowHigh        = 3 // low value among high neighbours
	ClusterHighLow        = 4 // high value among low neighbours
	ClusterUndefined      = 5 // value undefined (NaN), e.g. an area with no residents
	ClusterIsolated       = 6 // no defined neighbour: nothing to test
	ClusterHot            = 1 // Gi*: significant and G*_i above its expectation
	ClusterCold           = 2 // Gi*: significant and G*_i below its expectation
)

// Method names carried by LISAResult.Method.
const (
	MethodLocalMoran          = "local_moran"
	MethodBivariateLocalMoran = "bivariate_local_moran"
	MethodGetisOrdGiStar      = "getis_ord_gi_star"
)

// Defaults of LISAOptions.
const (
	DefaultPermutations = 999
	DefaultFDR          = 0.05
	minAreas            = 3
)

// LISAOptions control conditional permutation inference. Zero values take the defaults;
// a zero Seed is an ordinary, reproducible seed.
type LISAOptions struct {
	Permutations int     // permutations per area; 0 means DefaultPermutations (999)
	Seed         uint64  // seed of the per-area PCG streams
	FDR          float64 // Benjamini-Hochberg false-discovery rate q; 0 means DefaultFDR (0.05)
}

// resolved applies the defaults and checks the ranges.
func (o LISAOptions) resolved() (LISAOptions, error) {
	if o.Permutations == 0 {
		o.Permutations = DefaultPermutations
	}
	if o.FDR == 0 {
		o.FDR = DefaultFDR
	}
	if o.Permutations < 1 {
		return o, fmt.Errorf("stats: permutations must be positive, got %d", o.Permutations)
	}
	if !(o.FDR > 0 && o.FDR <= 1) {
		return o, fmt.Errorf("stats: FDR q must be in (0, 1], got %v", o.FDR)
	}
	return o, nil
}

// AreaResult is one area's local statistic and its inference.
type AreaResult struct {
	// Stat is I_i = (n-1)/n * z_i * lag_i for Local Moran, I_i = (n-1)/n * zx_i * lag(zy)_i
	// for the bivariate form (esda's Moran_Local.Is and Moran_Local_BV.Is, GeoDa's LISA), and
	// G*_i for Gi* (esda's G_Local(star=True).Gs, GeoDa's G*).
	Stat float64 `json:"stat"`
	// Lag is the neighbours' mean of z (of zy for the bivariate form), z standardised with the
	// population sd as in esda; for Gi* it is the mean of y over the area and its neighbours.
	Lag float64 `json:"lag"`
	// Z is the permutation z-sim: (observed - mean of permuted) / sd of permuted statistics.
	Z float64 `json:"z_sim"`
	// ZNorm is, for Gi* only, the analytical z of G*_i under normality: esda's
	// G_Local(star=True, transform="R").Zs and GeoDa's Gi* z-value. 0 for Local Moran.
	ZNorm float64 `json:"z_norm"`
	// P is the folded pseudo p-value (M+1)/(R+1); 1 for undefined and isolated areas.
	P float64 `json:"p_sim"`
	// Cluster is a Cluster* code.
	Cluster int `json:"cluster"`
	// Significant reports P <= the run's Benjamini-Hochberg cut-off.
	Significant bool `json:"significant"`
}

// LISAResult holds every area's result together with the parameters that produced them.
type LISAResult struct {
	Method       string       `json:"method"`       // a Method* name
	Permutations int          `json:"permutations"` // permutations per area (R)
	Seed         uint64       `json:"seed"`         // seed of the per-area random streams
	FDR          float64      `json:"fdr_q"`        // Benjamini-Hochberg q
	Cutoff       float64      `json:"p_cutoff"`     // BH cut-off p*; 0 when nothing is significant
	Tested       int          `json:"tested"`       // areas tested (defined, with neighbours): BH's m
	Areas        []AreaResult `json:"areas"`        // one per input area, in input order
}

// subset is the defined areas of a run and the weights restricted to them.
type subset struct {
	ids []int // input index of each defined area
	g   graph // neighbours among defined areas, in compact indices
}

// areaCalc is one defined area's statistic before multiple-testing correction.
type areaCalc struct {
	stat, lag, z, p float64
	znorm           float64 // Gi*'s analytical z; 0 for Local Moran
	tested          bool
	cluster         int // the cluster code the area gets if it is significant
}

// LocalMoran computes the univariate Local Moran's I of y with conditional permutation
// inference. y holds one value per area of w; NaN marks an undefined area, which is left out as
// if it were absent from the input (code ClusterUndefined; its neighbours' lags are averaged
// over their defined neighbours only). Values are standardised with the population sd over the
// n defined areas, and I_i = (n−1)/n · z_i · lag_i, which is GeoDa's and PySAL's Moran_Local
// (I_i = (n−1) · d_i · lag(d)_i / Σ d_k² with d the deviations from the mean).
func LocalMoran(y []float64, w Weights, opt LISAOptions) (LISAResult, error) {
	opt, s, err := setup(w, opt, y)
	if err != nil {
		return LISAResult{}, err
	}
	z, err := standardise(compact(y, s.ids))
	if err != nil {
		return LISAResult{}, err
	}
	po := permJob{g: s.g, vals: z, ids: s.ids, perms: opt.Permutations, seed: opt.Seed}.run()
	calcs := moranCalcs(z, z, s.g, po, opt.Permutations)
	return assemble(MethodLocalMoran, len(y), s, calcs, opt), nil
}

// BivariateLocalMoran relates x at each area to the neighbours' mean of y:
// I_i = (n−1)/n · zx_i · lag(zy)_i, with x and y standardised with the population sd over the n
// areas where both are defined. That is esda's Moran_Local_BV.Is, (n−1) · zx_i · lag(zy)_i / Σ zx²,
// and GeoDa's bivariate LISA (whose z use the sample sd). It is not a local correlation between
// x and y. Permutations hold zx_i fixed and draw the neighbours' y from the other n-1 areas. An
// area is undefined when x or y is NaN.
func BivariateLocalMoran(x, y []float64, w Weights, opt LISAOptions) (LISAResult, error) {
	opt, s, err := setup(w, opt, x, y)
	if err != nil {
		return LISAResult{}, err
	}
	zx, err := standardise(compact(x, s.ids))
	if err != nil {
		return LISAResult{}, err
	}
	zy, err := standardise(compact(y, s.ids))
	if err != nil {
		return LISAResult{}, err
	}
	po := permJob{g: s.g, vals: zy, ids: s.ids, perms: opt.Permutations, seed: opt.Seed}.run()
	calcs := moranCalcs(zx, zy, s.g, po, opt.Permutations)
	return assemble(MethodBivariateLocalMoran, len(x), s, calcs, opt), nil
}

// moranCalcs computes I_i = (n−1)/n · focal_i · lag_i with its permutation inference for every
// area. The factor (n−1)/n is the reference implementations' scaling (esda divides by Σ z² = n
// and multiplies by n−1); the permuted statistics scale alike, so it leaves the pseudo
// p-values, z-sims and clusters unchanged.
func moranCalcs(focal, nbrVals []float64, g graph, po permOut, perms int) []areaCalc {
	n := float64(len(focal))
	out := make([]areaCalc, len(focal))
	for i, zi := range focal {
		nb := g.nbrs(i)
		if len(nb) == 0 {
			continue
		}
		lag := meanAt(nbrVals, nb)
		c := areaCalc{stat: (n - 1) / n * zi * lag, lag: lag, tested: true, p: 1}
		if zi != 0 { // zi = 0 makes every permuted I equal to 0: p = 1
			c.p = pseudoP(po.m[i], perms)
			c.z = math.Copysign(1, zi) * po.z[i]
			c.cluster = quadrant(zi, lag)
		}
		out[i] = c
	}
	return out
}

// quadrant returns GeoDa's Moran scatterplot code for a focal z and its lag.
func quadrant(z, lag float64) int {
	switch {
	case z > 0 && lag > 0:
		return ClusterHighHigh
	case z < 0 && lag < 0:
		return ClusterLowLow
	case z < 0 && lag > 0:
		return ClusterLowHigh
	case z > 0 && lag < 0:
		return ClusterHighLow
	}
	return ClusterNotSignificant
}

// GetisOrdGiStar computes Getis-Ord G*_i = sum_{j in N_i and i} y_j / ((k_i+1) sum_all y):
// row-standardised weights with the focal area included, as esda's G_Local(star=True,
// transform="R") and GeoDa's Gi* with row-standardised weights. ZNorm is their analytical z,
// (G*_i − 1/n) / √(s² / (n² ȳ²)) with ȳ and s² the mean and population variance of y.
// Values must be non-negative (NaN marks an undefined area). Permutations hold y_i fixed and
// draw the k_i neighbours' values from the other n-1; an area is hot (cold) when significant and
// G*_i is above (below) its expectation under that conditional null,
// (y_i + k_i (T - y_i)/(n-1)) / ((k_i+1) T) with T = sum y.
func GetisOrdGiStar(y []float64, w Weights, opt LISAOptions) (LISAResult, error) {
	opt, s, err := setup(w, opt, y)
	if err != nil {
		return LISAResult{}, err
	}
	v := compact(y, s.ids)
	total, err := nonNegativeTotal(v)
	if err != nil {
		return LISAResult{}, err
	}
	mean := total / float64(len(v))
	centred := make([]float64, len(v))
	for i, x := range v {
		centred[i] = x - mean
	}
	po := permJob{g: s.g, vals: centred, ids: s.ids, perms: opt.Permutations, seed: opt.Seed}.run()
	calcs := giStarCalcs(v, total, s.g, po, opt.Permutations)
	return assemble(MethodGetisOrdGiStar, len(y), s, calcs, opt), nil
}

// nonNegativeTotal returns sum v, failing on a negative value or a zero total.
func nonNegativeTotal(v []float64) (float64, error) {
	var t float64
	for _, x := range v {
		if x < 0 {
			return 0, errors.New("stats: Gi* needs non-negative values")
		}
		t += x
	}
	if t == 0 {
		return 0, errors.New("stats: Gi* needs a positive total")
	}
	return t, nil
}

// giStarCalcs computes G*_i with its analytical z and its permutation inference for every area.
func giStarCalcs(v []float64, total float64, g graph, po permOut, perms int) []areaCalc {
	n := float64(len(v))
	zn := giStarNormal(v)
	out := make([]areaCalc, len(v))
	for i, yi := range v {
		nb := g.nbrs(i)
		k := float64(len(nb))
		local := (yi + k*meanAt(v, nb)) / (k + 1)
		c := areaCalc{stat: local / total, lag: local, znorm: zn(local / total), p: 1}
		if len(nb) > 0 {
			expected := (yi + k*(total-yi)/(n-1)) / ((k + 1) * total)
			c.tested, c.p, c.z = true, pseudoP(po.m[i], perms), po.z[i]
			c.cluster = hotCold(c.stat, expected)
		}
		out[i] = c
	}
	return out
}

// giStarNormal returns the map from G*_i to its analytical z under row-standardised weights:
// E[G*_i] = 1/n and Var[G*_i] = s² / (n² ȳ²), with s² the population variance (esda's
// G_Local.calc with star and transform "R", GeoDa's GStatCoordinator). The z is 0 when y does not
// vary, where every G*_i equals 1/n.
func giStarNormal(v []float64) func(g float64) float64 {
	mean, sd := meanSD(v)
	n := float64(len(v))
	if !(sd > 0) {
		return func(float64) float64 { return 0 }
	}
	se := sd / (n * mean)
	return func(g float64) float64 { return (g - 1/n) / se }
}

// hotCold returns ClusterHot or ClusterCold as g is above or below its expectation.
func hotCold(g, expected float64) int {
	switch {
	case g > expected:
		return ClusterHot
	case g < expected:
		return ClusterCold
	}
	return ClusterNotSignificant
}

// pseudoP is the folded pseudo p-value (M+1)/(R+1).
func pseudoP(m, perms int) float64 {
	return float64(m+1) / float64(perms+1)
}

// meanAt is the mean of v over the indices nb (0 when nb is empty).
func meanAt(v []float64, nb []int32) float64 {
	if len(nb) == 0 {
		return 0
	}
	var s float64
	for _, j := range nb {
		s += v[j]
	}
	return s / float64(len(nb))
}

// setup resolves the options, validates the weights and series, and restricts the weights to
// the areas where every series is defined.
func setup(w Weights, opt LISAOptions, series ...[]float64) (LISAOptions, subset, error) {
	opt, err := opt.resolved()
	if err != nil {
		return opt, subset{}, err
	}
	if err := w.Validate(); err != nil {
		return opt, subset{}, err
	}
	defined, err := definedAreas(w.N(), series)
	if err != nil {
		return opt, subset{}, err
	}
	s := restrict(w, defined)
	if len(s.ids) < minAreas {
		return opt, subset{}, fmt.Errorf("stats: need at least %d defined areas, got %d", minAreas, len(s.ids))
	}
	return opt, s, nil
}

// definedAreas marks the areas where every series holds a finite value (NaN = undefined).
func definedAreas(n int, series [][]float64) ([]bool, error) {
	defined := make([]bool, n)
	for i := range defined {
		defined[i] = true
	}
	for _, v := range series {
		if len(v) != n {
			return nil, fmt.Errorf("stats: %d values for %d areas", len(v), n)
		}
		for i, x := range v {
			if math.IsInf(x, 0) {
				return nil, fmt.Errorf("stats: area %d: infinite value", i)
			}
			defined[i] = defined[i] && !math.IsNaN(x)
		}
	}
	return defined, nil
}

// restrict keeps the defined areas and, for each, its defined neighbours (re-standardised over
// them: an area whose neighbours are all undefined becomes isolated).
func restrict(w Weights, defined []bool) subset {
	pos := make([]int32, w.N())
	var s subset
	for i, ok := range defined {
		pos[i] = -1
		if ok {
			pos[i] = int32(len(s.ids))
			s.ids = append(s.ids, i)
		}
	}
	s.g.off = make([]int32, 1, len(s.ids)+1)
	for _, i := range s.ids {
		for _, j := range w.Neighbors[i] {
			if pos[j] >= 0 {
				s.g.idx = append(s.g.idx, pos[j])
			}
		}
		s.g.off = append(s.g.off, int32(len(s.g.idx)))
	}
	return s
}

// compact returns v at the given indices.
func compact(v []float64, ids []int) []float64 {
	out := make([]float64, len(ids))
	for k, i := range ids {
		out[k] = v[i]
	}
	return out
}

// standardise returns (v - mean)/sd with the population sd, failing when v does not vary.
func standardise(v []float64) ([]float64, error) {
	mean, sd := meanSD(v)
	if !(sd > 0) {
		return nil, errors.New("stats: values do not vary (sd = 0)")
	}
	z := make([]float64, len(v))
	for i, x := range v {
		z[i] = (x - mean) / sd
	}
	return z, nil
}

// meanSD returns the mean and population standard deviation of v.
func meanSD(v []float64) (mean, sd float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	var ss float64
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(v)))
}

// assemble applies the Benjamini-Hochberg cut-off and expands the defined areas' results back
// to the input order, marking undefined and isolated areas.
func assemble(method string, n int, s subset, calcs []areaCalc, opt LISAOptions) LISAResult {
	var ps []float64
	for _, c := range calcs {
		if c.tested {
			ps = append(ps, c.p)
		}
	}
	res := LISAResult{Method: method, Permutations: opt.Permutations, Seed: opt.Seed,
		FDR: opt.FDR, Cutoff: BenjaminiHochberg(ps, opt.FDR), Tested: len(ps)}
	res.Areas = make([]AreaResult, n)
	for i := range res.Areas {
		res.Areas[i] = AreaResult{P: 1, Cluster: ClusterUndefined}
	}
	for k, c := range calcs {
		res.Areas[s.ids[k]] = areaResult(c, res.Cutoff)
	}
	return res
}

// areaResult turns one calculation into its public form under the cut-off.
func areaResult(c areaCalc, cutoff float64) AreaResult {
	r := AreaResult{Stat: c.stat, Lag: c.lag, Z: c.z, ZNorm: c.znorm, P: c.p, Cluster: ClusterIsolated}
	if !c.tested {
		r.P = 1
		return r
	}
	r.Significant = cutoff > 0 && c.p <= cutoff
	r.Cluster = ClusterNotSignificant
	if r.Significant {
		r.Cluster = c.cluster
	}
	return r
}
