package trends

import (
	"errors"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// pOf is the two-sided normal p-value of a z-score, as an analytical Gi* z
// would carry: |z| ≥ 1.645 is significant at the default level 0.10.
func pOf(z []float64) []float64 {
	p := make([]float64, len(z))
	for i, v := range z {
		p[i] = twoSidedP(v)
	}
	return p
}

// TestClassifyTable has one hand-built series for every category, hot and
// cold. p-values are the normal ones of the z-scores, so a bin is significant
// when |z| ≥ 1.645. Each case says why it is what it is.
func TestClassifyTable(t *testing.T) {
	for _, tc := range []struct {
		name string
		z    []float64
		want Category
	}{
		{"no pattern: nothing significant", []float64{0.1, -0.2, 0.3, 0, -0.5, 0.4, 0.2, -0.1, 0.3, -0.3, 0.1, 0.2}, NoPattern},
		{"no pattern: hot on and off, not in the final step (sporadic in older ArcGIS wording)", []float64{2.1, 2.3, 0.1, 0.2, 1.9, 0.4, 0.2, -0.1, 0.3, -0.3, 0.1, 0.2}, NoPattern},

		// Hot spots, twelve quarters.
		{"new hot: first significant hot bin is the final one", []float64{0.1, -0.2, 0.3, 0, -0.5, 0.4, 0.2, -0.1, 0.3, -0.3, 0.1, 2.5}, NewHotSpot},
		{"consecutive hot: final run of three, nothing hot before", []float64{0.1, -0.2, 0.3, 0, -0.5, 0.4, 0.2, -0.1, 0.3, 2.0, 2.4, 2.8}, ConsecutiveHotSpot},
		{"intensifying hot: hot throughout, z rising", []float64{2.0, 2.2, 2.4, 2.6, 2.8, 3.0, 3.2, 3.4, 3.6, 3.8, 4.0, 4.2}, IntensifyingHotSpot},
		{"persistent hot: hot throughout, no trend", []float64{3.0, 2.5, 3.2, 2.4, 3.1, 2.6, 2.9, 3.3, 2.7, 3.0, 2.8, 2.9}, PersistentHotSpot},
		{"diminishing hot: hot throughout, z falling", []float64{4.2, 4.0, 3.8, 3.6, 3.4, 3.2, 3.0, 2.8, 2.6, 2.4, 2.2, 2.0}, DiminishingHotSpot},
		{"sporadic hot: on and off, hot at the end, never cold", []float64{2.5, 0.1, 0.2, 2.2, 0.3, -0.4, 0.1, 2.0, 0.5, 0.2, 0.3, 2.6}, SporadicHotSpot},
		{"oscillating hot: cold early, hot at the end", []float64{-2.5, -2.1, 0.2, 0.1, 2.0, 0.3, -1.8, 0.1, 0.4, 0.2, 0.3, 2.4}, OscillatingHotSpot},
		{"historical hot: hot 11 of 12, not the final", []float64{3, 3.1, 2.9, 3.2, 3, 3.1, 2.8, 3, 3.1, 2.9, 3, 0.5}, HistoricalHotSpot},

		// Cold spots, ten and twenty steps.
		{"new cold: ten steps", []float64{0.4, 0.3, -0.2, 1.1, -1.2, 0.6, 0.2, 1.5, -0.7, -3.1}, NewColdSpot},
		{"consecutive cold: run of two in twenty steps", []float64{0.4, 0.3, -0.2, 1.1, -1.2, 0.6, 0.2, 1.5, -0.7, 0.1, 0.4, 0.3, -0.2, 1.1, -1.2, 0.6, 0.2, 1.5, -1.7, -2.2}, ConsecutiveColdSpot},
		{"intensifying cold: cold throughout, z falling", []float64{-1.7, -1.9, -2.0, -2.6, -2.4, -3.1, -3.3, -3.2, -3.9, -4.4}, IntensifyingColdSpot},
		{"persistent cold: cold 9 of 10 including the last, no trend", []float64{-2.2, -2.8, -2.4, 0.3, -2.6, -2.3, -2.9, -2.1, -2.5, -2.7}, PersistentColdSpot},
		{"diminishing cold: cold throughout, z rising to -1.7", []float64{-4.4, -3.9, -3.2, -3.3, -3.1, -2.4, -2.6, -2.0, -1.9, -1.7}, DiminishingColdSpot},
		{"sporadic cold: on and off in twenty steps", []float64{-2.0, -2.1, 0.3, 0.2, 0.1, -1.8, 0.5, 0.4, 0.3, 0.2, 0.1, -2.3, -2.4, 0.2, 0.6, 0.1, 0.2, 0.3, -1.9, -2.6}, SporadicColdSpot},
		{"oscillating cold: hot once, cold at the end", []float64{0.2, 1.9, 0.3, -0.1, 0.2, -0.3, 0.1, 0.4, -2.2, -2.5}, OscillatingColdSpot},
		{"historical cold: cold 18 of 20, not the final two", []float64{-3, -3.1, -2.9, -3.2, -3, -3.1, -2.8, -3, -3.1, -2.9, -3, -3.2, -2.7, -3.3, -3, -2.9, -3.1, -3, -0.5, 0.3}, HistoricalColdSpot},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Classify(tc.z, pOf(tc.z), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Category != tc.want {
				t.Errorf("category %v (hot %d, cold %d, trend S = %d, p = %.4g), want %v",
					got.Category, got.Hot, got.Cold, got.Trend.S, got.Trend.P, tc.want)
			}
			if !literally(tc.want, tc.z, pOf(tc.z), got.Trend, DefaultAlpha, DefaultTrendAlpha) && tc.want != NoPattern {
				t.Errorf("the series does not meet ArcGIS's definition of %v", tc.want)
			}
		})
	}
}

// TestClassifyBoundaries pins the edges of the rules and the overlaps of
// ArcGIS's definitions that the package resolves.
func TestClassifyBoundaries(t *testing.T) {
	const (
		H = 3.0  // significant hot
		C = -3.0 // significant cold
		o = 0.2  // not significant
	)
	for _, tc := range []struct {
		name string
		z    []float64
		want Category
	}{
		{"90% exactly: 9 of 10 hot is at least ninety percent", []float64{H, H, o, H, H, H, H, H, H, H}, PersistentHotSpot},
		{"under 90%: 9 of 11 hot, earlier hot bin -> sporadic", []float64{H, o, H, H, H, H, H, H, H, o, H}, SporadicHotSpot},
		{"under 90%: 9 of 11 hot, the final run only -> consecutive", []float64{o, o, H, H, H, H, H, H, H, H, H}, ConsecutiveHotSpot},
		{"a final run of one after an earlier hot bin is sporadic, not consecutive", []float64{o, H, o, o, o, o, o, o, o, o, H}, SporadicHotSpot},
		{"overlap: never hot before, but cold before -> oscillating, not new", []float64{C, o, o, o, o, o, o, o, o, o, H}, OscillatingHotSpot},
		{"overlap: final hot run, cold before -> oscillating, not consecutive", []float64{o, C, o, o, o, o, o, o, H, H, H}, OscillatingHotSpot},
		{"overlap: hot 10 of 11, final not significant -> historical, not persistent", []float64{H, H, H, H, H, H, H, H, H, H, o}, HistoricalHotSpot},
		{"overlap: hot 10 of 11, final cold -> oscillating cold, not historical hot", []float64{H, H, H, H, H, H, H, H, H, H, C}, OscillatingColdSpot},
		{"overlap: cold 9 of 10, final hot -> oscillating hot, not historical cold", []float64{C, C, C, C, C, C, C, C, C, H}, OscillatingHotSpot},
		{"a cold bin in a 90% hot series does not stop persistent", []float64{H, H, H, H, H, C, H, H, H, H}, PersistentHotSpot},
		{"z = 0 is never significant, whatever its p", []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, NoPattern},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := pOf(tc.z)
			for i, v := range tc.z {
				if v == 0 {
					p[i] = 0
				}
			}
			got, err := Classify(tc.z, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Category != tc.want {
				t.Errorf("category %v (hot %d, cold %d, trend p = %.4g), want %v", got.Category, got.Hot, got.Cold, got.Trend.P, tc.want)
			}
		})
	}
}

// TestClassifyLevels: p = Alpha and trend p = TrendAlpha are significant
// (p ≤ level), and the levels can be changed.
func TestClassifyLevels(t *testing.T) {
	z := []float64{0.1, -0.2, 0.3, 0, -0.5, 0.4, 0.2, -0.1, 0.3, -0.3, 0.1, 2.5}
	p := pOf(z)
	p[11] = 0.10
	if got, _ := Classify(z, p, Options{}); got.Category != NewHotSpot {
		t.Errorf("p = 0.10 at level 0.10: %v, want new hot spot", got.Category)
	}
	if got, _ := Classify(z, p, Options{Alpha: 0.05}); got.Category != NoPattern {
		t.Errorf("p = 0.10 at level 0.05: %v, want no pattern", got.Category)
	}

	// Hot throughout with a weak upward trend: intensifying at the trend's own
	// p-value (and within the rounding allowance of 1e-9 relative), persistent
	// below it.
	z = []float64{3.0, 2.9, 3.1, 3.0, 3.2, 2.8, 3.3, 3.1, 2.9, 3.4, 3.2, 3.3}
	mk, err := MannKendall(z)
	if err != nil {
		t.Fatal(err)
	}
	if mk.P < 0.01 || mk.P > 0.5 || mk.Z <= 0 {
		t.Fatalf("choose a weaker or stronger series: %+v", mk)
	}
	for _, tc := range []struct {
		level float64
		want  Category
	}{{mk.P, IntensifyingHotSpot}, {mk.P * (1 + 1e-10), IntensifyingHotSpot}, {mk.P * (1 - 1e-8), PersistentHotSpot}} {
		if got, _ := Classify(z, pOf(z), Options{TrendAlpha: tc.level}); got.Category != tc.want {
			t.Errorf("trend p %.6g at level %.17g: %v, want %v", mk.P, tc.level, got.Category, tc.want)
		}
	}
}

func TestClassifyRejects(t *testing.T) {
	z := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	p := pOf(z)
	check := func(name string, err error, target error) {
		t.Helper()
		if !errors.Is(err, target) {
			t.Errorf("%s: err = %v, want %v", name, err, target)
		}
	}
	_, err := Classify(z[:9], p[:9], Options{})
	check("nine steps", err, ErrTooShort)
	var short *TooShortError
	if !errors.As(err, &short) || short.N != 9 || short.Min != MinTimeSteps {
		t.Errorf("nine steps: %v", err)
	}
	_, err = Classify(z, p[:9], Options{})
	check("lengths", err, ErrLengthMismatch)

	bad := append([]float64(nil), z...)
	bad[3] = math.NaN()
	_, err = Classify(bad, p, Options{})
	var ve *ValueError
	if !errors.As(err, &ve) || ve.Series != "z" || ve.Index != 3 {
		t.Errorf("NaN z: %v", err)
	}
	for _, v := range []float64{-0.01, 1.01, math.NaN(), math.Inf(1)} {
		badP := append([]float64(nil), p...)
		badP[5] = v
		_, err = Classify(z, badP, Options{})
		if !errors.As(err, &ve) || ve.Series != "p" || ve.Index != 5 {
			t.Errorf("p = %v: %v", v, err)
		}
	}
	for _, opt := range []Options{{Alpha: -0.1}, {Alpha: 1}, {TrendAlpha: 1.5}, {TrendAlpha: math.NaN()}} {
		_, err = Classify(z, p, opt)
		check("options", err, ErrInvalidOption)
	}
}

// randomSeries draws z-scores of n time steps from one of several regimes
// (mostly hot, mostly cold, sparse, a final run, mixed, hot that ended) so
// that every category occurs, with p-values that are mostly the normal ones of
// z and sometimes independent of it (as permutation p-values can be).
func randomSeries(rng *rand.Rand) (z, p []float64) {
	n := MinTimeSteps + rng.IntN(21)
	z = make([]float64, n)
	p = make([]float64, n)
	regime := rng.IntN(7)
	drift := (rng.Float64() - 0.5) * 0.2
	runStart := n - 1 - rng.IntN(4)
	for t := range z {
		state := 0 // −1 cold, 0 not significant, 1 hot
		u := rng.Float64()
		switch regime {
		case 0: // mostly hot
			state = pick(u < 0.94, 1, u > 0.985, -1)
		case 1: // mostly cold
			state = pick(u < 0.94, -1, u > 0.985, 1)
		case 2: // sparse
			state = pick(u < 0.15, 1, u > 0.92, -1)
		case 3: // a final run, sometimes after an early spot
			state = pick(t >= runStart, 1, t < 2 && u < 0.3, -1)
			if t < 3 && u > 0.8 {
				state = 1
			}
		case 4: // mixed
			state = pick(u < 0.35, 1, u > 0.65, -1)
		case 5: // hot that ended
			state = pick(t < n-1-rng.IntN(2) && u < 0.97, 1, false, 0)
		case 6: // cold that ended, or a final cold run
			state = pick(t < n-2 && u < 0.96, -1, t == n-1 && u < 0.5, -1)
		}
		switch state {
		case 1:
			z[t] = 1.7 + 2*rng.Float64()
		case -1:
			z[t] = -1.7 - 2*rng.Float64()
		default:
			z[t] = 3 * (rng.Float64() - 0.5)
		}
		z[t] += drift * float64(t)
		p[t] = twoSidedP(z[t])
		if rng.IntN(10) == 0 {
			p[t] = rng.Float64() // a p-value that disagrees with z
		}
	}
	if rng.IntN(2) == 0 { // as many cold regimes as hot ones
		for t := range z {
			z[t] = -z[t]
		}
	}
	return z, p
}

// pick returns a if ca, else b if cb, else 0.
func pick(ca bool, a int, cb bool, b int) int {
	switch {
	case ca:
		return a
	case cb:
		return b
	}
	return 0
}

// literally reports whether the series meets ArcGIS's sentence for c, written
// out again from the documentation, without the package's precedence.
func literally(c Category, z, p []float64, trend MK, alpha, trendAlpha float64) bool {
	n := len(z)
	var isHot, isCold []bool
	for t := range z {
		isHot = append(isHot, p[t] <= alpha && z[t] > 0)
		isCold = append(isCold, p[t] <= alpha && z[t] < 0)
	}
	if c < 0 { // a cold spot is a hot spot of the other side, with the trend reversed
		isHot, isCold = isCold, isHot
		trend.Z = -trend.Z
	}
	nHot, nCold := 0, 0
	for t := range n {
		if isHot[t] {
			nHot++
		}
		if isCold[t] {
			nCold++
		}
	}
	run := 0 // the run of hot bins ending at the final step
	for t := n - 1; t >= 0 && isHot[t]; t-- {
		run++
	}
	final := isHot[n-1]
	atLeast90 := float64(nHot) >= 0.9*float64(n)-1e-9
	increasing := trend.P <= trendAlpha && trend.Z > 0
	decreasing := trend.P <= trendAlpha && trend.Z < 0
	switch max(c, -c) {
	case NewHotSpot: // hot in the final step, never hot before
		return final && nHot == 1
	case ConsecutiveHotSpot: // single run of ≥ 2 at the end, never hot before it, < 90% hot
		return run >= 2 && nHot == run && !atLeast90
	case IntensifyingHotSpot: // 90% hot including the final, increasing significantly
		return atLeast90 && final && increasing
	case PersistentHotSpot: // 90% hot, no discernible trend
		return atLeast90 && !increasing && !decreasing
	case DiminishingHotSpot: // 90% hot including the final, decreasing significantly
		return atLeast90 && final && decreasing
	case SporadicHotSpot: // hot in the final step, on and off before, < 90% hot, never cold
		return final && nHot > run && !atLeast90 && nCold == 0
	case OscillatingHotSpot: // hot in the final step, cold in a prior one, < 90% hot
		return final && nCold > 0 && !atLeast90
	case HistoricalHotSpot: // the final step not hot, at least 90% hot
		return !final && atLeast90
	}
	return false
}

// precedence is the order in which the package resolves overlapping
// definitions: oscillating, then historical, then the rest (which exclude one
// another).
var precedence = []Category{
	OscillatingHotSpot, OscillatingColdSpot, HistoricalHotSpot, HistoricalColdSpot,
	NewHotSpot, ConsecutiveHotSpot, IntensifyingHotSpot, PersistentHotSpot, DiminishingHotSpot, SporadicHotSpot,
	NewColdSpot, ConsecutiveColdSpot, IntensifyingColdSpot, PersistentColdSpot, DiminishingColdSpot, SporadicColdSpot,
}

// TestClassifyProperties checks 30,000 random series:
//   - the category is the first of ArcGIS's definitions, written out literally
//     (literally), that the series meets, in the order of precedence; no
//     pattern when it meets none;
//   - apart from oscillating and historical, at most one definition holds,
//     unless an oscillating one holds too (persistent on one side with new or
//     consecutive on the other);
//   - negating every z-score (same p-values) negates the category, S and Z
//     and keeps Var and p;
//   - a strictly increasing transformation of z that keeps its sign changes
//     nothing;
//   - every category occurs.
func TestClassifyProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 2))
	seen := map[Category]int{}
	overlaps := map[string]int{}
	for i := range 30000 {
		z, p := randomSeries(rng)
		got, err := Classify(z, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		seen[got.Category]++

		want, others := NoPattern, 0
		var held []string
		for _, c := range precedence {
			if !literally(c, z, p, got.Trend, DefaultAlpha, DefaultTrendAlpha) {
				continue
			}
			held = append(held, c.Key())
			if want == NoPattern {
				want = c
			}
			if strings.Contains(c.Key(), "oscillating") || strings.Contains(c.Key(), "historical") {
				continue
			}
			others++
		}
		if len(held) > 1 {
			overlaps[strings.Join(held, " ")]++
		}
		if got.Category != want || others > 1 && !strings.Contains(want.Key(), "oscillating") {
			t.Fatalf("series %d z = %.3g p = %.3g: category %v, literal definitions give %v (%d of the exclusive ones hold)",
				i, z, p, got.Category, want, others)
		}

		neg := make([]float64, len(z))
		mono := make([]float64, len(z))
		for k, v := range z {
			neg[k] = -v
			mono[k] = v * (1 + v*v) // odd and increasing
		}
		mirrored, err := Classify(neg, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if mirrored.Category != -got.Category || mirrored.Trend.S != -got.Trend.S || mirrored.Trend.Z != -got.Trend.Z ||
			mirrored.Trend.Var != got.Trend.Var || mirrored.Trend.P != got.Trend.P || mirrored.Hot != got.Cold || mirrored.Cold != got.Hot {
			t.Fatalf("series %d: %+v, negated %+v", i, got, mirrored)
		}
		transformed, err := Classify(mono, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if transformed.Category != got.Category || transformed.Trend != got.Trend {
			t.Fatalf("series %d: %+v, transformed %+v", i, got, transformed)
		}
	}
	for _, c := range Categories() {
		if seen[c] == 0 {
			t.Errorf("category %v never occurred", c)
		}
	}
	t.Logf("categories over 30,000 series: %v", seen)
	for _, k := range slices.Sorted(maps.Keys(overlaps)) {
		t.Logf("definitions that held together: %s (%d series)", k, overlaps[k])
	}
}

func TestCategoryNames(t *testing.T) {
	all := Categories()
	if len(all) != 17 {
		t.Fatalf("%d categories", len(all))
	}
	keys := map[string]bool{}
	for _, c := range all {
		if !c.Valid() || keys[c.Key()] {
			t.Errorf("%d: invalid or duplicate key %q", c, c.Key())
		}
		keys[c.Key()] = true
		back, err := ParseCategory(c.Key())
		if err != nil || back != c {
			t.Errorf("ParseCategory(%q) = %v, %v", c.Key(), back, err)
		}
		if c != NoPattern && (c.Hot() == c.Cold() || (-c).Hot() != c.Cold()) {
			t.Errorf("%v: hot %v, cold %v", c, c.Hot(), c.Cold())
		}
	}
	for c, want := range map[Category]string{
		NoPattern:           "No Pattern Detected",
		NewHotSpot:          "New Hot Spot",
		OscillatingColdSpot: "Oscillating Cold Spot",
		HistoricalColdSpot:  "Historical Cold Spot",
	} {
		if c.String() != want {
			t.Errorf("%d: %q, want %q", c, c.String(), want)
		}
	}
	if PersistentColdSpot.Key() != "persistent_cold_spot" || Category(9).Valid() {
		t.Error("keys or range")
	}
	if _, err := ParseCategory("lukewarm_spot"); err == nil {
		t.Error("unknown key accepted")
	}
}
