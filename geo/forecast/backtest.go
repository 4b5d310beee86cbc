package forecast

import (
	"errors"
	"fmt"
	"math"
)

// Score is the result of a rolling-origin backtest of one method on a panel.
type Score struct {
	Method            string
	Horizon, MinTrain int
	Origins           int // forecast origins: quarters MinTrain..n-1 as the first unseen quarter
	// Forecasts counts the forecasts that had an actual to be scored against
	// (areas × origins × quarters ahead within the history).
	Forecasts int
	// Withheld counts the forecasts withheld by the interval rule.
	Withheld int
	// Unscaled counts forecasts left out of MASE because the area's in-sample
	// one-step naive MAE was 0 (a constant training series has no scale).
	Unscaled int
	// MASE is the mean absolute scaled error of the published (not withheld)
	// forecasts; MASEAll includes the withheld ones.
	MASE, MASEAll float64
	// Coverage80 and Coverage95 are the shares of the published forecasts
	// whose 80% and 95% intervals hold the observed rate (bounds included).
	Coverage80, Coverage95 float64
	// ByHorizon has the same figures per quarter ahead, 1..Horizon.
	ByHorizon []HorizonScore
}

// HorizonScore is the part of a Score for one quarter ahead.
type HorizonScore struct {
	Ahead                        int
	Forecasts, Withheld          int
	MASE, Coverage80, Coverage95 float64
}

// tally accumulates scaled errors and hits.
type tally struct {
	n, withheld, unscaled   int
	scaled, scaledAll       float64
	nScaled, nScaledAll     int
	hits80, hits95, nCovers int
}

func (t *tally) add(st Step, actual, scale float64) {
	t.n++
	if st.Withheld {
		t.withheld++
	}
	if scale > 0 {
		q := math.Abs(actual-st.Rate) / scale
		t.scaledAll += q
		t.nScaledAll++
		if !st.Withheld {
			t.scaled += q
			t.nScaled++
		}
	} else {
		t.unscaled++
	}
	if st.Withheld {
		return
	}
	t.nCovers++
	if st.Lo80 <= actual && actual <= st.Hi80 {
		t.hits80++
	}
	if st.Lo95 <= actual && actual <= st.Hi95 {
		t.hits95++
	}
}

func ratio(a float64, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return a / float64(n)
}

// Backtest evaluates a method on a panel by rolling origin (Tashman 2000):
// for every origin T = minTrain, ..., n-1 it forecasts every area from its
// first T quarters only (the parents truncated alike), 1..horizon quarters
// ahead, and scores each forecast whose quarter was observed.
//
// The error of a forecast is scaled by the area's in-sample mean absolute
// one-step change of the rate over the same T quarters, the denominator of
// MASE (Hyndman & Koehler 2006):
//
//	q = |r_{T-1+h} - r̂_{T-1+h}| / ( (1/(T-1)) Σ_{t=1}^{T-1} |r_t - r_{t-1}| )
//
// The panel's MASE is the mean of q over all its forecasts (every area,
// origin and quarter ahead), so each forecast counts once whatever the
// area's scale; a method with MASE < 1 beats, on average, the one-step naive
// forecast in-sample. Coverage is the share of forecasts whose interval
// holds the observed rate. Both are reported over the published forecasts
// (the rule of the issue: "beat last-value where it forecasts at all") and
// MASE also over all of them.
func Backtest(panel []Series, m Method, horizon, minTrain int) (Score, error) {
	sc := Score{Method: m.Name(), Horizon: horizon, MinTrain: minTrain}
	if err := m.validate(); err != nil {
		return sc, err
	}
	if horizon < 1 || horizon > MaxHorizon {
		return sc, fmt.Errorf("forecast: backtest %s: horizon %d: want 1 to %d", m.Name(), horizon, MaxHorizon)
	}
	if len(panel) == 0 {
		return sc, fmt.Errorf("forecast: backtest %s: %w: the panel has no series", m.Name(), ErrInvalidSeries)
	}
	if minTrain < m.MinLength() {
		return sc, fmt.Errorf("forecast: backtest %s: minTrain %d: the method needs at least %d quarters", m.Name(), minTrain, m.MinLength())
	}
	n := panel[0].Len()
	if n <= minTrain {
		return sc, &TooShortError{Method: m.Name(), ID: panel[0].ID, Length: n, Min: minTrain + 1}
	}
	var all tally
	by := make([]tally, horizon)
	for origin := minTrain; origin < n; origin++ {
		copies := map[*Series]*Series{}
		train := make([]*Series, len(panel))
		for i := range panel {
			if panel[i].Len() != n {
				return sc, fmt.Errorf("forecast: backtest %s: %s: %w: %d quarters but %s has %d",
					m.Name(), panel[i].name(), ErrInvalidSeries, panel[i].Len(), panel[0].name(), n)
			}
			train[i] = panel[i].truncated(origin, copies)
		}
		fs, err := m.forecastPanel(train, horizon, -1)
		if err != nil {
			return sc, fmt.Errorf("forecast: backtest from origin %d: %w", origin, err)
		}
		sc.Origins++
		for i := range panel {
			scale := naiveMAE(train[i])
			for k, st := range fs[i].Steps {
				t := origin + k
				if t >= n {
					break
				}
				actual := panel[i].Rate(t)
				all.add(st, actual, scale)
				by[k].add(st, actual, scale)
			}
		}
	}
	sc.Forecasts, sc.Withheld, sc.Unscaled = all.n, all.withheld, all.unscaled
	sc.MASE, sc.MASEAll = ratio(all.scaled, all.nScaled), ratio(all.scaledAll, all.nScaledAll)
	sc.Coverage80, sc.Coverage95 = ratio(float64(all.hits80), all.nCovers), ratio(float64(all.hits95), all.nCovers)
	for k, b := range by {
		sc.ByHorizon = append(sc.ByHorizon, HorizonScore{
			Ahead: k + 1, Forecasts: b.n, Withheld: b.withheld,
			MASE:       ratio(b.scaled, b.nScaled),
			Coverage80: ratio(float64(b.hits80), b.nCovers), Coverage95: ratio(float64(b.hits95), b.nCovers),
		})
	}
	return sc, nil
}

// naiveMAE is the in-sample mean absolute one-step change of the rate.
func naiveMAE(s *Series) float64 {
	total := 0.0
	for t := 1; t < s.Len(); t++ {
		total += math.Abs(s.Rate(t) - s.Rate(t-1))
	}
	return total / float64(s.Len()-1)
}

// ErrNoEligibleMethod is returned by Select when no candidate passes.
var ErrNoEligibleMethod = errors.New("forecast: no method beats last value with calibrated intervals")

// Eligible reports whether a backtest score qualifies a method for
// publication: it beats last value (MASE < 1 and below the naive method's
// MASE naiveMASE), its 95% intervals cover between 85% and 99% of the
// outcomes and it withholds fewer than half of its forecasts.
func (s Score) Eligible(naiveMASE float64) bool {
	return s.MASE < 1 && s.MASE < naiveMASE && s.Coverage95 >= 0.85 && s.Coverage95 <= 0.99 &&
		2*s.Withheld < s.Forecasts
}

// Select backtests the candidates and the naive method on the panel and
// returns the eligible candidate (see Score.Eligible) with the lowest MASE,
// with every candidate's score in order. ErrNoEligibleMethod is returned
// when none qualifies.
func Select(panel []Series, candidates []Method, horizon, minTrain int) (Method, []Score, error) {
	naive, err := Backtest(panel, Naive, horizon, minTrain)
	if err != nil {
		return Method{}, nil, err
	}
	var best Method
	bestMASE := math.Inf(1)
	scores := make([]Score, len(candidates))
	for i, m := range candidates {
		if scores[i], err = Backtest(panel, m, horizon, minTrain); err != nil {
			return Method{}, nil, err
		}
		if scores[i].Eligible(naive.MASE) && scores[i].MASE < bestMASE {
			best, bestMASE = m, scores[i].MASE
		}
	}
	if best.Kind == 0 {
		return Method{}, scores, ErrNoEligibleMethod
	}
	return best, scores, nil
}
