package trends

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rConformance is run by Rscript with four paths: the series, where to write
// their results, the p-value vectors, where to write their adjustments. For
// each series it writes its id, Kendall's S summed directly, the
// ties-corrected Var(S) written out in R with the tie groups cor.test uses,
// and cor.test's statistic, p-value and tau-b estimate. NA and NaN are written
// as "NA".
const rConformance = `
args <- commandArgs(trailingOnly = TRUE)
num <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
out <- file(args[2], "w")
for (line in readLines(args[1])) {
  f <- strsplit(line, ",", fixed = TRUE)[[1]]
  x <- as.numeric(f[-1])
  n <- length(x)
  s <- 0
  for (i in 1:(n - 1)) for (j in (i + 1):n) s <- s + sign(x[j] - x[i])
  ties <- table(x[duplicated(x)]) + 1
  v <- (n * (n - 1) * (2 * n + 5) - sum(ties * (ties - 1) * (2 * ties + 5))) / 18
  ct <- suppressWarnings(cor.test(x, seq_along(x), method = "kendall", exact = FALSE, continuity = TRUE))
  writeLines(paste(f[1], num(s), num(v), num(ct$statistic), num(ct$p.value), num(ct$estimate), sep = ","), out)
}
close(out)
out <- file(args[4], "w")
for (line in readLines(args[3])) {
  f <- strsplit(line, ",", fixed = TRUE)[[1]]
  p <- suppressWarnings(as.numeric(f[-1]))
  writeLines(paste(c(f[1], num(p.adjust(p, method = "BH"))), collapse = ","), out)
}
close(out)
`

// conformanceSeries are 200 series of 4 to 40 values from fixed seeds: plain
// normal values, small integers (many ties), a trend with noise rounded to
// halves, z-scores rounded to hundredths, runs of repeated values, and two
// constant series.
func conformanceSeries() [][]float64 {
	rng := rand.New(rand.NewPCG(20, 4))
	out := make([][]float64, 200)
	for i := range out {
		n := MinMannKendall + (i*7)%37
		x := make([]float64, n)
		slope := rng.NormFloat64() * 0.2
		for t := range x {
			switch i % 5 {
			case 0:
				x[t] = rng.NormFloat64()
			case 1:
				x[t] = float64(rng.IntN(1 + i%6))
			case 2:
				x[t] = math.Round((slope*float64(t)+rng.NormFloat64())*2) / 2
			case 3:
				x[t] = math.Round((2*slope*float64(t)+rng.NormFloat64()*2)*100) / 100
			case 4:
				if t > 0 && rng.IntN(2) == 0 {
					x[t] = x[t-1]
				} else {
					x[t] = rng.NormFloat64() * 3
				}
			}
		}
		if i == 4 || i == 104 {
			for t := range x {
				x[t] = 1.5
			}
		}
		out[i] = x
	}
	return out
}

// conformancePValues are 30 vectors of p-values with ties, zeros, ones and
// NaN (written "NA").
func conformancePValues() [][]float64 {
	rng := rand.New(rand.NewPCG(20, 5))
	out := make([][]float64, 30)
	for i := range out {
		p := make([]float64, 1+rng.IntN(60))
		for k := range p {
			switch u := rng.Float64(); {
			case u < 0.05:
				p[k] = math.NaN()
			case u < 0.08:
				p[k] = float64(rng.IntN(2))
			case u < 0.3 && k > 0:
				p[k] = p[rng.IntN(k)]
			case u < 0.6:
				p[k] = float64(1+rng.IntN(999)) / 1000 // permutation-like
			default:
				p[k] = rng.Float64()
			}
		}
		out[i] = p
	}
	return out
}

// TestConformanceR compares MannKendall with R's cor.test and AdjustBH with
// R's p.adjust: S exactly (and equal to cor.test's tau-b times
// √((T0 − T1) T0)), Var(S), Z, p and the adjusted p-values to 1e-9. It runs
// when Rscript is on PATH and fails without it when ABITARE_TEST_REQUIRE_R=1
// (as .ci/run sets).
func TestConformanceR(t *testing.T) {
	rscript, err := exec.LookPath("Rscript")
	if err != nil {
		if os.Getenv("ABITARE_TEST_REQUIRE_R") == "1" {
			t.Fatal("ABITARE_TEST_REQUIRE_R=1 but Rscript (Debian package r-base-core) is not on PATH")
		}
		t.Skip("Rscript not on PATH (apt-get install r-base-core): conformance with R skipped")
	}
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	series, pvalues := conformanceSeries(), conformancePValues()
	writeLines(t, path("series.csv"), series)
	writeLines(t, path("pvalues.csv"), pvalues)
	if err := os.WriteFile(path("conformance.R"), []byte(rConformance), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, rscript, "--vanilla", path("conformance.R"),
		path("series.csv"), path("series.out"), path("pvalues.csv"), path("pvalues.out"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("Rscript: %v\n%s", err, out)
	}

	const tol = 1e-9
	rows := readLines(t, path("series.out"), len(series))
	var worst float64
	ties := 0
	for i, x := range series {
		r := rows[i] // S, Var, Z, p, tau
		got, err := MannKendall(x)
		if err != nil {
			t.Fatalf("series %d: %v", i, err)
		}
		if tiedPairs(x) > 0 {
			ties++
		}
		if float64(got.S) != r[0] || math.Abs(got.Var-r[1]) > tol {
			t.Errorf("series %d %v: S, Var = %d, %.17g; R %v, %.17g", i, x, got.S, got.Var, r[0], r[1])
			continue
		}
		if got.Var == 0 { // constant: R's cor.test has no tau, statistic or p
			if !math.IsNaN(r[2]) || !math.IsNaN(r[3]) || got.Z != 0 || got.P != 1 {
				t.Errorf("constant series %d: ours %+v, R z %v p %v", i, got, r[2], r[3])
			}
			continue
		}
		n := float64(len(x))
		t0 := n * (n - 1) / 2
		sFromTau := r[4] * math.Sqrt((t0-tiedPairs(x))*t0)
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"Z", got.Z, r[2]}, {"P", got.P, r[3]}, {"S from tau-b", float64(got.S), sFromTau}} {
			d := math.Abs(c.got - c.want)
			worst = max(worst, d)
			if d > tol {
				t.Errorf("series %d %v: %s = %.17g, R %.17g", i, x, c.name, c.got, c.want)
			}
		}
	}

	adjusted := readLines(t, path("pvalues.out"), len(pvalues))
	for i, p := range pvalues {
		got, err := AdjustBH(p)
		if err != nil {
			t.Fatal(err)
		}
		for k := range p {
			want := adjusted[i][k]
			if math.IsNaN(want) != math.IsNaN(got[k]) || math.Abs(got[k]-want) > tol {
				t.Errorf("p-values %d: AdjustBH[%d] = %.17g, R %.17g", i, k, got[k], want)
			}
			if !math.IsNaN(want) {
				worst = max(worst, math.Abs(got[k]-want))
			}
		}
	}
	t.Logf("R agrees on %d series (%d with ties) and %d p-value vectors; largest difference %.3g", len(series), ties, len(pvalues), worst)
}

// tiedPairs is T1 = Σ t(t−1)/2 over the groups of equal values.
func tiedPairs(x []float64) float64 {
	counts := map[float64]int{}
	for _, v := range x {
		counts[v]++
	}
	var t1 float64
	for _, c := range counts {
		t1 += float64(c*(c-1)) / 2
	}
	return t1
}

// writeLines writes one line per vector: its index, then its values with 17
// significant digits (NaN as NA), comma-separated.
func writeLines(t *testing.T, path string, rows [][]float64) {
	t.Helper()
	var b strings.Builder
	for i, row := range rows {
		fmt.Fprint(&b, i)
		for _, v := range row {
			if math.IsNaN(v) {
				b.WriteString(",NA")
			} else {
				b.WriteString("," + strconv.FormatFloat(v, 'g', 17, 64))
			}
		}
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// readLines reads want lines written by the R script, checks that their ids
// run 0, 1, …, and returns their values (NA as NaN).
func readLines(t *testing.T, path string, want int) [][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]float64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ",")
		if fields[0] != strconv.Itoa(len(rows)) {
			t.Fatalf("%s: line %d has id %q", path, len(rows), fields[0])
		}
		row := make([]float64, len(fields)-1)
		for k, s := range fields[1:] {
			if s == "NA" || s == "NaN" {
				row[k] = math.NaN()
				continue
			}
			if row[k], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatalf("%s: line %d: %v", path, len(rows), err)
			}
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) != want {
		t.Fatalf("%s: %d lines, want %d", path, len(rows), want)
	}
	return rows
}
