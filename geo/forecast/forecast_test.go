package forecast

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// seriesOf builds a parentless series with constant exposure.
func seriesOf(exposure float64, counts ...float64) Series {
	e := make([]float64, len(counts))
	for i := range e {
		e[i] = exposure
	}
	return Series{ID: "s", Counts: counts, Exposure: e}
}

// checkSteps asserts the invariants every forecast keeps.
func checkSteps(t *testing.T, label string, f Forecast, h int) {
	t.Helper()
	if len(f.Steps) != h {
		t.Fatalf("%s: %d steps, want %d", label, len(f.Steps), h)
	}
	for k, st := range f.Steps {
		v := []float64{st.Lo95, st.Lo80, st.Rate, st.Hi80, st.Hi95}
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("%s step %d: non-finite %+v", label, k+1, st)
			}
		}
		if st.Ahead != k+1 || !(0 <= v[0] && v[0] <= v[1] && v[1] <= v[2] && v[2] <= v[3] && v[3] <= v[4]) {
			t.Fatalf("%s step %d: want 0 <= lo95 <= lo80 <= rate <= hi80 <= hi95, got %+v", label, k+1, st)
		}
		if st.Withheld != (st.Reason != "") {
			t.Fatalf("%s step %d: Withheld %v with reason %q", label, k+1, st.Withheld, st.Reason)
		}
	}
}

// Every method on every area of a synthetic panel, and on awkward single
// series (zeros, a single positive quarter, a constant, a collapse to zero),
// gives finite, non-negative, nested intervals.
func TestIntervalsNestAndAreNonNegative(t *testing.T) {
	sp := defaultDGP(7).generate()
	for _, m := range append(Methods(), Method{Kind: KindGLM, Seasonal: true, Shrink: true, Window: 8}) {
		fs, err := m.ForecastPanel(sp.Areas, MaxHorizon)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		for i, f := range fs {
			if f.ID != sp.Areas[i].ID || f.Method != m.Name() {
				t.Fatalf("%s: forecast %d is %q by %q", m, i, f.ID, f.Method)
			}
			checkSteps(t, m.Name()+" "+f.ID, f, MaxHorizon)
		}
	}
	odd := map[string]Series{
		"zeros":        seriesOf(100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
		"last-only":    seriesOf(100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4),
		"first-only":   seriesOf(100, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0),
		"constant":     seriesOf(100, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5),
		"collapse":     seriesOf(1000, 90, 70, 50, 30, 15, 8, 4, 2, 1, 0),
		"one-per-year": seriesOf(50, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0),
		"large":        seriesOf(1e6, 50000, 51000, 52500, 53000, 54800, 56000, 57100, 58000, 59900, 61000),
	}
	for name, s := range odd {
		for _, m := range Methods() {
			f, err := m.Forecast(s, MaxHorizon)
			if err != nil {
				t.Fatalf("%s %s: %v", name, m, err)
			}
			checkSteps(t, name+" "+m.Name(), f, MaxHorizon)
		}
	}
}

// The trend GLM recovers an exact log-linear trend, forecasts its
// continuation and, with no noise, has Poisson (φ = 1) intervals.
func TestGLMRecoversExactTrend(t *testing.T) {
	const a, b = -3.0, 0.05
	var s Series
	for tq := 0; tq < 12; tq++ {
		e := 2000 + 10*float64(tq)
		s.Counts = append(s.Counts, e*math.Exp(a+b*float64(tq)))
		s.Exposure = append(s.Exposure, e)
	}
	// Without the ridge, IRLS finds the exact coefficients.
	d := glmWindow(&s, 0, [4]float64{})
	x := make([][]float64, len(d.y))
	for i := range x {
		x[i] = []float64{1, d.tc[i]}
	}
	fit, err := irls(x, d.y, d.off, []float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(fit.beta[1]-b) > 1e-12 || math.Abs(fit.beta[0]-(a+b*11)) > 1e-12 || fit.pearson > 1e-20 {
		t.Errorf("IRLS: coefficients %v, X² %v; want %v, %v, 0", fit.beta, fit.pearson, a+b*11, b)
	}
	// The N(0, 1) prior moves the slope by about Var(b)·b = 0.05/21000.
	g, err := fitOwn(&s, TrendGLM, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := g.beta[1]; math.Abs(got-b) > 1e-5 {
		t.Errorf("slope %.10f, want %v", got, b)
	}
	if g.phi != 1 {
		t.Errorf("dispersion %v, want the floor 1", g.phi)
	}
	f, err := TrendGLM.Forecast(s, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range f.Steps {
		if want := math.Exp(a + b*float64(11+st.Ahead)); math.Abs(st.Rate/want-1) > 1e-4 {
			t.Errorf("step %d: rate %v, want %v", st.Ahead, st.Rate, want)
		}
	}
}

// A count interval for a tiny expected count is [0, 0] at 80%; the step is
// widened to hold its point, and stays nested.
func TestGLMSmallCountsWidenToThePoint(t *testing.T) {
	s := seriesOf(1000, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0)
	f, err := TrendGLM.Forecast(s, 4)
	if err != nil {
		t.Fatal(err)
	}
	checkSteps(t, "small", f, 4)
	if st := f.Steps[0]; !(st.Rate > 0) || st.Hi80 != st.Rate || st.Lo80 != 0 {
		t.Errorf("first step %+v: want a positive rate with the 80%% interval [0, rate]", st)
	}
}

// A series without any positive count forecasts 0 with a positive upper
// bound (the Jeffreys predictive), not a degenerate [0, 0].
func TestGLMZeroSeries(t *testing.T) {
	f, err := ShrunkGLM.Forecast(seriesOf(2000, 0, 0, 0, 0, 0, 0, 0, 0), 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range f.Steps {
		if st.Rate != 0 || st.Lo95 != 0 || !(st.Hi95 > 0) {
			t.Errorf("step %+v: want rate 0, lo95 0, hi95 > 0", st)
		}
	}
}

// Shrinkage pulls the slopes of small areas toward their district's and so
// estimates the true slopes better than the areas' own fits; large areas
// keep theirs.
func TestShrinkageImprovesSlopes(t *testing.T) {
	sp := defaultDGP(3).generate()
	ptrs := make([]*Series, len(sp.Areas))
	for i := range sp.Areas {
		ptrs[i] = &sp.Areas[i]
	}
	own, err := glmHierarchy(ptrs, SeasonalGLM, map[*Series]*glmModel{})
	if err != nil {
		t.Fatal(err)
	}
	shrunk, err := glmHierarchy(ptrs, ShrunkGLM, map[*Series]*glmModel{})
	if err != nil {
		t.Fatal(err)
	}
	var seOwn, seShrunk float64
	var n int
	for i := range ptrs {
		if sp.BreakAt[i] >= 0 { // a level shift is not a slope
			continue
		}
		bo, vo := own[i].slope()
		bs, _ := shrunk[i].slope()
		seOwn += (bo - sp.Slopes[i]) * (bo - sp.Slopes[i])
		seShrunk += (bs - sp.Slopes[i]) * (bs - sp.Slopes[i])
		n++
		// A precise slope moves little, relative to its standard error.
		if vo < 1e-6 && math.Abs(bs-bo) > 3*math.Sqrt(vo) {
			t.Errorf("area %s: precise slope %.4f (sd %.4f) moved to %.4f", ptrs[i].ID, bo, math.Sqrt(vo), bs)
		}
	}
	rmseOwn, rmseShrunk := math.Sqrt(seOwn/float64(n)), math.Sqrt(seShrunk/float64(n))
	t.Logf("slope RMSE over %d areas: own %.4f, shrunk %.4f", n, rmseOwn, rmseShrunk)
	if !(rmseShrunk < 0.7*rmseOwn) {
		t.Errorf("shrunk slopes RMSE %.4f, want well below the own fits' %.4f", rmseShrunk, rmseOwn)
	}
}

// Seasonal naive repeats last year's quarter; naive the last value.
func TestBaselinesPoints(t *testing.T) {
	s := seriesOf(100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	f, err := SeasonalNaive.Forecast(s, 4)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range []float64{0.07, 0.08, 0.09, 0.10} {
		if got := f.Steps[k].Rate; math.Abs(got-want) > 1e-15 {
			t.Errorf("snaive step %d: %v, want %v", k+1, got, want)
		}
	}
	f, err = Naive.Forecast(s, 2)
	if err != nil {
		t.Fatal(err)
	}
	// σ = 0.01 (every change is 1/100): the 95% half-width is 1.96·0.01·√2 at h = 2.
	st := f.Steps[1]
	if st.Rate != 0.1 || math.Abs(st.Hi95-0.1-z95*0.01*math.Sqrt2) > 1e-15 {
		t.Errorf("naive step 2: %+v", st)
	}
}

// The ETS variance multiplier is Hyndman et al.'s (2008, Table 6.1) closed
// form for ETS(A,Ad,N).
func TestETSVarianceClosedForm(t *testing.T) {
	for _, p := range []etsParams{{alpha: 0.3, beta: 0.1, phi: 0.9}, {alpha: 0.9, beta: 0.45, phi: 0.98}, {alpha: 0.05, beta: 0.0005, phi: 0.8}} {
		point, mult := make([]float64, 8), make([]float64, 8)
		etsForecast(p, 1, 0.1, point, mult)
		a, b, f := p.alpha, p.beta, p.phi
		for h := 1; h <= 8; h++ {
			hf := float64(h)
			fh := math.Pow(f, hf)
			want := 1 + a*a*(hf-1) + b*f*hf/((1-f)*(1-f))*(2*a*(1-f)+b*f) -
				b*f*(1-fh)/((1-f)*(1-f)*(1-f*f))*(2*a*(1-f*f)+b*f*(1+2*f-fh))
			if math.Abs(mult[h-1]-want) > 1e-9*want {
				t.Errorf("%+v h=%d: multiplier %v, closed form %v", p, h, mult[h-1], want)
			}
			damp := f * (1 - fh) / (1 - f)
			if math.Abs(point[h-1]-(1+0.1*damp)) > 1e-12 {
				t.Errorf("%+v h=%d: point %v, want %v", p, h, point[h-1], 1+0.1*damp)
			}
		}
	}
}

// Count quantiles match R's qpois and qnbinom (values printed by R 4 for
// qpois(p, mu) and qnbinom(p, size, mu = mu), p = .025, .1, .9, .975).
func TestCountQuantiles(t *testing.T) {
	probs := []float64{0.025, 0.1, 0.9, 0.975}
	for _, c := range []struct {
		mean, size float64 // size 0: Poisson
		want       []float64
	}{
		{0.3, 0, []float64{0, 0, 1, 2}},
		{10, 0, []float64{4, 6, 14, 17}},
		{2500, 0, []float64{2402, 2436, 2564, 2598}},
		{10, 2, []float64{0, 2, 20, 30}},
		{0.01, 0.5, []float64{0, 0, 0, 0}},
		{400, 50, []float64{291, 325, 478, 525}},
	} {
		v := c.mean
		if c.size > 0 {
			v += c.mean * c.mean / c.size
		}
		got := countQuantiles(c.mean, v, probs)
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("mean %v size %v: quantiles %v, want %v", c.mean, c.size, got, c.want)
				break
			}
		}
	}
}

// Too-short series give a *TooShortError naming the method and the lengths.
func TestTooShort(t *testing.T) {
	for _, m := range append(Methods(), Method{Kind: KindGLM, Window: 12}) {
		n := m.MinLength() - 1
		s := seriesOf(100, make([]float64, n)...)
		_, err := m.Forecast(s, 1)
		var short *TooShortError
		if !errors.As(err, &short) || short.Length != n || short.Min != m.MinLength() || short.Method != m.Name() {
			t.Errorf("%s with %d quarters: got %v, want a TooShortError", m, n, err)
		}
		// Backtest needs minTrain+1 quarters.
		s = seriesOf(100, make([]float64, m.MinLength())...)
		_, err = Backtest([]Series{s}, m, 1, m.MinLength())
		if !errors.As(err, &short) || short.Min != m.MinLength()+1 {
			t.Errorf("%s backtest with %d quarters: got %v, want a TooShortError", m, m.MinLength(), err)
		}
	}
}

// Malformed input is rejected with ErrInvalidSeries and a message that says
// what is wrong.
func TestInvalidSeries(t *testing.T) {
	ok := seriesOf(100, 1, 2, 3, 4, 5, 6, 7, 8, 9)
	short := seriesOf(100, 1, 2, 3)
	cyc := &Series{ID: "loop", Counts: ok.Counts, Exposure: ok.Exposure}
	cyc.Parent = cyc
	cases := map[string]struct {
		s    Series
		want string
	}{
		"lengths":      {Series{Counts: []float64{1, 2}, Exposure: []float64{1}}, "2 counts but 1 exposures"},
		"empty":        {Series{}, "no quarters"},
		"negative":     {seriesOf(100, 1, -1, 3), "count of quarter 1 is -1"},
		"nan":          {seriesOf(100, 1, math.NaN(), 3), "count of quarter 1 is NaN"},
		"no residents": {Series{Counts: []float64{1, 2, 3}, Exposure: []float64{5, 0, 5}}, "exposure of quarter 1 is 0"},
		"parent":       {Series{Counts: ok.Counts, Exposure: ok.Exposure, Parent: &short}, "its parent"},
		"cycle":        {*cyc, "a cycle"},
	}
	for name, c := range cases {
		_, err := Naive.Forecast(c.s, 1)
		if !errors.Is(err, ErrInvalidSeries) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want ErrInvalidSeries mentioning %q", name, err, c.want)
		}
	}
	if _, err := Naive.ForecastPanel([]Series{ok, short}, 1); !errors.Is(err, ErrInvalidSeries) {
		t.Errorf("panel of unequal lengths: got %v", err)
	}
	if _, err := Naive.Forecast(ok, 5); err == nil {
		t.Error("horizon 5: want an error")
	}
	if _, err := (Method{Kind: KindNaive, Shrink: true}).Forecast(ok, 1); err == nil {
		t.Error("naive with Shrink: want an error")
	}
	if _, err := (Method{}).Forecast(ok, 1); err == nil {
		t.Error("zero Method: want an error")
	}
	if _, err := Backtest([]Series{ok}, Naive, 1, 2); err == nil {
		t.Error("minTrain below the method's minimum: want an error")
	}
}

// A forecast whose 95% interval is wider than the observed range of rates is
// withheld, with the reason; a precise one is not.
func TestWithheld(t *testing.T) {
	// Small counts that hardly move: the interval is wider than their range.
	flat := seriesOf(100, 3, 3, 4, 3, 3, 4, 3, 3, 4, 3)
	f, err := Shipped.Forecast(flat, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range f.Steps {
		if !st.Withheld || !strings.Contains(st.Reason, "wider than the range of the observed rates") {
			t.Errorf("flat small series, step %+v: want withheld", st)
		}
	}
	// A large area with a clear trend: its interval is narrow.
	var trend Series
	for q := 0; q < 10; q++ {
		trend.Counts = append(trend.Counts, 1000+100*float64(q))
		trend.Exposure = append(trend.Exposure, 20000)
	}
	f, err = Shipped.Forecast(trend, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range f.Steps {
		if st.Withheld {
			t.Errorf("large trending series, step %+v: want published", st)
		}
	}
}

// The backtest forecasts from the data up to the origin only and scores as
// documented: with one origin and one quarter ahead, its MASE is the mean
// over areas of |actual - forecast| / in-sample naive MAE of the forecast of
// the truncated panel, and its coverage the share of intervals that hold the
// actual.
func TestBacktestScoresAsDocumented(t *testing.T) {
	sp := defaultDGP(5).generate()
	areas := sp.Areas[:60]
	n := areas[0].Len()
	sc, err := Backtest(areas, Shipped, 1, n-1)
	if err != nil {
		t.Fatal(err)
	}
	copies := map[*Series]*Series{}
	trunc := make([]Series, len(areas))
	for i := range areas {
		trunc[i] = *areas[i].truncated(n-1, copies)
	}
	if trunc[0].Parent != trunc[1].Parent || trunc[0].Parent.Len() != n-1 || trunc[0].Parent.Parent.Len() != n-1 {
		t.Fatal("truncation must keep shared parents shared and truncate them alike")
	}
	fs, err := Shipped.ForecastPanel(trunc, 1)
	if err != nil {
		t.Fatal(err)
	}
	var q float64
	var hits95, published int
	for i, f := range fs {
		st := f.Steps[0]
		if st.Withheld {
			continue
		}
		published++
		actual := areas[i].Rate(n - 1)
		mae := 0.0
		for t := 1; t < n-1; t++ {
			mae += math.Abs(areas[i].Rate(t) - areas[i].Rate(t-1))
		}
		q += math.Abs(actual-st.Rate) / (mae / float64(n-2))
		if st.Lo95 <= actual && actual <= st.Hi95 {
			hits95++
		}
	}
	if sc.Origins != 1 || sc.Forecasts != len(areas) || len(areas)-sc.Withheld != published {
		t.Fatalf("score %+v: want 1 origin, %d forecasts, %d published", sc, len(areas), published)
	}
	if want := q / float64(published); math.Abs(sc.MASE-want) > 1e-12 {
		t.Errorf("MASE %v, want %v", sc.MASE, want)
	}
	if want := float64(hits95) / float64(published); sc.Coverage95 != want {
		t.Errorf("95%% coverage %v, want %v", sc.Coverage95, want)
	}
}
