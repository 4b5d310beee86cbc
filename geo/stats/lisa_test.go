package stats

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"

	"github.com/uber/h3-go/v4"
)

// path4 is the path 0-1-2-3.
var path4 = FromNeighbors([][]int{{1}, {0, 2}, {1, 3}, {2}})

// Hand computation on the path with y = 1, 2, 3, 4 by PySAL's Moran_Local formula,
// I_i = (n-1) d_i lag(d)_i / sum(d^2) with d = y - mean = -1.5, -0.5, 0.5, 1.5 (sum of squares 5)
// and row-standardised weights: I_0 = 3 (-1.5)(-0.5)/5 = 0.45, I_1 = 3 (-0.5)(-0.5)/5 = 0.15,
// and symmetrically 0.15, 0.45. (GeoDa gives the same; z·lag alone would be 0.6, 0.2.)
func TestLocalMoranHandValues(t *testing.T) {
	res, err := LocalMoran([]float64{1, 2, 3, 4}, path4, LISAOptions{Permutations: 99})
	if err != nil {
		t.Fatal(err)
	}
	s := math.Sqrt(1.25)
	wantI := []float64{0.45, 0.15, 0.15, 0.45}
	wantLag := []float64{-0.5 / s, -0.5 / s, 0.5 / s, 0.5 / s}
	for i, a := range res.Areas {
		if !near(a.Stat, wantI[i], 1e-12) || !near(a.Lag, wantLag[i], 1e-12) {
			t.Errorf("area %d: I %v lag %v, want %v %v", i, a.Stat, a.Lag, wantI[i], wantLag[i])
		}
	}
	if res.Method != MethodLocalMoran || res.Permutations != 99 || res.FDR != DefaultFDR || res.Tested != 4 {
		t.Errorf("parameters not carried: %+v", res)
	}
}

// With x = 1, 2, 3, 4 and y = 4, 3, 2, 1, zy = -zx, so zx·lag(zy) = -(0.6, 0.2, 0.2, 0.6) and
// I_i = (n-1)/n times that = -(0.45, 0.15, 0.15, 0.45), minus the univariate values.
func TestBivariateLocalMoranHandValues(t *testing.T) {
	res, err := BivariateLocalMoran([]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, path4, LISAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{-0.45, -0.15, -0.15, -0.45} {
		if !near(res.Areas[i].Stat, want, 1e-12) {
			t.Errorf("area %d: I %v, want %v", i, res.Areas[i].Stat, want)
		}
	}
}

// G*_i = (y_i + neighbours)/((k_i+1) T) with T = 10: 3/20, 6/30, 9/30, 7/20.
func TestGetisOrdGiStarHandValues(t *testing.T) {
	res, err := GetisOrdGiStar([]float64{1, 2, 3, 4}, path4, LISAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantG := []float64{0.15, 0.2, 0.3, 0.35}
	wantLocal := []float64{1.5, 2, 3, 3.5}
	for i, a := range res.Areas {
		if !near(a.Stat, wantG[i], 1e-12) || !near(a.Lag, wantLocal[i], 1e-12) {
			t.Errorf("area %d: G* %v local mean %v", i, a.Stat, a.Lag)
		}
	}
	if _, err := GetisOrdGiStar([]float64{1, -2, 3, 4}, path4, LISAOptions{}); err == nil {
		t.Error("negative value accepted")
	}
}

// combos calls f with every k-subset of pool.
func combos(pool []int, k int, f func([]int)) {
	var rec func(start int, cur []int)
	rec = func(start int, cur []int) {
		if len(cur) == k {
			f(cur)
			return
		}
		for i := start; i < len(pool); i++ {
			rec(i+1, append(cur, pool[i]))
		}
	}
	rec(0, nil)
}

// exactInference enumerates every k_i-subset of the other n-1 areas (all equally likely under
// conditional permutation without replacement) and returns the folded exact p-value and the
// standardised position of the observed statistic. stat maps a subset to the statistic.
func exactInference(n, i int, nb []int, stat func(set []int) float64) (p, z float64) {
	obs := stat(nb)
	var others []int
	for j := range n {
		if j != i {
			others = append(others, j)
		}
	}
	var vals []float64
	combos(others, len(nb), func(s []int) { vals = append(vals, stat(s)) })
	ge, le := 0, 0
	var mean, ss float64
	for _, v := range vals {
		if v >= obs-1e-12 {
			ge++
		}
		if v <= obs+1e-12 {
			le++
		}
		mean += v / float64(len(vals))
	}
	for _, v := range vals {
		ss += (v - mean) * (v - mean)
	}
	return float64(min(ge, le)) / float64(len(vals)), (obs - mean) / math.Sqrt(ss/float64(len(vals)))
}

// zscores standardises v with the population sd, independently of the package.
func zscores(v []float64) []float64 {
	var m, ss float64
	for _, x := range v {
		m += x / float64(len(v))
	}
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = (x - m) / math.Sqrt(ss/float64(len(v)))
	}
	return out
}

func sumAt(v []float64, s []int) float64 {
	var t float64
	for _, j := range s {
		t += v[j]
	}
	return t
}

var tinyGraph = FromNeighbors([][]int{{1, 2}, {0, 2, 3}, {0, 1, 3, 4}, {1, 2, 5}, {2, 5, 6}, {3, 4, 6}, {4, 5}})

// The permutation p-values and z-sims converge to the exact conditional-permutation values.
func TestPermutationMatchesExactEnumeration(t *testing.T) {
	x := []float64{8.6, 9.1, 9.9, 3.3, 1.1, 0.7, 0.2} // area 0 sits by the two largest others: exact p = 1/15
	y := []float64{2, 4, 1, 8, 3, 5, 9}
	zx, zy := zscores(x), zscores(y)
	const R = 49999
	opt := LISAOptions{Permutations: R, Seed: 7}
	lm, err1 := LocalMoran(x, tinyGraph, opt)
	bv, err2 := BivariateLocalMoran(x, y, tinyGraph, opt)
	gs, err3 := GetisOrdGiStar(x, tinyGraph, opt)
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	total := sumAt(x, []int{0, 1, 2, 3, 4, 5, 6})
	for i, nb := range tinyGraph.Neighbors {
		k := float64(len(nb))
		cases := []struct {
			name string
			got  AreaResult
			stat func([]int) float64
		}{
			// PySAL's and GeoDa's scaling, (n-1)/n; the inference does not depend on it.
			{"moran", lm.Areas[i], func(s []int) float64 { return float64(len(x)-1) / float64(len(x)) * zx[i] * sumAt(zx, s) / k }},
			{"bivariate", bv.Areas[i], func(s []int) float64 { return float64(len(x)-1) / float64(len(x)) * zx[i] * sumAt(zy, s) / k }},
			{"gi*", gs.Areas[i], func(s []int) float64 { return (x[i] + sumAt(x, s)) / ((k + 1) * total) }},
		}
		for _, c := range cases {
			p, z := exactInference(len(x), i, nb, c.stat)
			tol := 4*math.Sqrt(p*(1-p)/R) + 2.0/R
			if math.Abs(c.got.P-p) > tol || math.Abs(c.got.Z-z) > 0.03 {
				t.Errorf("%s area %d: p %v z %v, exact p %v z %v", c.name, i, c.got.P, c.got.Z, p, z)
			}
			if !near(c.got.Stat, c.stat(nb), 1e-12) {
				t.Errorf("%s area %d: stat %v, want %v", c.name, i, c.got.Stat, c.stat(nb))
			}
		}
	}
}

// In a triangle each area's two neighbours are the whole pool of the other two, so every draw
// without replacement reproduces the observed sum: p = 1 and z-sim = 0 everywhere.
func TestWithoutReplacement(t *testing.T) {
	tri := FromNeighbors([][]int{{1, 2}, {0, 2}, {0, 1}})
	res, err := LocalMoran([]float64{1, 2, 4}, tri, LISAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range res.Areas {
		if a.P != 1 || a.Z != 0 || a.Significant {
			t.Errorf("area %d: %+v", i, a)
		}
	}
	if res.Cutoff != 0 {
		t.Errorf("cut-off %v", res.Cutoff)
	}
}

// An area exactly at the mean has I = 0 for every draw: p = 1.
func TestFocalAtMean(t *testing.T) {
	res, err := LocalMoran([]float64{1, 2, 3, 4, 2.5}, FromNeighbors([][]int{{1}, {0, 4}, {4}, {4}, {1, 2, 3}}), LISAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a := res.Areas[4]; a.P != 1 || a.Z != 0 || a.Stat != 0 {
		t.Errorf("area at the mean: %+v", a)
	}
}

// NaN areas are undefined (code 5) and drop out as if absent; an area without defined
// neighbours is isolated (code 6).
func TestUndefinedAndIsolated(t *testing.T) {
	full := FromNeighbors([][]int{{1}, {0, 2}, {1, 3}, {2, 4}, {3}, {}})
	y := []float64{1, 5, math.NaN(), 2, 8, 3}
	res, err := LocalMoran(y, full, LISAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reduced := FromNeighbors([][]int{{1}, {0}, {3}, {2}, {}})
	want, err := LocalMoran([]float64{1, 5, 2, 8, 3}, reduced, LISAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := range map[int]int{0: 0, 1: 1, 3: 2, 4: 3, 5: 4} {
		if !near(res.Areas[i].Stat, want.Areas[j].Stat, 1e-12) || !near(res.Areas[i].Lag, want.Areas[j].Lag, 1e-12) {
			t.Errorf("area %d differs from the reduced run", i)
		}
	}
	if res.Areas[2].Cluster != ClusterUndefined || res.Areas[5].Cluster != ClusterIsolated {
		t.Errorf("codes %d %d", res.Areas[2].Cluster, res.Areas[5].Cluster)
	}
	if res.Tested != 4 || res.Areas[5].P != 1 || res.Areas[5].Significant {
		t.Errorf("tested %d, isolated %+v", res.Tested, res.Areas[5])
	}
	if _, err := json.Marshal(res); err != nil {
		t.Errorf("result does not encode: %v", err)
	}
}

// h3Patch returns the cells of the disk of radius k around the test point and random values.
func h3Patch(k, res int, seed uint64) ([]uint64, []float64) {
	centre := h3.LatLngToCell(h3.NewLatLng(44.645, 10.925), res)
	var cells []uint64
	for _, c := range centre.GridDisk(k) {
		cells = append(cells, uint64(c))
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	vals := make([]float64, len(cells))
	for i := range vals {
		vals[i] = rng.Float64()
	}
	return cells, vals
}

// Results depend only on the seed: not on the number of cores.
func TestReproducible(t *testing.T) {
	cells, vals := h3Patch(12, 10, 1)
	w := H3Weights(cells)
	opt := LISAOptions{Seed: 42}
	a, _ := LocalMoran(vals, w, opt)
	b, _ := LocalMoran(vals, w, opt)
	prev := runtime.GOMAXPROCS(1)
	c, _ := LocalMoran(vals, w, opt)
	runtime.GOMAXPROCS(prev)
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(a, c) {
		t.Error("same seed, different results")
	}
	d, _ := LocalMoran(vals, w, LISAOptions{Seed: 43})
	if reflect.DeepEqual(a.Areas, d.Areas) {
		t.Error("different seeds, identical p-values")
	}
}

// A planted north-south gradient gives significant high-high and low-low clusters and hot and
// cold spots; codes agree with the quadrants and the cut-off with Benjamini-Hochberg.
func TestClustersOnGradient(t *testing.T) {
	cells, noise := h3Patch(10, 10, 3)
	y := make([]float64, len(cells))
	for i, c := range cells {
		y[i] = 50 + 1000*(h3.Cell(int64(c)).LatLng().Lat-44.645) + noise[i]
	}
	w := H3Weights(cells)
	lm, err := LocalMoran(y, w, LISAOptions{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	z := zscores(y)
	counts := map[int]int{}
	var ps []float64
	for i, a := range lm.Areas {
		ps = append(ps, a.P)
		counts[a.Cluster]++
		if a.Significant != (a.P <= lm.Cutoff) {
			t.Fatalf("area %d: significant %v with p %v and cut-off %v", i, a.Significant, a.P, lm.Cutoff)
		}
		if a.Significant && a.Cluster != quadrantOf(z[i], a.Lag) {
			t.Errorf("area %d: cluster %d for z %v lag %v", i, a.Cluster, z[i], a.Lag)
		}
	}
	if lm.Cutoff != BenjaminiHochberg(ps, 0.05) || counts[ClusterHighHigh] == 0 || counts[ClusterLowLow] == 0 {
		t.Errorf("cut-off %v, clusters %v", lm.Cutoff, counts)
	}
	gs, err := GetisOrdGiStar(y, w, LISAOptions{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range gs.Areas {
		if a.Cluster == ClusterHot && z[i] < -1 || a.Cluster == ClusterCold && z[i] > 1 {
			t.Errorf("area %d: code %d for z %v", i, a.Cluster, z[i])
		}
	}
}

// quadrantOf is GeoDa's quadrant rule, restated for the test.
func quadrantOf(z, lag float64) int {
	switch {
	case z > 0 && lag > 0:
		return 1
	case z < 0 && lag < 0:
		return 2
	case z < 0 && lag > 0:
		return 3
	default:
		return 4
	}
}

func TestOptions(t *testing.T) {
	y := []float64{1, 2, 3, 4}
	for _, opt := range []LISAOptions{{Permutations: -1}, {FDR: 1.5}, {FDR: -0.1}} {
		if _, err := LocalMoran(y, path4, opt); err == nil {
			t.Errorf("%+v accepted", opt)
		}
	}
	if _, err := LocalMoran([]float64{2, 2, 2, 2}, path4, LISAOptions{}); err == nil {
		t.Error("constant values accepted")
	}
	if _, err := LocalMoran([]float64{1, 2}, path4, LISAOptions{}); err == nil {
		t.Error("length mismatch accepted")
	}
}

// BenchmarkLocalMoran12k runs 999 permutations on 12,000 resolution-10 cells around Modena.
func BenchmarkLocalMoran12k(b *testing.B) {
	centre := h3.LatLngToCell(h3.NewLatLng(44.645, 10.925), 10)
	var cells []uint64
	for _, ring := range centre.GridDiskDistances(63) {
		for _, c := range ring {
			if len(cells) < 12000 {
				cells = append(cells, uint64(c))
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	vals := make([]float64, len(cells))
	for i := range vals {
		vals[i] = rng.Float64()
	}
	w := H3Weights(cells)
	b.ResetTimer()
	for b.Loop() {
		if _, err := LocalMoran(vals, w, LISAOptions{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
