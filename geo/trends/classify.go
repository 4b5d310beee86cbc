package trends

import (
	"fmt"
	"math"
)

// MinTimeSteps is the shortest series Classify accepts: ten time steps. Below
// ten the normal approximation of the Mann-Kendall test is rough (NCAR's
// trend_manken refuses fewer than 10 values) and "90% of the time steps"
// means all of them.
const MinTimeSteps = 10

// DefaultAlpha is the significance level of a bin: p ≤ 0.10, ArcGIS's 90%
// confidence, the weakest of its hot and cold spot confidence classes.
const DefaultAlpha = 0.10

// DefaultTrendAlpha is the significance level of the Mann-Kendall trend.
const DefaultTrendAlpha = 0.10

// Options are the significance levels of the classification. The zero value
// means the defaults.
type Options struct {
	// Alpha: a bin is significant when its p-value ≤ Alpha (0 means
	// DefaultAlpha). Pass p-values adjusted with AdjustBH for ArcGIS's false
	// discovery rate correction.
	Alpha float64
	// TrendAlpha: the trend of the z-scores is significant when the
	// Mann-Kendall p-value ≤ TrendAlpha (0 means DefaultTrendAlpha).
	TrendAlpha float64
}

// resolve fills in the defaults and checks that both levels are in (0, 1).
func (o Options) resolve() (Options, error) {
	if o.Alpha == 0 {
		o.Alpha = DefaultAlpha
	}
	if o.TrendAlpha == 0 {
		o.TrendAlpha = DefaultTrendAlpha
	}
	for _, level := range []struct {
		name  string
		value float64
	}{{"Alpha", o.Alpha}, {"TrendAlpha", o.TrendAlpha}} {
		if !(level.value > 0 && level.value < 1) {
			return o, fmt.Errorf("%w: %s must be in (0, 1), got %v", ErrInvalidOption, level.name, level.value)
		}
	}
	return o, nil
}

// Result is the emerging hot spot classification of one area.
type Result struct {
	Category Category
	Trend    MK  // Mann-Kendall test of the z-scores
	Hot      int // number of significant hot spot bins
	Cold     int // number of significant cold spot bins
}

// Classify returns the emerging hot spot category of one area from its Gi*
// z-scores z and p-values p, one per time step, oldest first. The rules are
// those of the package documentation. It needs at least MinTimeSteps steps
// (*TooShortError), z and p of equal length (ErrLengthMismatch), finite z and
// p in [0, 1] (*ValueError), and levels in (0, 1) (ErrInvalidOption).
func Classify(z, p []float64, opt Options) (Result, error) {
	opt, err := opt.resolve()
	if err != nil {
		return Result{}, err
	}
	if len(z) != len(p) {
		return Result{}, fmt.Errorf("%w: %d z-scores, %d p-values", ErrLengthMismatch, len(z), len(p))
	}
	if err := checkSeries("z", z, MinTimeSteps); err != nil {
		return Result{}, err
	}
	if err := checkPValues(p); err != nil {
		return Result{}, err
	}
	trend, err := MannKendall(z)
	if err != nil {
		return Result{}, fmt.Errorf("trends: trend of the z-scores: %w", err)
	}
	sp := spots(z, p, opt.Alpha)
	return Result{
		Category: categorize(sp, trend, opt.TrendAlpha),
		Trend:    trend,
		Hot:      count(sp, hot),
		Cold:     count(sp, cold),
	}, nil
}

// checkPValues rejects a p-value that is NaN or outside [0, 1].
func checkPValues(p []float64) error {
	for i, v := range p {
		if !(v >= 0 && v <= 1) {
			return &ValueError{Series: "p", Index: i, Value: v, Reason: "not a p-value in [0, 1]"}
		}
	}
	return nil
}

// spot is the significant state of one bin.
type spot int8

const (
	cold spot = -1 // significant, z < 0
	none spot = 0  // not significant (or z = 0)
	hot  spot = 1  // significant, z > 0
)

// significant reports p ≤ alpha, allowing a relative 1e-9 for rounding: a
// Benjamini-Hochberg adjusted p-value that is exactly alpha in exact
// arithmetic (m/k · p with p = 0.068, m = 25, k = 17) is computed as
// 0.10000000000000002, and must count as significant as the step-up rule
// p ≤ k·alpha/m does.
func significant(p, alpha float64) bool { return p <= alpha*(1+1e-9) }

// spots classifies every bin: significant when p ≤ alpha, hot or cold by the
// sign of z.
func spots(z, p []float64, alpha float64) []spot {
	out := make([]spot, len(z))
	for t := range z {
		if significant(p[t], alpha) && z[t] != 0 {
			out[t] = spot(math.Copysign(1, z[t]))
		}
	}
	return out
}

// count is the number of bins in state s.
func count(sp []spot, s spot) int {
	k := 0
	for _, v := range sp {
		if v == s {
			k++
		}
	}
	return k
}

// finalRun is the length of the run of bins in state s that ends at the final
// step.
func finalRun(sp []spot, s spot) int {
	k := 0
	for t := len(sp) - 1; t >= 0 && sp[t] == s; t-- {
		k++
	}
	return k
}

// mostly reports k ≥ 90% of n, in integers.
func mostly(k, n int) bool { return 10*k >= 9*n }

// categorize applies the rules of the package documentation. The significant
// state of the final bin chooses the side: if it is hot the category is a hot
// spot one (or none), if cold a cold spot one, and if it is not significant
// the location can only be historical. The rules are written for the side of
// the final bin and the sign is applied at the end, which is what makes the
// cold spot categories the exact mirror of the hot ones.
func categorize(sp []spot, trend MK, trendAlpha float64) Category {
	n := len(sp)
	side := sp[n-1]
	if side == none {
		switch {
		case mostly(count(sp, hot), n):
			return HistoricalHotSpot
		case mostly(count(sp, cold), n):
			return HistoricalColdSpot
		}
		return NoPattern
	}
	same, other := count(sp, side), count(sp, -side)
	// Intensifying means a growing intensity of the side's clustering: rising
	// z-scores for a hot spot, falling ones for a cold spot.
	intensifying, diminishing := trend.Increasing(trendAlpha), trend.Decreasing(trendAlpha)
	if side == cold {
		intensifying, diminishing = diminishing, intensifying
	}
	var c Category
	switch {
	case mostly(same, n) && intensifying:
		c = IntensifyingHotSpot
	case mostly(same, n) && diminishing:
		c = DiminishingHotSpot
	case mostly(same, n):
		c = PersistentHotSpot
	case other > 0:
		c = OscillatingHotSpot
	case same == 1:
		c = NewHotSpot
	case same == finalRun(sp, side):
		c = ConsecutiveHotSpot
	default:
		c = SporadicHotSpot
	}
	return c * Category(side)
}
