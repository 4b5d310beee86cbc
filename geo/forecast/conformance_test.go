package forecast

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Conformance with R: the damped-trend recursions and intervals against
// forecast::ets(model = "AAN", damped = TRUE) with fixed smoothing
// parameters, the IRLS fit against glm(family = quasipoisson), and the count
// quantiles against qnbinom and qpois. Without Rscript the tests are skipped,
// unless ABITARE_TEST_REQUIRE_R=1, when they fail. The ETS test also needs
// R's forecast package (Debian: r-cran-forecast); with R but without the
// package it is skipped with a message, whatever ABITARE_TEST_REQUIRE_R says,
// so that a CI image with base R only (r-base-core) still runs the others.

// rscript returns the path of Rscript, or skips (fails under
// ABITARE_TEST_REQUIRE_R=1).
func rscript(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("Rscript")
	if err != nil {
		if os.Getenv("ABITARE_TEST_REQUIRE_R") == "1" {
			t.Fatalf("ABITARE_TEST_REQUIRE_R=1 but Rscript is not on PATH: %v", err)
		}
		t.Skipf("skipping the conformance with R: Rscript is not on PATH")
	}
	return path
}

// runR runs an R script and parses its output lines "key v1 v2 ...".
func runR(t *testing.T, rs, script string) map[string][]float64 {
	t.Helper()
	path := filepath.Join(t.TempDir(), "conformance.R")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(rs, "--vanilla", path).CombinedOutput()
	if err != nil {
		t.Fatalf("Rscript: %v\n%s", err, out)
	}
	res := map[string][]float64{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || !strings.HasPrefix(f[0], "@") {
			continue
		}
		for _, s := range f[1:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("R output %q: %v", line, err)
			}
			res[f[0]] = append(res[f[0]], v)
		}
	}
	return res
}

// rVec formats a vector for R.
func rVec(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'g', 17, 64)
	}
	return "c(" + strings.Join(s, ", ") + ")"
}

// rOut is the R helper that prints a key and full-precision values.
const rOut = `out <- function(key, x) cat(key, sprintf("%.17g", as.numeric(x)), "\n")
`

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// The damped-trend filter, point forecasts and interval half-widths match
// forecast::ets with the same α, β, φ (the ones our grid chooses) from R's
// initial states, to 1e-9 relative; the intervals use R's σ².
func TestETSMatchesRForecast(t *testing.T) {
	rs := rscript(t)
	sp := defaultDGP(21).generate()
	var script strings.Builder
	// Loading the forecast namespace is most of the test's time: it is
	// loaded once, here, and its absence reported as @noforecast.
	script.WriteString(rOut + `if (!requireNamespace("forecast", quietly = TRUE)) { out("@noforecast", 1); quit() }
`)
	type etsCase struct {
		y []float64
		p etsParams
	}
	var cases []etsCase
	for i := 0; i < 6; i++ {
		s := &sp.Areas[i*37]
		y := make([]float64, s.Len())
		for t := range y {
			y[t] = 100 * s.Rate(t) // per 100, a scale ets is at ease with
		}
		p, _ := etsFit(y)
		cases = append(cases, etsCase{y, p})
		fmt.Fprintf(&script, `fit <- forecast::ets(%s, model = "AAN", damped = TRUE, alpha = %v, beta = %v, phi = %v)
f <- forecast::forecast(fit, h = 4, level = c(80, 95))
out("@init%[5]d", fit$initstate); out("@sigma2%[5]d", fit$sigma2); out("@mean%[5]d", f$mean)
out("@lower%[5]d", f$lower); out("@upper%[5]d", f$upper)
`, rVec(y), p.alpha, p.beta, p.phi, i)
	}
	r := runR(t, rs, script.String())
	if _, missing := r["@noforecast"]; missing {
		if os.Getenv("ABITARE_TEST_REQUIRE_R") == "1" {
			t.Fatal("R cannot load the forecast package (install r-cran-forecast), and ABITARE_TEST_REQUIRE_R=1")
		}
		t.Skip("skipping the conformance with forecast::ets: R cannot load the forecast package (install r-cran-forecast)")
	}
	for i, c := range cases {
		init, sigma2 := r[fmt.Sprintf("@init%d", i)], r[fmt.Sprintf("@sigma2%d", i)]
		mean := r[fmt.Sprintf("@mean%d", i)]
		lower, upper := r[fmt.Sprintf("@lower%d", i)], r[fmt.Sprintf("@upper%d", i)] // 80% then 95%
		if len(init) != 2 || len(sigma2) != 1 || len(mean) != 4 || len(lower) != 8 || len(upper) != 8 {
			t.Fatalf("case %d: unexpected R output %v", i, r)
		}
		p := c.p
		p.level0, p.trend0 = init[0], init[1]
		level, trend, _ := etsFilter(p, c.y)
		point, mult := make([]float64, 4), make([]float64, 4)
		etsForecast(p, level, trend, point, mult)
		for h := 0; h < 4; h++ {
			sd := math.Sqrt(sigma2[0] * mult[h])
			if !near(point[h], mean[h], 1e-9) {
				t.Errorf("case %d h=%d: point %.12g, R %.12g", i, h+1, point[h], mean[h])
			}
			for j, z := range []float64{z80, z95} {
				if !near(point[h]-z*sd, lower[4*j+h], 1e-9) || !near(point[h]+z*sd, upper[4*j+h], 1e-9) {
					t.Errorf("case %d h=%d level %d: [%.12g, %.12g], R [%.12g, %.12g]", i, h+1, j, point[h]-z*sd, point[h]+z*sd, lower[4*j+h], upper[4*j+h])
				}
			}
		}
	}
}

// The IRLS fit (without the weak prior) matches R's
// glm(y ~ tc [+ factor(t %% 4)] + offset(log(e)), family = quasipoisson):
// coefficients to 1e-8, Pearson dispersion and unscaled covariance to 1e-8
// relative.
func TestGLMMatchesRQuasiPoisson(t *testing.T) {
	rs := rscript(t)
	sp := defaultDGP(22).generate()
	var script strings.Builder
	script.WriteString(rOut)
	type glmCase struct {
		fit      *glmFit
		seasonal bool
	}
	var cases []glmCase
	for i := 0; i < 6; i++ {
		s := &sp.Areas[i*29+3]
		seasonal := i%2 == 1
		g := &glmModel{trend: true, ownSeason: seasonal}
		g.data = glmWindow(s, 0, [4]float64{})
		x := make([][]float64, len(g.data.y))
		for k := range x {
			x[k] = g.design(g.data.tc[k], g.data.q[k])
		}
		fit, err := irls(x, g.data.y, g.data.off, make([]float64, len(x[0])))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, glmCase{fit, seasonal})
		season := ""
		if seasonal {
			season = " + q"
		}
		fmt.Fprintf(&script, `y <- %s; e <- %s; t0 <- 0:(length(y) - 1); tc <- t0 - (length(y) - 1); q <- factor(t0 %%%% 4)
fit <- glm(y ~ tc%s + offset(log(e)), family = quasipoisson, control = glm.control(epsilon = 1e-14, maxit = 100))
sm <- summary(fit)
out("@coef%[4]d", coef(fit)); out("@disp%[4]d", sm$dispersion); out("@cov%[4]d", sm$cov.unscaled)
`, rVec(s.Counts), rVec(s.Exposure), season, i)
	}
	r := runR(t, rs, script.String())
	for i, c := range cases {
		coef, disp, cov := r[fmt.Sprintf("@coef%d", i)], r[fmt.Sprintf("@disp%d", i)], r[fmt.Sprintf("@cov%d", i)]
		p := len(c.fit.beta)
		if len(coef) != p || len(disp) != 1 || len(cov) != p*p {
			t.Fatalf("case %d: unexpected R output %v", i, r)
		}
		for j := range coef {
			if math.Abs(c.fit.beta[j]-coef[j]) > 1e-8 {
				t.Errorf("case %d (seasonal %v): coefficient %d %.12g, R %.12g", i, c.seasonal, j, c.fit.beta[j], coef[j])
			}
			for k := 0; k < p; k++ {
				if !near(c.fit.inv[j][k], cov[k*p+j], 1e-8) { // R prints column-major
					t.Errorf("case %d: unscaled covariance [%d,%d] %.12g, R %.12g", i, j, k, c.fit.inv[j][k], cov[k*p+j])
				}
			}
		}
		if !near(c.fit.dispersion(), disp[0], 1e-8) {
			t.Errorf("case %d: dispersion %.12g, R %.12g", i, c.fit.dispersion(), disp[0])
		}
	}
}

// countQuantiles equals R's qpois and qnbinom over a range of means and
// sizes.
func TestCountQuantilesMatchR(t *testing.T) {
	rs := rscript(t)
	probs := []float64{0.025, 0.10, 0.90, 0.975}
	means := []float64{0.02, 0.4, 1.7, 6.3, 23, 148, 1234.5, 40321}
	sizes := []float64{0, 0.5, 2.2, 15, 400}
	var script strings.Builder
	script.WriteString(rOut)
	for i, m := range means {
		for j, s := range sizes {
			if s == 0 {
				fmt.Fprintf(&script, "out(\"@q%d_%d\", qpois(%s, %v))\n", i, j, rVec(probs), m)
			} else {
				fmt.Fprintf(&script, "out(\"@q%d_%d\", qnbinom(%s, size = %v, mu = %v))\n", i, j, rVec(probs), s, m)
			}
		}
	}
	r := runR(t, rs, script.String())
	for i, m := range means {
		for j, s := range sizes {
			v := m
			if s > 0 {
				v += m * m / s
			}
			got, want := countQuantiles(m, v, probs), r[fmt.Sprintf("@q%d_%d", i, j)]
			for k := range got {
				if len(want) != len(got) || got[k] != want[k] { // R prints some zeros as -0: equal
					t.Errorf("mean %v size %v: %v, R %v", m, s, got, want)
					break
				}
			}
		}
	}
}
