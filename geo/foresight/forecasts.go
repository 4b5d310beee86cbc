package foresight

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/forecast"
	"github.com/abitare/abitare/geo/history"
	"github.com/abitare/abitare/postgres"
)

// ForecastGeographies are the geographies forecast: as the trends', and the municipality.
var ForecastGeographies = []string{"h3_8", "h3_9", "section", "omi", "municipality"}

// MaxHorizon is the farthest quarter ahead forecast.
const MaxHorizon = 4

// ForecastStep is one quarter's forecast rate per 1,000 residents with its 80% and 95%
// prediction intervals, and what was observed there when the history holds it.
type ForecastStep struct {
	Period   string   `json:"period"`
	Rate     float64  `json:"rate"`
	Lo80     float64  `json:"lo80"`
	Hi80     float64  `json:"hi80"`
	Lo95     float64  `json:"lo95"`
	Hi95     float64  `json:"hi95"`
	Withheld bool     `json:"withheld,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	Observed *float64 `json:"observed,omitempty"`
}

// AreaForecast is one area's forecasts.
type AreaForecast struct {
	ID    string         `json:"id"`
	Steps []ForecastStep `json:"steps"`
}

// ForecastAnswer is the forecasts of a geography and domain made with the history up to AsOf.
type ForecastAnswer struct {
	Geography string         `json:"geography"`
	Domain    string         `json:"domain"`
	AsOf      string         `json:"as_of"`
	Method    string         `json:"method"`
	Backtest  Backtest       `json:"backtest"`
	Areas     []AreaForecast `json:"areas"`
}

// Backtest is how the method was chosen: a rolling-origin backtest over the history up to
// as_of only, of the candidates against last value.
type Backtest struct {
	// Method is the candidate chosen, "" when none beat last value with calibrated intervals:
	// then every forecast is withheld.
	Method   string  `json:"method"`
	MASE     float64 `json:"mase,omitempty"`
	Coverage float64 `json:"coverage95,omitempty"`
	// NaiveMASE is last value's own score; absent when no area of the panel has the
	// in-sample change that scales it (a territory of one or two areas, a flat history).
	NaiveMASE *float64 `json:"naive_mase,omitempty"`
	Origins   string   `json:"origins"`
}

// Candidates are the models the backtest chooses from: the shipped trend model, the same on
// the last two years only (it follows a change of level sooner) and damped exponential
// smoothing. Last value and seasonal naive are the baselines they must beat, not forecasts to
// ship: seasonal naive chosen by the backtest missed what followed twice out of four on the
// demo (docs/statistics.md).
var Candidates = []forecast.Method{
	forecast.Shipped,
	{Kind: forecast.KindGLM, Seasonal: true, Shrink: true, Window: 8},
	forecast.DampedETS,
}

const noMethodReason = "no method beat last value with calibrated intervals in the backtest over the history up to as_of"

// chooseMethod backtests the candidates on the panel (origins from the eighth quarter on) and
// returns the best that beats last value; the shipped method, marked as not chosen, when none
// does; and the shipped method alone when the history is too short to backtest.
func chooseMethod(panel []forecast.Series, horizon int) (forecast.Method, Backtest, error) {
	const minTrain = 8
	n := panel[0].Len()
	if n < minTrain+1 {
		return forecast.Shipped, Backtest{Method: forecast.Shipped.Name(), Origins: "none: too short a history to backtest"}, nil
	}
	naive, err := forecast.Backtest(panel, forecast.Naive, horizon, minTrain)
	if err != nil {
		return forecast.Method{}, Backtest{}, err
	}
	b := Backtest{Origins: fmt.Sprintf("quarters %d to %d of %d", minTrain, n-1, n)}
	if !math.IsNaN(naive.MASE) && !math.IsInf(naive.MASE, 0) {
		b.NaiveMASE = &naive.MASE
	}
	m, scores, err := forecast.Select(panel, Candidates, horizon, minTrain)
	if errors.Is(err, forecast.ErrNoEligibleMethod) {
		return forecast.Shipped, b, nil
	}
	if err != nil {
		return forecast.Method{}, Backtest{}, err
	}
	for i, c := range Candidates {
		if c == m {
			b.Method, b.MASE, b.Coverage = m.Name(), scores[i].MASE, scores[i].Coverage95
		}
	}
	return m, b, nil
}

// Forecasts forecasts the rate of a series in every area of a geography 1..horizon quarters
// after asOf (the history's last quarter when ""), from the history up to asOf only: a past
// quarter gives forecasts anyone can score against what followed. Areas are shrunk toward
// their district's trend, districts toward the territory's (forecast.Shipped).
func Forecasts(ctx context.Context, db postgres.Querier, geography, series, asOf string, horizon int) (ForecastAnswer, error) {
	if !slices.Contains(ForecastGeographies, geography) {
		return ForecastAnswer{}, abitare.Errorf(abitare.Invalid, "geography %q: forecasts are made for %v", geography, ForecastGeographies)
	}
	if err := checkSeries(series); err != nil {
		return ForecastAnswer{}, err
	}
	if horizon < 1 || horizon > MaxHorizon {
		return ForecastAnswer{}, abitare.Errorf(abitare.Invalid, "horizon %d: want 1 to %d quarters", horizon, MaxHorizon)
	}
	all, err := history.Quarters(ctx, db)
	if err != nil {
		return ForecastAnswer{}, err
	}
	if asOf == "" && len(all) > 0 {
		asOf = all[len(all)-1]
	}
	areas, err := readPanel(ctx, db, geography, series, asOf)
	if err != nil {
		return ForecastAnswer{}, err
	}
	districts, err := readPanel(ctx, db, "omi", series, asOf)
	if err != nil {
		return ForecastAnswer{}, err
	}
	comuni, err := readPanel(ctx, db, "municipality", series, asOf)
	if err != nil {
		return ForecastAnswer{}, err
	}
	from := firstQ1(areas.quarters)
	if n := len(areas.quarters) - from; n < forecast.Shipped.MinLength() {
		return ForecastAnswer{}, abitare.Errorf(abitare.Invalid, "as_of %s: the history up to it holds %d whole years' quarters, forecasts need %d",
			asOf, n, forecast.Shipped.MinLength())
	}
	panel := buildSeries(areas, districts, comuni, from)
	method, backtest, err := chooseMethod(panel, horizon)
	if err != nil {
		return ForecastAnswer{}, fmt.Errorf("forecast %s %s: %w", geography, series, err)
	}
	fs, err := method.ForecastPanel(panel, horizon)
	if err != nil {
		return ForecastAnswer{}, fmt.Errorf("forecast %s %s: %w", geography, series, err)
	}
	observed, err := observedAfter(ctx, db, geography, series, asOf, all, horizon)
	if err != nil {
		return ForecastAnswer{}, err
	}
	ans := ForecastAnswer{Geography: geography, Domain: series, AsOf: asOf, Method: method.Name(), Backtest: backtest, Areas: make([]AreaForecast, len(fs))}
	next, err := history.QuartersAfter(asOf, horizon)
	if err != nil {
		return ForecastAnswer{}, err
	}
	for i, f := range fs {
		af := AreaForecast{ID: areas.ids[i]}
		for _, st := range f.Steps {
			period := next[st.Ahead-1]
			step := ForecastStep{Period: period, Rate: perThousand(st.Rate), Lo80: perThousand(st.Lo80), Hi80: perThousand(st.Hi80),
				Lo95: perThousand(st.Lo95), Hi95: perThousand(st.Hi95), Withheld: st.Withheld, Reason: st.Reason}
			if backtest.Method == "" {
				step.Withheld, step.Reason = true, noMethodReason
			}
			if counts, ok := observed[period]; ok {
				r := 1000 * float64(counts[areas.ids[i]]) / areas.residents[i]
				step.Observed = &r
			}
			af.Steps = append(af.Steps, step)
		}
		ans.Areas[i] = af
	}
	return ans, nil
}

func perThousand(r float64) float64 { return 1000 * r }

// firstQ1 is the index of the first first quarter: the forecasts' seasonal terms count
// quarters of the year from the series' start.
func firstQ1(quarters []string) int {
	for i, q := range quarters {
		if strings.HasSuffix(q, "-Q1") {
			return i
		}
	}
	return len(quarters)
}

// buildSeries makes the forecast panel: each area under its district (or the territory when
// it has none), each district under the territory, from quarter index from on.
func buildSeries(areas, districts, comuni panel, from int) []forecast.Series {
	constant := func(v float64, n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	floats := func(v []int) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out
	}
	n := len(areas.quarters) - from
	var residents float64
	for _, r := range comuni.residents {
		residents += r
	}
	territory := &forecast.Series{ID: "territory", Counts: comuni.total()[from:], Exposure: constant(residents, n)}
	parents := map[string]*forecast.Series{}
	for i, id := range districts.ids {
		parents[id] = &forecast.Series{ID: id, Counts: floats(districts.counts[i][from:]), Exposure: constant(districts.residents[i], n), Parent: territory}
	}
	out := make([]forecast.Series, len(areas.ids))
	for i, id := range areas.ids {
		parent := parents[areas.district[i]]
		if parent == nil || areas.geography == "omi" {
			parent = territory
		}
		if areas.geography == "municipality" {
			parent = nil
			if len(areas.ids) > 1 {
				parent = territory
			}
		}
		out[i] = forecast.Series{ID: id, Counts: floats(areas.counts[i][from:]), Exposure: constant(areas.residents[i], n), Parent: parent}
	}
	return out
}

// observedAfter reads the counts of the quarters after asOf that the history holds.
func observedAfter(ctx context.Context, db postgres.Querier, geography, series, asOf string, all []string, horizon int) (map[string]map[string]int, error) {
	out := map[string]map[string]int{}
	after, err := history.QuartersAfter(asOf, horizon)
	if err != nil {
		return nil, err
	}
	for _, q := range after {
		if slices.Contains(all, q) {
			out[q] = map[string]int{}
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, `SELECT quarter, area_id, people FROM area_history WHERE geography = $1 AND series = $2 AND quarter > $3`, geography, series, asOf)
	if err != nil {
		return nil, fmt.Errorf("read observed figures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var q, id string
		var n int
		if err := rows.Scan(&q, &id, &n); err != nil {
			return nil, err
		}
		if m, ok := out[q]; ok {
			m[id] = n
		}
	}
	return out, rows.Err()
}
