package forecast

import (
	"fmt"
	"strings"
	"testing"
)

// backtestHorizon and backtestMinTrain are the settings of the reported
// backtest: four quarters ahead from two years of history.
const (
	backtestHorizon  = 4
	backtestMinTrain = 8
)

// reportedMethods are the methods of the table in docs/statistics.md.
func reportedMethods() []Method {
	return append(Methods(), Method{Kind: KindGLM, Seasonal: true, Shrink: true, Window: 8})
}

// TestBacktestTable measures every method on the synthetic panel of
// defaultDGP (seed 1), prints the table of docs/statistics.md ("Forecasts")
// with -v, and checks that the backtest selects the shipped method and that
// the shipped method beats last value with calibrated intervals, on seed 1
// and on an independent seed 2:
//
//	go test ./geo/forecast -run TestBacktestTable -v
func TestBacktestTable(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		sp := defaultDGP(seed).generate()
		best, scores, err := Select(sp.Areas, reportedMethods(), backtestHorizon, backtestMinTrain)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if best != Shipped {
			t.Errorf("seed %d: the backtest selects %s, but %s is shipped", seed, best, Shipped)
		}
		var naive, shipped Score
		var b strings.Builder
		fmt.Fprintf(&b, "seed %d: %d areas, %d quarters, origins %d..%d, 1..%d quarters ahead\n\n",
			seed, len(sp.Areas), sp.Areas[0].Len(), backtestMinTrain, sp.Areas[0].Len()-1, backtestHorizon)
		b.WriteString("| method | MASE | MASE h=1 | MASE h=4 | 80% coverage | 95% coverage | withheld |\n")
		b.WriteString("|---|---|---|---|---|---|---|\n")
		for _, sc := range scores {
			fmt.Fprintf(&b, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %d of %d |\n", sc.Method, sc.MASE,
				sc.ByHorizon[0].MASE, sc.ByHorizon[backtestHorizon-1].MASE, sc.Coverage80, sc.Coverage95, sc.Withheld, sc.Forecasts)
			switch sc.Method {
			case Naive.Name():
				naive = sc
			case Shipped.Name():
				shipped = sc
			}
		}
		t.Log("\n" + b.String())
		checkShipped(t, fmt.Sprintf("seed %d", seed), shipped, naive)
	}
}

// checkShipped asserts the publication rule of issue 20 on a score.
func checkShipped(t *testing.T, label string, shipped, naive Score) {
	t.Helper()
	if !(shipped.MASE < 1) || !(shipped.MASE < naive.MASE) {
		t.Errorf("%s: shipped MASE %.3f, want < 1 and < last value's %.3f", label, shipped.MASE, naive.MASE)
	}
	if !(shipped.Coverage95 >= 0.85 && shipped.Coverage95 <= 0.99) {
		t.Errorf("%s: 95%% coverage %.3f, want 0.85 to 0.99", label, shipped.Coverage95)
	}
	if !(shipped.Coverage80 >= 0.70 && shipped.Coverage80 <= 0.90) {
		t.Errorf("%s: 80%% coverage %.3f, want 0.70 to 0.90", label, shipped.Coverage80)
	}
	if !(shipped.Coverage80 < shipped.Coverage95) {
		t.Errorf("%s: 80%% coverage %.3f not below 95%% coverage %.3f", label, shipped.Coverage80, shipped.Coverage95)
	}
	if 10*shipped.Withheld > shipped.Forecasts {
		t.Errorf("%s: %d of %d forecasts withheld, want under 10%%", label, shipped.Withheld, shipped.Forecasts)
	}
}

// The shipped method keeps beating last value, with calibrated intervals,
// when the data-generating process departs from the default: a short
// history, no trend or season at all, strong overdispersion, tiny or large
// areas, many breaks, and area trends that stray far from their district's.
func TestShippedRobustToTheProcess(t *testing.T) {
	variants := map[string]func(*dgp){
		"12 quarters":        func(g *dgp) { g.Quarters = 12 },
		"flat":               func(g *dgp) { g.DistrictSlope, g.AreaSlopeSD, g.Season = 0, 0, [4]float64{} },
		"overdispersion 0.2": func(g *dgp) { g.Overdispersion = 0.2 },
		"150 residents":      func(g *dgp) { g.Population = 150 },
		"5000 residents":     func(g *dgp) { g.Population = 5000 },
		"30% breaks of ±0.4": func(g *dgp) { g.Breaks, g.Break = 0.3, 0.4 },
		"area slope sd 0.03": func(g *dgp) { g.AreaSlopeSD = 0.03 },
		"3 districts of 20":  func(g *dgp) { g.Districts, g.AreasPer = 3, 20 },
	}
	for name, change := range variants {
		g := defaultDGP(11)
		change(&g)
		sp := g.generate()
		naive, err := Backtest(sp.Areas, Naive, backtestHorizon, backtestMinTrain)
		if err != nil {
			t.Fatal(err)
		}
		shipped, err := Backtest(sp.Areas, Shipped, backtestHorizon, backtestMinTrain)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-20s naive MASE %.3f; shipped MASE %.3f, 80%% %.3f, 95%% %.3f, withheld %d of %d",
			name, naive.MASE, shipped.MASE, shipped.Coverage80, shipped.Coverage95, shipped.Withheld, shipped.Forecasts)
		checkShipped(t, name, shipped, naive)
	}
}

// BenchmarkBacktestShipped times the backtest of the shipped method on the
// default panel (240 areas, 8 origins, 4 quarters ahead) and reports its
// MASE and coverage as metrics.
func BenchmarkBacktestShipped(b *testing.B) {
	sp := defaultDGP(1).generate()
	var sc Score
	for b.Loop() {
		var err error
		if sc, err = Backtest(sp.Areas, Shipped, backtestHorizon, backtestMinTrain); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(sc.MASE, "MASE")
	b.ReportMetric(sc.Coverage80, "cov80")
	b.ReportMetric(sc.Coverage95, "cov95")
}
