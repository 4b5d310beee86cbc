package cellkey

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// paramSets are the valid parameter sets every property is checked on.
var paramSets = []struct {
	name string
	p    Params
}{
	{"default", DefaultParams()},
	{"no-zero-noise", Params{Threshold: 5, MaxDeviation: 5, Variance: 3, ZeroProbability: 0}},
	{"threshold-1", Params{Threshold: 1, MaxDeviation: 3, Variance: 1, ZeroProbability: 0.2}},
	{"threshold-2", Params{Threshold: 2, MaxDeviation: 2, Variance: 1, ZeroProbability: 0.3}},
	{"D=T", Params{Threshold: 10, MaxDeviation: 10, Variance: 4, ZeroProbability: 0}},
	{"wide", Params{Threshold: 3, MaxDeviation: 8, Variance: 10, ZeroProbability: 0.05}},
	{"small-variance", Params{Threshold: 4, MaxDeviation: 6, Variance: 0.5, ZeroProbability: 0.01}},
	{"large-variance", Params{Threshold: 5, MaxDeviation: 5, Variance: 20, ZeroProbability: 0.1}},
}

func mustNew(t testing.TB, p Params) *Table {
	t.Helper()
	tb, err := New(p)
	if err != nil {
		t.Fatalf("New(%+v): %v", p, err)
	}
	return tb
}

// lastRowIndex is the documented index of the last row.
func lastRowIndex(p Params) int {
	if p.Threshold == 1 {
		return p.MaxDeviation
	}
	return p.Threshold + p.MaxDeviation
}

func rowMoments(row []Transition) (mean, variance float64) {
	for _, tr := range row {
		mean += float64(tr.Published) * tr.Probability
	}
	for _, tr := range row {
		d := float64(tr.Published) - mean
		variance += d * d * tr.Probability
	}
	return mean, variance
}

func TestRowsAreDistributions(t *testing.T) {
	for _, tc := range paramSets {
		t.Run(tc.name, func(t *testing.T) {
			tb := mustNew(t, tc.p)
			if got, want := tb.Rows(), lastRowIndex(tc.p)+1; got != want {
				t.Errorf("Rows() = %d, want %d", got, want)
			}
			for v := 0; v <= tb.Rows()+5; v++ {
				row := tb.Row(v)
				if len(row) == 0 {
					t.Fatalf("Row(%d) is empty", v)
				}
				var sum, prevCum float64
				prevPub := math.MinInt
				for k, tr := range row {
					if !(tr.Probability > 0 && tr.Probability <= 1) {
						t.Errorf("Row(%d)[%d].Probability = %v, want in (0, 1]", v, k, tr.Probability)
					}
					if tr.Published <= prevPub {
						t.Errorf("Row(%d) published values not increasing at %d", v, k)
					}
					if tr.Cumulative <= prevCum {
						t.Errorf("Row(%d) cumulative not increasing at %d: %v after %v", v, k, tr.Cumulative, prevCum)
					}
					sum += tr.Probability
					if math.Abs(tr.Cumulative-sum) > 1e-12 {
						t.Errorf("Row(%d)[%d].Cumulative = %v, want running sum %v", v, k, tr.Cumulative, sum)
					}
					prevPub, prevCum = tr.Published, tr.Cumulative
				}
				if last := row[len(row)-1].Cumulative; last != 1 {
					t.Errorf("Row(%d) last cumulative = %v, want exactly 1", v, last)
				}
				if math.Abs(sum-1) > 1e-12 {
					t.Errorf("Row(%d) probabilities sum to %v", v, sum)
				}
			}
		})
	}
}

func TestRowZero(t *testing.T) {
	for _, tc := range paramSets {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			row := mustNew(t, p).Row(0)
			if row[0].Published != 0 || math.Abs(row[0].Probability-(1-p.ZeroProbability)) > 1e-9 {
				t.Errorf("Row(0)[0] = %+v, want published 0 with probability %v", row[0], 1-p.ZeroProbability)
			}
			if p.ZeroProbability == 0 {
				if len(row) != 1 {
					t.Errorf("Row(0) = %+v, want only 0", row)
				}
				return
			}
			n := p.MaxDeviation - p.Threshold + 1
			if len(row) != 1+n {
				t.Fatalf("Row(0) has %d entries, want %d", len(row), 1+n)
			}
			for k, tr := range row[1:] {
				if tr.Published != p.Threshold+k || math.Abs(tr.Probability-p.ZeroProbability/float64(n)) > 1e-9 {
					t.Errorf("Row(0)[%d] = %+v, want published %d with probability %v", k+1, tr, p.Threshold+k, p.ZeroProbability/float64(n))
				}
			}
		})
	}
}

func TestNoBlockedValuesAndBoundedDeviation(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	keys := []float64{0, 0.5, math.Nextafter(1, 0), 1.0 / KeyModulus, 1 - 1.0/KeyModulus}
	for range 2000 {
		keys = append(keys, rng.Float64())
	}
	for _, tc := range paramSets {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			tb := mustNew(t, p)
			for v := 0; v <= 200; v++ {
				for _, key := range keys {
					got := tb.Perturb(v, key)
					if got < 0 || (got > 0 && got < p.Threshold) {
						t.Fatalf("Perturb(%d, %v) = %d: in blocked range 1..%d or negative", v, key, got, p.Threshold-1)
					}
					if d := got - v; d > p.MaxDeviation || d < -p.MaxDeviation {
						t.Fatalf("Perturb(%d, %v) = %d: deviation %d exceeds %d", v, key, got, d, p.MaxDeviation)
					}
				}
				for _, tr := range tb.Row(v) {
					if tr.Published < 0 || (tr.Published > 0 && tr.Published < p.Threshold) ||
						abs(tr.Published-v) > p.MaxDeviation {
						t.Fatalf("Row(%d) contains published value %d", v, tr.Published)
					}
				}
			}
		})
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestUnbiasedAndVariance(t *testing.T) {
	for _, tc := range paramSets {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			tb := mustNew(t, p)
			last := tb.Rows() - 1
			for v := 1; v <= 200; v++ {
				mean, variance := rowMoments(tb.Row(v))
				// Probabilities are whole counts out of 2^31; a row on {0, T} alone cannot
				// be closer to unbiased than one unit of T/2^31.
				if math.Abs(mean-float64(v)) > float64(p.Threshold)/KeyModulus+1e-12 {
					t.Errorf("Row(%d) mean = %.15g, want %d", v, mean, v)
				}
				if v >= last && math.Abs(variance-p.Variance) > 1e-6 {
					t.Errorf("Row(%d) variance = %.15g, want %v", v, variance, p.Variance)
				}
			}
			// Rows beyond the last are the last row shifted.
			lastRow := tb.Row(last)
			for _, v := range []int{last + 1, last + 7, 1000, 1 << 30} {
				row := tb.Row(v)
				if len(row) != len(lastRow) {
					t.Fatalf("Row(%d) has %d entries, Row(%d) has %d", v, len(row), last, len(lastRow))
				}
				for k := range row {
					if row[k].Published-v != lastRow[k].Published-last || row[k].Cumulative != lastRow[k].Cumulative {
						t.Errorf("Row(%d)[%d] = %+v is not Row(%d)[%d] = %+v shifted", v, k, row[k], last, k, lastRow[k])
					}
				}
			}
		})
	}
}

// TestDefaultSmallRows pins properties of the documented example: rows 1..4
// cannot carry variance 3 (mean-only maximum entropy), rows 5.. can.
func TestDefaultSmallRows(t *testing.T) {
	tb := mustNew(t, DefaultParams())
	for v := 1; v < tb.Rows(); v++ {
		_, variance := rowMoments(tb.Row(v))
		feasible := v >= 5
		if feasible && math.Abs(variance-3) > 1e-6 {
			t.Errorf("Row(%d) variance = %v, want 3", v, variance)
		}
		if !feasible && variance <= 4-1e-9 {
			t.Errorf("Row(%d) variance = %v, want >= 4 (3 is infeasible)", v, variance)
		}
	}
	// A small count takes only values a true zero can take too (0 and 5 with D = 5): an
	// unbiased random rounding to 0 or 5.
	for v := 1; v < 5; v++ {
		row := tb.Row(v)
		if len(row) != 2 || row[0].Published != 0 || row[1].Published != 5 || math.Abs(row[1].Probability-float64(v)/5) > 1e-9 {
			t.Errorf("Row(%d) = %+v, want 0 or 5 with P(5) = %d/5", v, row, v)
		}
	}
	// With a wider D the small rows spread over 0 and T..D, never above D.
	wide := mustNew(t, Params{Threshold: 3, MaxDeviation: 8, Variance: 10, ZeroProbability: 0.05})
	for v := 1; v < 3; v++ {
		for _, tr := range wide.Row(v) {
			if tr.Published > 8 {
				t.Errorf("wide Row(%d) publishes %d, above D: it would prove the cell is not empty", v, tr.Published)
			}
		}
	}
}

func TestSmallRowsNeverProvePresence(t *testing.T) {
	for _, tc := range paramSets {
		tb := mustNew(t, tc.p)
		for v := 1; v < tc.p.Threshold; v++ {
			for _, tr := range tb.Row(v) {
				if tr.Published > tc.p.MaxDeviation {
					t.Errorf("%s: Row(%d) publishes %d > D", tc.name, v, tr.Published)
				}
			}
		}
	}
}

func TestPerturbMatchesRow(t *testing.T) {
	const n = 100000
	for _, tc := range paramSets {
		t.Run(tc.name, func(t *testing.T) {
			tb := mustNew(t, tc.p)
			tb2 := mustNew(t, tc.p)
			for _, v := range []int{0, 1, 2, tc.p.Threshold - 1, tc.p.Threshold, tc.p.Threshold + 1,
				tb.Rows() - 2, tb.Rows() - 1, tb.Rows(), 137} {
				if v < 0 {
					continue
				}
				freq := map[int]int{}
				for k := range n {
					key := float64(k) / n
					got := tb.Perturb(v, key)
					if again, other := tb.Perturb(v, key), tb2.Perturb(v, key); again != got || other != got {
						t.Fatalf("Perturb(%d, %v) not deterministic: %d, %d, %d", v, key, got, again, other)
					}
					freq[got]++
				}
				seen := 0
				for _, tr := range tb.Row(v) {
					f := float64(freq[tr.Published]) / n
					if math.Abs(f-tr.Probability) > 1.0/n+1e-9 {
						t.Errorf("value %d: published %d with frequency %v, want %v", v, tr.Published, f, tr.Probability)
					}
					seen += freq[tr.Published]
				}
				if seen != n {
					t.Errorf("value %d: %d of %d keys published values not in Row", v, n-seen, n)
				}
			}
		})
	}
}

func TestPerturbInverseCDF(t *testing.T) {
	tb := mustNew(t, DefaultParams())
	for v := 0; v < tb.Rows()+2; v++ {
		row := tb.Row(v)
		prev := 0.0
		for _, tr := range row {
			// The first key of each interval [prev, Cumulative) and the last
			// one select this transition.
			for _, key := range []float64{prev, math.Nextafter(tr.Cumulative, 0)} {
				if got := tb.Perturb(v, key); got != tr.Published {
					t.Errorf("Perturb(%d, %v) = %d, want %d", v, key, got, tr.Published)
				}
			}
			prev = tr.Cumulative
		}
	}
}

func TestPerturbPanics(t *testing.T) {
	tb := mustNew(t, DefaultParams())
	for _, tc := range []struct {
		value int
		key   float64
	}{{-1, 0.5}, {3, -0.1}, {3, 1}, {3, math.NaN()}, {3, math.Inf(1)}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Perturb(%d, %v) did not panic", tc.value, tc.key)
				}
			}()
			tb.Perturb(tc.value, tc.key)
		}()
	}
}

func TestCellKey(t *testing.T) {
	const m = KeyModulus
	for _, tc := range []struct {
		sum  int64
		want float64
	}{
		{0, 0},
		{1, 1.0 / m},
		{m - 1, (m - 1.0) / m},
		{m, 0},
		{m + 5, 5.0 / m},
		{-1, (m - 1.0) / m},
		{-m, 0},
		{-m - 3, (m - 3.0) / m},
		{3*m + 7, 7.0 / m},
		{math.MaxInt64, (m - 1.0) / m},
		{math.MinInt64, 0},
		{math.MinInt64 + 1, 1.0 / m},
	} {
		if got := CellKey(tc.sum); got != tc.want {
			t.Errorf("CellKey(%d) = %v, want %v", tc.sum, got, tc.want)
		}
	}
	// Summing keys is order-independent and invariant to adding/removing
	// multiples of the modulus.
	rng := rand.New(rand.NewPCG(3, 4))
	var sum int64
	keys := make([]int64, 1000)
	for i := range keys {
		keys[i] = rng.Int64N(m)
		sum += keys[i]
	}
	var rev int64
	for i := len(keys) - 1; i >= 0; i-- {
		rev += keys[i] - m // shifted by a multiple of the modulus
	}
	if CellKey(sum) != CellKey(rev) {
		t.Errorf("CellKey not invariant: %v vs %v", CellKey(sum), CellKey(rev))
	}
	if k := CellKey(sum); !(k >= 0 && k < 1) {
		t.Errorf("CellKey(%d) = %v not in [0, 1)", sum, k)
	}
}

func TestZeroCellKey(t *testing.T) {
	secret := []byte("secret-1")
	base := ZeroCellKey(secret, "table", "E01000001", "a")
	if again := ZeroCellKey([]byte("secret-1"), "table", "E01000001", "a"); again != base {
		t.Errorf("ZeroCellKey not deterministic: %v vs %v", base, again)
	}
	differ := []struct {
		name string
		key  float64
	}{
		{"other secret", ZeroCellKey([]byte("secret-2"), "table", "E01000001", "a")},
		{"nil secret", ZeroCellKey(nil, "table", "E01000001", "a")},
		{"other part", ZeroCellKey(secret, "table", "E01000002", "a")},
		{"fewer parts", ZeroCellKey(secret, "table", "E01000001")},
		{"joined parts", ZeroCellKey(secret, "tableE01000001a")},
		{"extra empty part", ZeroCellKey(secret, "table", "E01000001", "a", "")},
	}
	for _, d := range differ {
		if d.key == base {
			t.Errorf("%s: ZeroCellKey unchanged (%v)", d.name, d.key)
		}
	}
	if ZeroCellKey(secret, "a", "bc") == ZeroCellKey(secret, "ab", "c") {
		t.Error(`ZeroCellKey("a", "bc") == ZeroCellKey("ab", "c")`)
	}
	if ZeroCellKey(secret) == ZeroCellKey(secret, "") {
		t.Error(`ZeroCellKey() == ZeroCellKey("")`)
	}
	// Range and rough uniformity.
	const n = 20000
	var sum float64
	below := 0
	for i := range n {
		k := ZeroCellKey(secret, "cell", fmt.Sprint(i))
		if !(k >= 0 && k < 1) {
			t.Fatalf("ZeroCellKey = %v not in [0, 1)", k)
		}
		sum += k
		if k < 0.1 {
			below++
		}
	}
	if mean := sum / n; math.Abs(mean-0.5) > 0.01 {
		t.Errorf("mean of ZeroCellKey = %v, want about 0.5", mean)
	}
	if frac := float64(below) / n; math.Abs(frac-0.1) > 0.01 {
		t.Errorf("fraction of ZeroCellKey < 0.1 = %v, want about 0.1", frac)
	}
}

func TestValidate(t *testing.T) {
	d := DefaultParams()
	with := func(f func(*Params)) Params {
		p := d
		f(&p)
		return p
	}
	for _, tc := range []struct {
		name string
		p    Params
		want []string // substrings of the error; nil means valid
	}{
		{"default", d, nil},
		{"threshold 1", Params{Threshold: 1, MaxDeviation: 1, Variance: 0.5}, nil},
		{"D = T without zero noise", Params{Threshold: 6, MaxDeviation: 6, Variance: 3}, nil},
		{"D at limit", Params{Threshold: 5, MaxDeviation: 100, Variance: 50}, nil},
		{"threshold 0", with(func(p *Params) { p.Threshold = 0 }), []string{"Threshold must be >= 1"}},
		{"threshold negative", with(func(p *Params) { p.Threshold = -3 }), []string{"Threshold must be >= 1"}},
		{"deviation 0", with(func(p *Params) { p.MaxDeviation = 0 }), []string{"MaxDeviation must be >= 1"}},
		{"deviation too large", with(func(p *Params) { p.MaxDeviation = 101 }), []string{"MaxDeviation must be <= 100"}},
		{"deviation below threshold", Params{Threshold: 10, MaxDeviation: 5, Variance: 3},
			[]string{"MaxDeviation must be >= Threshold = 10"}},
		{"deviation below threshold with zero noise", with(func(p *Params) { p.Threshold = 6 }),
			[]string{"MaxDeviation must be >= Threshold = 6"}},
		{"zero probability 1", with(func(p *Params) { p.ZeroProbability = 1 }), []string{"ZeroProbability must be in [0, 1)"}},
		{"zero probability negative", with(func(p *Params) { p.ZeroProbability = -0.1 }), []string{"ZeroProbability"}},
		{"zero probability NaN", with(func(p *Params) { p.ZeroProbability = math.NaN() }), []string{"ZeroProbability"}},
		{"variance 0", with(func(p *Params) { p.Variance = 0 }), []string{"Variance must be a finite number > 0"}},
		{"variance negative", with(func(p *Params) { p.Variance = -1 }), []string{"Variance must be a finite number > 0"}},
		{"variance NaN", with(func(p *Params) { p.Variance = math.NaN() }), []string{"Variance must be a finite number > 0"}},
		{"variance Inf", with(func(p *Params) { p.Variance = math.Inf(1) }), []string{"Variance must be a finite number > 0"}},
		{"variance D squared", with(func(p *Params) { p.Variance = 25 }), []string{"Variance must be below MaxDeviation² = 25"}},
		{"variance within margin", with(func(p *Params) { p.Variance = 25 - 1e-7 }), []string{"Variance must be below"}},
		{"several", Params{}, []string{"Threshold", "MaxDeviation", "Variance"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Validate()
			_, newErr := New(tc.p)
			if tc.want == nil {
				if err != nil || newErr != nil {
					t.Fatalf("Validate() = %v, New error = %v, want valid", err, newErr)
				}
				return
			}
			if err == nil || newErr == nil {
				t.Fatalf("Validate() = %v, New error = %v, want errors mentioning %q", err, newErr, tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to mention %q", err, w)
				}
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	d := DefaultParams()
	fp := mustNew(t, d).Fingerprint()
	if len(fp) != 16 || strings.Trim(fp, "0123456789abcdef") != "" {
		t.Fatalf("Fingerprint() = %q, want 16 lower-case hex characters", fp)
	}
	if again := mustNew(t, DefaultParams()).Fingerprint(); again != fp {
		t.Errorf("Fingerprint not stable: %q vs %q", fp, again)
	}
	seen := map[string]string{fp: "default"}
	for _, tc := range []struct {
		name string
		f    func(*Params)
	}{
		{"Threshold", func(p *Params) { p.Threshold = 4 }},
		{"MaxDeviation", func(p *Params) { p.MaxDeviation = 6 }},
		{"Variance", func(p *Params) { p.Variance = 3.5 }},
		{"Variance tiny change", func(p *Params) { p.Variance = math.Nextafter(3, 4) }},
		{"ZeroProbability", func(p *Params) { p.ZeroProbability = 0.2 }},
		{"ZeroProbability zero", func(p *Params) { p.ZeroProbability = 0 }},
	} {
		p := d
		tc.f(&p)
		got := mustNew(t, p).Fingerprint()
		if prev, dup := seen[got]; dup {
			t.Errorf("changing %s gives the same fingerprint %q as %s", tc.name, got, prev)
		}
		seen[got] = tc.name
	}
}

func TestParamsRoundTrip(t *testing.T) {
	for _, tc := range paramSets {
		if got := mustNew(t, tc.p).Params(); got != tc.p {
			t.Errorf("%s: Params() = %+v, want %+v", tc.name, got, tc.p)
		}
	}
}

// ExampleTable_Perturb publishes the count of a cell of seven people and of an
// empty cell.
func ExampleTable_Perturb() {
	table, err := New(DefaultParams())
	if err != nil {
		panic(err)
	}
	// Persistent record keys, uniform in [0, KeyModulus), stored with each person.
	recordKeys := []int64{1948372651, 20488211, 1337000042, 993193007, 2011223344, 5551212, 777777777}
	var sum int64
	for _, k := range recordKeys {
		sum += k
	}
	key := CellKey(sum)
	fmt.Printf("cell key %.6f: true 7, published %d\n", key, table.Perturb(len(recordKeys), key))

	// An empty cell has no record keys: derive its key from a secret.
	zeroKey := ZeroCellKey([]byte("release secret"), "population-by-age", "E01000001", "age 100+")
	fmt.Printf("cell key %.6f: true 0, published %d\n", zeroKey, table.Perturb(0, zeroKey))
	// Output:
	// cell key 0.303218: true 7, published 6
	// cell key 0.891295: true 0, published 0
}

func BenchmarkPerturb(b *testing.B) {
	table, err := New(DefaultParams())
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	keys := make([]float64, 1024)
	for i := range keys {
		keys[i] = CellKey(rng.Int64())
	}
	sink := 0
	for i := 0; b.Loop(); i++ {
		sink += table.Perturb(i&255, keys[i&1023])
	}
	_ = sink
}

// TestPossibleInvertsEveryRow: a true value is among the possible values of every value it can
// be published as, and nothing outside the returned range can give that value.
func TestPossibleInvertsEveryRow(t *testing.T) {
	table, err := New(DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	for value := range 60 {
		for _, tr := range table.Row(value) {
			lo, hi, ok := table.Possible(tr.Published)
			if !ok || value < lo || value > hi {
				t.Fatalf("%d can be published as %d, but Possible gives [%d, %d] (%v)", value, tr.Published, lo, hi, ok)
			}
		}
	}
	for published := range 50 {
		lo, hi, ok := table.Possible(published)
		if !ok {
			if published >= 1 && published < table.Params().Threshold {
				continue // never published
			}
			t.Fatalf("%d: no true value gives it", published)
		}
		for _, v := range []int{lo - 1, hi + 1} {
			if v < 0 {
				continue
			}
			for _, tr := range table.Row(v) {
				if tr.Published == published {
					t.Fatalf("%d gives %d, outside Possible's [%d, %d]", v, published, lo, hi)
				}
			}
		}
	}
	// The small counts' values: 0 could be any count from 0 to 5, 5 any from 0 to 10.
	if lo, hi, _ := table.Possible(0); lo != 0 || hi != 5 {
		t.Errorf("0: [%d, %d], want [0, 5]", lo, hi)
	}
	if lo, hi, _ := table.Possible(5); lo != 0 || hi != 10 {
		t.Errorf("5: [%d, %d], want [0, 10]", lo, hi)
	}
}
