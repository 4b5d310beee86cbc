package forecast

import (
	"errors"
	"fmt"
	"math"
)

// MaxHorizon is the largest number of quarters ahead a forecast is made for.
const MaxHorizon = 4

// maxDepth bounds the chain of parents (area, district, city, ...): deeper
// chains are almost certainly a cycle.
const maxDepth = 8

// Series is the quarterly history of one area, oldest quarter first.
//
// Every series of a panel, and every parent, covers the same quarters: index t
// is the same calendar quarter in all of them, and t mod 4 identifies the
// quarter of the year for the seasonal methods.
type Series struct {
	// ID names the area in errors; it is optional.
	ID string
	// Counts are the people in need per quarter (non-negative, normally whole
	// numbers).
	Counts []float64
	// Exposure is the resident population per quarter (positive). The rate
	// is Counts[t] / Exposure[t]. The future exposure is taken to be the last
	// observed one.
	Exposure []float64
	// Parent is the larger area this one lies in (its district, whose own
	// Parent is the city), or nil. The trend GLM borrows the quarter-of-year
	// effects of the root of the chain and shrinks the area's trend toward its
	// parent's. The other methods ignore it.
	Parent *Series
}

// Len returns the number of quarters observed.
func (s *Series) Len() int { return len(s.Counts) }

// Rate returns the observed rate of quarter t.
func (s *Series) Rate(t int) float64 { return s.Counts[t] / s.Exposure[t] }

// name is the series' ID for messages.
func (s *Series) name() string {
	if s.ID == "" {
		return "series"
	}
	return fmt.Sprintf("series %q", s.ID)
}

// ErrInvalidSeries is wrapped by every error about malformed input.
var ErrInvalidSeries = errors.New("invalid series")

// TooShortError is returned when a series has fewer quarters than a method
// needs.
type TooShortError struct {
	Method string // the method's Name
	ID     string // the series' ID
	Length int    // quarters given
	Min    int    // quarters the method needs
}

func (e *TooShortError) Error() string {
	id := ""
	if e.ID != "" {
		id = fmt.Sprintf(" %q", e.ID)
	}
	return fmt.Sprintf("forecast: %s: series%s has %d quarters, the method needs at least %d", e.Method, id, e.Length, e.Min)
}

// validate checks one series and its chain of parents.
func (s *Series) validate() error {
	seen := 0
	for c := s; c != nil; c = c.Parent {
		if seen++; seen > maxDepth {
			return fmt.Errorf("forecast: %s: %w: more than %d levels of parents (a cycle?)", s.name(), ErrInvalidSeries, maxDepth)
		}
		if err := c.validateOwn(); err != nil {
			return err
		}
		if c.Parent != nil && c.Parent.Len() != c.Len() {
			return fmt.Errorf("forecast: %s: %w: %d quarters but its parent %s has %d; they must cover the same quarters",
				c.name(), ErrInvalidSeries, c.Len(), c.Parent.name(), c.Parent.Len())
		}
	}
	return nil
}

// validateOwn checks the counts and exposures of one series.
func (s *Series) validateOwn() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("forecast: %s: %w: "+format, append([]any{s.name(), ErrInvalidSeries}, args...)...)
	}
	if len(s.Counts) != len(s.Exposure) {
		return bad("%d counts but %d exposures", len(s.Counts), len(s.Exposure))
	}
	if len(s.Counts) == 0 {
		return bad("no quarters")
	}
	for t, y := range s.Counts {
		if math.IsNaN(y) || math.IsInf(y, 0) || y < 0 {
			return bad("count of quarter %d is %v; counts must be finite and non-negative", t, y)
		}
		if e := s.Exposure[t]; math.IsNaN(e) || math.IsInf(e, 0) || e <= 0 {
			return bad("exposure of quarter %d is %v; exposures (residents) must be finite and positive", t, e)
		}
	}
	return nil
}

// truncated returns a copy of s and its parents that keeps the first n
// quarters; copies maps each original series to its copy so that areas
// sharing a parent still share it.
func (s *Series) truncated(n int, copies map[*Series]*Series) *Series {
	if s == nil {
		return nil
	}
	if c, ok := copies[s]; ok {
		return c
	}
	c := &Series{ID: s.ID, Counts: s.Counts[:n:n], Exposure: s.Exposure[:n:n]}
	copies[s] = c
	c.Parent = s.Parent.truncated(n, copies)
	return c
}

// Step is the forecast for one quarter ahead. Rates are per resident (not
// per 1,000). The intervals always nest: Lo95 <= Lo80 <= Rate <= Hi80 <= Hi95,
// and no bound is negative.
type Step struct {
	Ahead      int // quarters after the last observed one, 1..MaxHorizon
	Rate       float64
	Lo80, Hi80 float64 // 80% prediction interval
	Lo95, Hi95 float64 // 95% prediction interval
	// Withheld is set when the 95% interval is wider than the range of the
	// observed rates (see the package documentation): such a forecast says
	// nothing the history does not, and is not to be published.
	Withheld bool
	// Reason says why the step is withheld; empty otherwise.
	Reason string
}

// Forecast is the forecast of one area, one Step per quarter ahead.
type Forecast struct {
	ID     string
	Method string // the Method's Name
	Steps  []Step
}

// finish makes the intervals of a step nest around the point, floors them at
// zero and applies the withholding rule against the width of the observed
// range of rates.
func (st *Step) finish(observedRange float64) {
	st.Rate = math.Max(st.Rate, 0)
	st.Lo80 = math.Max(math.Min(st.Lo80, st.Rate), 0)
	st.Lo95 = math.Max(math.Min(st.Lo95, st.Lo80), 0)
	st.Hi80 = math.Max(st.Hi80, st.Rate)
	st.Hi95 = math.Max(st.Hi95, st.Hi80)
	if w := st.Hi95 - st.Lo95; w > observedRange {
		st.Withheld = true
		st.Reason = fmt.Sprintf("the 95%% interval (width %.4g) is wider than the range of the observed rates (%.4g)", w, observedRange)
	}
}

// rateRange returns the width max - min of the observed rates of the series.
func rateRange(series []*Series) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for t := range s.Counts {
			r := s.Rate(t)
			lo, hi = math.Min(lo, r), math.Max(hi, r)
		}
	}
	return hi - lo
}

// Forecast forecasts one series 1..h quarters ahead (1 <= h <= MaxHorizon).
// A step is withheld when its 95% interval is wider than the range of the
// series' own observed rates. The trend GLM borrows the seasonal pattern of
// the series' root parent but cannot shrink a single series (that needs a
// panel; see ForecastPanel).
func (m Method) Forecast(s Series, h int) (Forecast, error) {
	fs, err := m.forecastPanel([]*Series{&s}, h, -1)
	if err != nil {
		return Forecast{}, err
	}
	return fs[0], nil
}

// ForecastPanel forecasts every area of a panel 1..h quarters ahead
// (1 <= h <= MaxHorizon). All series must cover the same quarters. The trend
// GLM with Shrink estimates the between-area spread of trends from the panel.
// A step is withheld when its 95% interval is wider than the range of all the
// panel's observed rates (every area, every quarter).
func (m Method) ForecastPanel(areas []Series, h int) ([]Forecast, error) {
	ptrs := make([]*Series, len(areas))
	for i := range areas {
		ptrs[i] = &areas[i]
	}
	return m.forecastPanel(ptrs, h, -1)
}

// forecastPanel validates the input and dispatches to the method. A negative
// observedRange means: the range of the series' rates (of the one series when
// there is one, of the panel otherwise).
func (m Method) forecastPanel(areas []*Series, h int, observedRange float64) ([]Forecast, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	if h < 1 || h > MaxHorizon {
		return nil, fmt.Errorf("forecast: %s: horizon %d: want 1 to %d quarters ahead", m.Name(), h, MaxHorizon)
	}
	if len(areas) == 0 {
		return nil, fmt.Errorf("forecast: %s: %w: the panel has no series", m.Name(), ErrInvalidSeries)
	}
	for _, s := range areas {
		if err := s.validate(); err != nil {
			return nil, err
		}
		if s.Len() != areas[0].Len() {
			return nil, fmt.Errorf("forecast: %s: %w: %d quarters but %s has %d; a panel's series cover the same quarters",
				s.name(), ErrInvalidSeries, s.Len(), areas[0].name(), areas[0].Len())
		}
	}
	if n, need := areas[0].Len(), m.MinLength(); n < need {
		return nil, &TooShortError{Method: m.Name(), ID: areas[0].ID, Length: n, Min: need}
	}
	if observedRange < 0 {
		observedRange = rateRange(areas)
	}
	var steps [][]Step
	switch m.Kind {
	case KindNaive:
		steps = mapSeries(areas, h, naiveSteps)
	case KindSeasonalNaive:
		steps = mapSeries(areas, h, seasonalNaiveSteps)
	case KindDampedETS:
		steps = mapSeries(areas, h, etsSteps)
	case KindGLM:
		var err error
		if steps, err = glmPanelSteps(areas, h, m); err != nil {
			return nil, err
		}
	}
	out := make([]Forecast, len(areas))
	for i, s := range areas {
		for k := range steps[i] {
			steps[i][k].Ahead = k + 1
			steps[i][k].finish(observedRange)
		}
		out[i] = Forecast{ID: s.ID, Method: m.Name(), Steps: steps[i]}
	}
	return out, nil
}

// mapSeries applies a per-series method to every series of a panel.
func mapSeries(areas []*Series, h int, f func(s *Series, h int) []Step) [][]Step {
	out := make([][]Step, len(areas))
	for i, s := range areas {
		out[i] = f(s, h)
	}
	return out
}
