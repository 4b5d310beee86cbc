// Package forecast forecasts an area's quarterly rate of people in need (count
// / residents) one to four quarters ahead, with 80% and 95% prediction
// intervals, and scores forecasting methods by a rolling-origin backtest.
// It is pure: no database, no global state, no randomness; the same input
// always gives the same output.
//
// # Usage
//
//	city := &forecast.Series{ID: "city", Counts: ..., Exposure: ...}
//	district := &forecast.Series{ID: "d1", Counts: ..., Exposure: ..., Parent: city}
//	areas := []forecast.Series{
//		{ID: "cell-1", Counts: ..., Exposure: ..., Parent: district},
//		...
//	}
//	fs, err := forecast.Shipped.ForecastPanel(areas, 4) // one Forecast per area
//	for _, st := range fs[0].Steps {
//		if !st.Withheld {
//			publish(st.Ahead, st.Rate, st.Lo80, st.Hi80, st.Lo95, st.Hi95)
//		}
//	}
//	score, err := forecast.Backtest(areas, forecast.Shipped, 4, 8) // MASE, coverage
//
// All series of a panel and their parents cover the same quarters, oldest
// first; quarter t of every series is the same calendar quarter, and t mod 4
// is its quarter of the year for the seasonal methods. Areas without residents
// cannot be forecast (their exposure must be positive): leave them out.
//
// # Methods
//
// Naive forecasts the last observed rate, SeasonalNaive the rate of the same
// quarter a year earlier. Their intervals are normal, with the h-step
// standard deviation σ√h (naive) or σ√(⌊(h-1)/4⌋+1) (seasonal naive), σ the
// root mean square of the one-step or year-on-year changes of the rate
// (Hyndman & Athanasopoulos, FPP3 §5.5).
//
// DampedETS is ETS(A,Ad,N), additive damped-trend exponential smoothing of
// the rate (Gardner & McKenzie 1985; Hyndman et al. 2008). The smoothing
// parameters α, β = αβ* and φ are chosen on a fixed grid (α = 0.05..0.95,
// β* = 0.01..0.5, φ = 0.8..0.98) by least squares of the one-step errors from
// the initial states forecast::ets starts from (the regression line through
// the first ten quarters). Intervals are normal with the analytic variance
// σ²(1 + Σ_{j<h} c_j²), c_j = α + β(φ + ... + φ^j), σ² = SSE/(n-5).
//
// The trend GLM (TrendGLM, SeasonalGLM, ShrunkGLM) is a log-linear
// quasi-Poisson regression of the counts with the residents as exposure:
//
//	log E[y_t] = log e_t + α + b·(t - T) [+ s(t mod 4)],  Var(y_t) = φ E[y_t]
//
// fitted by iteratively reweighted least squares (McCullagh & Nelder 1989)
// with a weak N(0, 1) prior on the slope and seasonal effects (it only
// matters when the data cannot identify them). The time is counted from the
// last observed quarter T, so α is the log rate of that quarter. The
// overdispersion is Pearson's φ = max(1, X²/(n - p)), as R's quasipoisson
// family estimates it (floored at 1: no underdispersion is assumed).
//
// Quarter-of-year effects s (Seasonal) are estimated where the counts are
// largest: on the root of each chain of parents (the city), with three
// dummies, and borrowed by every area below it as a fixed offset. A series
// without a parent estimates its own.
//
// With Shrink, each area's slope b_i is shrunk toward its parent's b_p by
// empirical Bayes. Over the k areas of the panel that have a parent, with
// d_i = b_i - b_p and v_i = Var(b_i) + Var(b_p),
//
//	Q = Σ d_i²/v_i,  τ² = max(0, (Q - k) / Σ 1/v_i)
//
// is the moment estimate of the between-area variance of slopes about their
// parents' (DerSimonian & Laird 1986, with known means), and
//
//	w_i = τ²/(τ² + Var(b_i)),  b̃_i = b_p + w_i (b_i - b_p)
//
// with Var(b̃_i) = w_i Var(b_i) + (1-w_i)² Var(b_p). An area whose slope is
// precise compared with the spread between areas keeps its own trend; a
// small, noisy area takes its district's. The intercept is then refitted
// with the slope fixed at b̃_i. The districts' slopes are shrunk toward the
// city's in the same way when there are at least three districts; a level
// with fewer than three series is not shrunk. Series with no positive count
// take no part.
//
// The GLM's prediction for h quarters ahead is the fitted rate exp(η̂_h). Its
// intervals are those of the count at the last observed exposure e: with the
// parameter uncertainty s² = x_hᵀ Cov(β̂) x_h on the log scale and the
// quasi-Poisson variance, the count has mean M = e·exp(η̂_h + s²/2) and
// variance V = φM + M²(exp(s²) - 1), and its quantiles are those of the
// negative binomial with this mean and variance (Poisson when V = M), divided
// by e. A series with no positive count has rate 0 and the intervals of the
// Jeffreys posterior predictive (negative binomial of size ½ and mean
// e/(2E), E the total exposure).
//
// # Intervals and withholding
//
// Every Step satisfies 0 <= Lo95 <= Lo80 <= Rate <= Hi80 <= Hi95: normal
// bounds below zero are floored at zero and, for small counts, where a
// discrete interval can exclude the point (a rate of 0.3 expected people has
// an 80% count interval of [0, 0]), the interval is widened to include it.
//
// A step is Withheld when its 95% interval is wider than the range (max - min)
// of the observed rates: of every area and quarter of the panel in
// ForecastPanel and Backtest, of the series itself in Method.Forecast. Such a
// forecast says less than the map already does and is not to be published
// (issue 20: "withhold a forecast where its interval is wider than the range
// of rates").
//
// # Backtest
//
// Backtest is a rolling-origin evaluation (Tashman 2000): for each origin
// T = minTrain..n-1 every area is forecast from its first T quarters only,
// parents truncated alike, and each forecast whose quarter was observed is
// scored. The absolute error of the rate is scaled by the area's in-sample
// mean absolute one-step change over the same T quarters, the scale of MASE
// (Hyndman & Koehler 2006); the panel's MASE is the mean of these scaled
// errors over all areas, origins and quarters ahead. MASE < 1 means that the
// method beats, on average, the one-step naive forecast in-sample; the naive
// method's own MASE measures how much worse it does out of sample and further
// ahead. Coverage is the share of forecasts whose interval holds the observed
// rate. MASE and coverage are reported over the published forecasts, MASE
// also over all of them. Select applies the publication rule: the eligible
// method (MASE < 1 and below the naive method's, 95% coverage within 85-99%,
// fewer than half withheld) with the lowest MASE.
//
// Shipped, ShrunkGLM, is the method chosen that way on synthetic panels
// with a known data-generating process; docs/statistics.md ("Forecasts")
// gives the table and the command that measures it.
//
// # References
//
//   - DerSimonian, R. and Laird, N. (1986). Meta-analysis in clinical trials.
//     Controlled Clinical Trials 7(3), 177-188.
//   - Gardner, E. S. and McKenzie, E. (1985). Forecasting trends in time
//     series. Management Science 31(10), 1237-1246.
//   - Hyndman, R. J. and Athanasopoulos, G. (2021). Forecasting: Principles
//     and Practice, 3rd ed. (FPP3), https://otexts.com/fpp3/.
//   - Hyndman, R. J. and Koehler, A. B. (2006). Another look at measures of
//     forecast accuracy. International Journal of Forecasting 22(4), 679-688.
//   - Hyndman, R. J., Koehler, A. B., Ord, J. K. and Snyder, R. D. (2008).
//     Forecasting with Exponential Smoothing: The State Space Approach.
//     Springer.
//   - McCullagh, P. and Nelder, J. A. (1989). Generalized Linear Models, 2nd
//     ed. Chapman & Hall.
//   - Tashman, L. J. (2000). Out-of-sample tests of forecasting accuracy: an
//     analysis and review. International Journal of Forecasting 16(4),
//     437-450.
package forecast
