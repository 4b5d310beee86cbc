package forecast

import (
	"fmt"
	"strings"
)

// Kind is a family of forecasting methods.
type Kind int

const (
	// KindNaive forecasts the last observed rate.
	KindNaive Kind = iota + 1
	// KindSeasonalNaive forecasts the rate of the same quarter a year before.
	KindSeasonalNaive
	// KindGLM is the log-linear quasi-Poisson trend in the rate.
	KindGLM
	// KindDampedETS is damped-trend exponential smoothing, ETS(A,Ad,N), of the
	// rate.
	KindDampedETS
)

// Method is a forecasting method and its settings. The zero Method is
// invalid; use one of the predeclared methods or set Kind.
type Method struct {
	Kind Kind
	// Seasonal adds quarter-of-year effects to the trend GLM.
	Seasonal bool
	// Shrink shrinks the trend GLM's slope toward the parent's slope by
	// empirical Bayes (ForecastPanel only).
	Shrink bool
	// Window, if positive, fits the trend GLM to the last Window quarters
	// only (at least glmMinLength).
	Window int
}

// The predeclared methods: the two baselines, the trend GLM without and with
// its refinements, and damped exponential smoothing.
var (
	Naive         = Method{Kind: KindNaive}
	SeasonalNaive = Method{Kind: KindSeasonalNaive}
	TrendGLM      = Method{Kind: KindGLM}
	SeasonalGLM   = Method{Kind: KindGLM, Seasonal: true}
	ShrunkGLM     = Method{Kind: KindGLM, Seasonal: true, Shrink: true}
	DampedETS     = Method{Kind: KindDampedETS}
)

// Shipped is the method Abitare publishes, chosen by the backtest reported in
// docs/statistics.md ("Forecasts").
var Shipped = ShrunkGLM

// Methods lists the predeclared methods in the order the backtest reports
// them.
func Methods() []Method {
	return []Method{Naive, SeasonalNaive, TrendGLM, SeasonalGLM, ShrunkGLM, DampedETS}
}

// Name is a short stable name: "naive", "snaive", "ets-damped", or "glm"
// followed by "+season", "+shrink" and "+window=W" for the settings in use.
func (m Method) Name() string {
	switch m.Kind {
	case KindNaive:
		return "naive"
	case KindSeasonalNaive:
		return "snaive"
	case KindDampedETS:
		return "ets-damped"
	case KindGLM:
		var b strings.Builder
		b.WriteString("glm")
		if m.Seasonal {
			b.WriteString("+season")
		}
		if m.Shrink {
			b.WriteString("+shrink")
		}
		if m.Window > 0 {
			fmt.Fprintf(&b, "+window=%d", m.Window)
		}
		return b.String()
	}
	return fmt.Sprintf("kind(%d)", int(m.Kind))
}

func (m Method) String() string { return m.Name() }

// MinLength is the number of quarters the method needs: 3 for the naive
// method (two changes to estimate its spread), 8 for the others (two years:
// at least four seasonal changes, or enough quarters for a trend, its
// seasonal effects and a dispersion).
func (m Method) MinLength() int {
	switch m.Kind {
	case KindNaive:
		return 3
	case KindGLM:
		return max(glmMinLength, m.Window)
	}
	return 8
}

// validate reports settings that do not apply to the kind.
func (m Method) validate() error {
	switch m.Kind {
	case KindNaive, KindSeasonalNaive, KindDampedETS:
		if m.Seasonal || m.Shrink || m.Window != 0 {
			return fmt.Errorf("forecast: %s: Seasonal, Shrink and Window apply to the trend GLM only", m.Name())
		}
	case KindGLM:
		if m.Window != 0 && m.Window < glmMinLength {
			return fmt.Errorf("forecast: %s: Window %d: want 0 (all quarters) or at least %d", m.Name(), m.Window, glmMinLength)
		}
	default:
		return fmt.Errorf("forecast: unknown method kind %d", int(m.Kind))
	}
	return nil
}
