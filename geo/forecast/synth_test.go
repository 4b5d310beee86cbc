package forecast

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// dgp is a known data-generating process for a panel of small areas in
// districts of one city. Each area i in district d has, in quarter t,
//
//	μ_it = P_it · r_i · exp(β_i t + s(t mod 4) + break_i(t)) · G_it
//	y_it ~ Poisson(μ_it)
//
// with residents P_it (log-normal around Population, drifting slowly), base
// rate r_i (log-normal around Rate), slope β_i = β_d + N(0, AreaSlopeSD²)
// with the district's β_d uniform in ±DistrictSlope, the seasonal effects s
// (Q1 high, Q3 low), a level shift of ±Break (log scale) from a random quarter
// in a share Breaks of the areas, and gamma noise G of mean 1 and coefficient
// of variation Overdispersion (extra-Poisson variation). The districts' and
// the city's series are the sums of their areas'.
type dgp struct {
	Seed           uint64
	Quarters       int
	Districts      int
	AreasPer       int
	Population     float64 // median residents per area
	Rate           float64 // median base rate
	DistrictSlope  float64 // per quarter, log scale
	AreaSlopeSD    float64
	Season         [4]float64
	Breaks         float64
	Break          float64
	Overdispersion float64
}

// defaultDGP is the panel the backtest table of docs/statistics.md is
// measured on: 240 areas in 6 districts, 16 quarters.
func defaultDGP(seed uint64) dgp {
	return dgp{
		Seed: seed, Quarters: 16, Districts: 6, AreasPer: 40,
		Population: 800, Rate: 0.03, DistrictSlope: 0.04, AreaSlopeSD: 0.01,
		Season: [4]float64{0.08, 0, -0.08, 0}, Breaks: 0.08, Break: 0.3, Overdispersion: 0.08,
	}
}

// synthPanel is a generated panel: the areas (whose Parent is their
// district, whose Parent is the city) and the truth.
type synthPanel struct {
	Areas     []Series
	Districts []*Series
	City      *Series
	Slopes    []float64 // β_i
	BreakAt   []int     // quarter of the break, -1 for none
}

func (g dgp) generate() synthPanel {
	rng := rand.New(rand.NewPCG(g.Seed, 0x5eed))
	city := &Series{ID: "city", Counts: make([]float64, g.Quarters), Exposure: make([]float64, g.Quarters)}
	var sp synthPanel
	sp.City = city
	for d := 0; d < g.Districts; d++ {
		dist := &Series{ID: fmt.Sprintf("d%d", d), Counts: make([]float64, g.Quarters), Exposure: make([]float64, g.Quarters), Parent: city}
		sp.Districts = append(sp.Districts, dist)
		bd := g.DistrictSlope * (2*rng.Float64() - 1)
		for a := 0; a < g.AreasPer; a++ {
			pop := math.Max(50, g.Population*math.Exp(0.9*rng.NormFloat64()))
			drift := 0.002 + 0.003*rng.NormFloat64()
			rate := g.Rate * math.Exp(0.5*rng.NormFloat64())
			slope := bd + g.AreaSlopeSD*rng.NormFloat64()
			breakAt, shift := -1, 0.0
			if rng.Float64() < g.Breaks {
				breakAt = g.Quarters/3 + rng.IntN(g.Quarters/2)
				shift = g.Break
				if rng.IntN(2) == 0 {
					shift = -shift
				}
			}
			s := Series{ID: fmt.Sprintf("d%d-a%d", d, a), Counts: make([]float64, g.Quarters), Exposure: make([]float64, g.Quarters), Parent: dist}
			for t := 0; t < g.Quarters; t++ {
				e := math.Round(pop * math.Exp(drift*float64(t)))
				lm := math.Log(e*rate) + slope*float64(t) + g.Season[t%4]
				if breakAt >= 0 && t >= breakAt {
					lm += shift
				}
				mu := math.Exp(lm)
				if g.Overdispersion > 0 {
					k := 1 / (g.Overdispersion * g.Overdispersion)
					mu *= gammaRand(rng, k) / k
				}
				y := float64(poissonRand(rng, mu))
				s.Counts[t], s.Exposure[t] = y, e
				dist.Counts[t] += y
				dist.Exposure[t] += e
				city.Counts[t] += y
				city.Exposure[t] += e
			}
			sp.Areas = append(sp.Areas, s)
			sp.Slopes = append(sp.Slopes, slope)
			sp.BreakAt = append(sp.BreakAt, breakAt)
		}
	}
	return sp
}

// gammaRand draws from Gamma(shape k, scale 1) by Marsaglia & Tsang (2000).
func gammaRand(rng *rand.Rand, k float64) float64 {
	if k < 1 {
		return gammaRand(rng, k+1) * math.Pow(rng.Float64(), 1/k)
	}
	d := k - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

// poissonRand draws a Poisson count: by inversion for small means, by
// Hörmann's (1993) transformed rejection (PTRS) otherwise.
func poissonRand(rng *rand.Rand, mu float64) int {
	if mu < 10 {
		k, p := 0, math.Exp(-mu)
		u, cum := rng.Float64(), p
		for u > cum {
			k++
			p *= mu / float64(k)
			cum += p
		}
		return k
	}
	smu := math.Sqrt(mu)
	b := 0.931 + 2.53*smu
	a := -0.059 + 0.02483*b
	invAlpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	logMu := math.Log(mu)
	for {
		u := rng.Float64() - 0.5
		v := rng.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + mu + 0.43)
		if us >= 0.07 && v <= vr {
			return int(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v*invAlpha/(a/(us*us)+b)) <= -mu+k*logMu-lg {
			return int(k)
		}
	}
}
