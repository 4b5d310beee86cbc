package forecast

import "math"

// countQuantiles returns, for each probability p of the ascending list
// probs, the smallest count k with P(Y <= k) >= p, where Y is negative
// binomial with the given mean and variance (Poisson when the variance does
// not exceed the mean by more than a relative 1e-9). The probabilities are
// summed from about 15 standard deviations below the mean, where the mass
// left out is negligible, by the ratio of successive probabilities.
func countQuantiles(mean, variance float64, probs []float64) []float64 {
	out := make([]float64, len(probs))
	if !(mean > 0) {
		return out
	}
	sd := math.Sqrt(math.Max(variance, mean))
	k := math.Max(0, math.Floor(mean-15*sd))
	poisson := variance <= mean*(1+1e-9)
	var logP, r, logQ float64 // log P(Y = k); NB size and log(1-p)
	if poisson {
		logP = k*math.Log(mean) - mean - lgamma(k+1)
	} else {
		r = mean * mean / (variance - mean)
		logQ = math.Log(mean / (r + mean))
		logP = lgamma(k+r) - lgamma(r) - lgamma(k+1) + r*math.Log(r/(r+mean)) + k*logQ
	}
	limit := k + 50*sd + 50 // far beyond the 0.975 quantile
	cum, i := 0.0, 0
	for ; i < len(probs) && k <= limit; k++ {
		cum += math.Exp(logP)
		for i < len(probs) && cum >= probs[i] {
			out[i] = k
			i++
		}
		if poisson {
			logP += math.Log(mean / (k + 1))
		} else {
			logP += math.Log((k+r)/(k+1)) + logQ
		}
	}
	for ; i < len(probs); i++ { // only reached through rounding
		out[i] = k
	}
	return out
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}
