package foresight

import (
	"context"
	"math"
	"slices"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/postgres"
)

// LeadLagGeographies are the levels the lagged association is measured at: districts, where
// each area holds enough people for quarterly changes to mean something, and the comuni.
var LeadLagGeographies = []string{"omi", "municipality"}

// Leading are the series that may move before housing hardship; Led is housing hardship as
// social services meet it (rent support, emergency housing).
var (
	Leading = []string{"eviction", "job_loss", "health", "work"}
	Led     = "housing_support"
)

// MaxLag is the longest lag, in quarters, measured.
const MaxLag = 3

// Caution is said with every lagged association.
const Caution = "Association, not cause: a signal that rises before housing hardship in the same areas may share a cause with it (rents, the economy, a closure) rather than bring it about. Correlations of quarterly changes pooled over areas; the intervals assume independent areas and quarters and are too narrow where they are not."

// Lag is the correlation of the leading series' quarterly change with the led series' change
// lag quarters later, pooled over the areas, with its 95% interval (Fisher's z).
type Lag struct {
	Leading string   `json:"leading"`
	Lag     int      `json:"lag"`
	R       *float64 `json:"r"` // nil when either series does not change
	Lo95    float64  `json:"lo95"`
	Hi95    float64  `json:"hi95"`
	Pairs   int      `json:"pairs"`
}

// LeadLagAnswer is the lagged association at one level.
type LeadLagAnswer struct {
	Geography string   `json:"geography"`
	Led       string   `json:"led"`
	Quarters  []string `json:"quarters"`
	Lags      []Lag    `json:"lags"`
	Caution   string   `json:"caution"`
}

// LeadLag measures, at districts or comuni, how each leading series' quarterly change
// correlates with the change of housing hardship 0..MaxLag quarters later. Changes are of
// rates per 1,000 residents, each area's standardised (so that large areas do not dominate
// and only the timing counts); a territory with a single area of the level pools its quarters
// alone.
func LeadLag(ctx context.Context, db postgres.Querier, geography string) (LeadLagAnswer, error) {
	if !slices.Contains(LeadLagGeographies, geography) {
		return LeadLagAnswer{}, abitare.Errorf(abitare.Invalid, "geography %q: the lagged association is measured for %v", geography, LeadLagGeographies)
	}
	led, err := readPanel(ctx, db, geography, Led, "")
	if err != nil {
		return LeadLagAnswer{}, err
	}
	ans := LeadLagAnswer{Geography: geography, Led: Led, Quarters: led.quarters, Caution: Caution}
	ledChanges := standardisedChanges(led)
	for _, name := range Leading {
		lead, err := readPanel(ctx, db, geography, name, "")
		if err != nil {
			return LeadLagAnswer{}, err
		}
		leadChanges := standardisedChanges(lead)
		for lag := 0; lag <= MaxLag; lag++ {
			var x, y []float64
			for a := range led.ids {
				lc, hc := leadChanges[a], ledChanges[a]
				if lc == nil || hc == nil {
					continue
				}
				for t := lag; t < len(hc); t++ {
					x, y = append(x, lc[t-lag]), append(y, hc[t])
				}
			}
			ans.Lags = append(ans.Lags, correlation(name, lag, x, y))
		}
	}
	return ans, nil
}

// standardisedChanges are each area's quarter-on-quarter changes of its rate, standardised
// to mean 0 and sd 1; nil for an area whose rate never changes.
func standardisedChanges(p panel) [][]float64 {
	out := make([][]float64, len(p.ids))
	for a := range p.ids {
		if len(p.counts[a]) < 3 {
			continue
		}
		d := make([]float64, len(p.counts[a])-1)
		for t := 1; t < len(p.counts[a]); t++ {
			d[t-1] = 1000 * float64(p.counts[a][t]-p.counts[a][t-1]) / p.residents[a]
		}
		var mean, ss float64
		for _, v := range d {
			mean += v
		}
		mean /= float64(len(d))
		for _, v := range d {
			ss += (v - mean) * (v - mean)
		}
		sd := math.Sqrt(ss / float64(len(d)))
		if sd == 0 {
			continue
		}
		for t := range d {
			d[t] = (d[t] - mean) / sd
		}
		out[a] = d
	}
	return out
}

// correlation is Pearson's r of x and y with Fisher's 95% interval.
func correlation(leading string, lag int, x, y []float64) Lag {
	l := Lag{Leading: leading, Lag: lag, Pairs: len(x), Lo95: -1, Hi95: 1}
	n := float64(len(x))
	if len(x) < 4 {
		return l
	}
	var mx, my float64
	for i := range x {
		mx, my = mx+x[i], my+y[i]
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	if sxx == 0 || syy == 0 {
		return l
	}
	r := sxy / math.Sqrt(sxx*syy)
	l.R = &r
	z, se := math.Atanh(math.Max(-0.999999, math.Min(0.999999, r))), 1/math.Sqrt(n-3)
	l.Lo95, l.Hi95 = math.Tanh(z-1.959963984540054*se), math.Tanh(z+1.959963984540054*se)
	return l
}
