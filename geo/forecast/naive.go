package forecast

import "math"

// Standard normal quantiles of the two-sided 80% and 95% intervals.
const (
	z80 = 1.2815515655446004 // Φ⁻¹(0.90)
	z95 = 1.959963984540054  // Φ⁻¹(0.975)
)

// normalStep is a step with point x and normal intervals of standard
// deviation sd (bounds below zero are floored by Step.finish).
func normalStep(x, sd float64) Step {
	return Step{Rate: x, Lo80: x - z80*sd, Hi80: x + z80*sd, Lo95: x - z95*sd, Hi95: x + z95*sd}
}

// rmsDiff is the root mean square of the lag-k differences of the rates of s.
func rmsDiff(s *Series, lag int) float64 {
	sum, n := 0.0, 0
	for t := lag; t < s.Len(); t++ {
		d := s.Rate(t) - s.Rate(t-lag)
		sum += d * d
		n++
	}
	return math.Sqrt(sum / float64(n))
}

// naiveSteps forecasts the last rate. The h-step standard deviation is σ√h,
// σ the root mean square of the one-step changes (the random walk's
// residuals; Hyndman & Athanasopoulos, FPP3 §5.5).
func naiveSteps(s *Series, h int) []Step {
	last := s.Rate(s.Len() - 1)
	sigma := rmsDiff(s, 1)
	out := make([]Step, h)
	for k := 1; k <= h; k++ {
		out[k-1] = normalStep(last, sigma*math.Sqrt(float64(k)))
	}
	return out
}

// seasonalNaiveSteps forecasts the rate of the same quarter of the last
// observed year. The h-step standard deviation is σ√(⌊(h-1)/4⌋+1), σ the root
// mean square of the year-on-year changes (FPP3 §5.5).
func seasonalNaiveSteps(s *Series, h int) []Step {
	n := s.Len()
	sigma := rmsDiff(s, 4)
	out := make([]Step, h)
	for k := 1; k <= h; k++ {
		years := (k-1)/4 + 1
		out[k-1] = normalStep(s.Rate(n-4*years+k-1), sigma*math.Sqrt(float64(years)))
	}
	return out
}
