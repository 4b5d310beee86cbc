package idise_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/abitare/abitare/ingest/idise"
	"github.com/abitare/abitare/ingest/tabular"
	"github.com/abitare/abitare/postgres/testdb"
)

func TestSpearman(t *testing.T) {
	for _, c := range []struct {
		xs, ys []float64
		want   float64
	}{
		{[]float64{1, 2, 3, 4}, []float64{10, 20, 30, 1000}, 1},   // monotone, not linear
		{[]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, -1},        // reversed
		{[]float64{1, 2, 2, 3}, []float64{1, 2, 3, 4}, 0.9486833}, // a tie: ranks 1, 2.5, 2.5, 4
	} {
		if got := idise.Spearman(c.xs, c.ys); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("Spearman(%v, %v) = %v, want %v", c.xs, c.ys, got, c.want)
		}
	}
	if got := idise.Spearman([]float64{1, 1, 1}, []float64{1, 2, 3}); !math.IsNaN(got) {
		t.Errorf("no variation: %v, want NaN", got)
	}
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadIsAllOrNothingAndComparesWithAMPI(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	exec := func(sql string) {
		t.Helper()
		if _, err := db.Pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO census_sections (id, municipality_code, residents, synthetic, geom) VALUES
		('S1', '036023', 300, true, 'SRID=4326;MULTIPOLYGON(((10.9 44.6,10.91 44.6,10.91 44.61,10.9 44.6)))'),
		('S2', '036023', 300, true, 'SRID=4326;MULTIPOLYGON(((10.9 44.6,10.91 44.6,10.91 44.61,10.9 44.6)))'),
		('S3', '036023', 300, true, 'SRID=4326;MULTIPOLYGON(((10.9 44.6,10.91 44.6,10.91 44.61,10.9 44.6)))')`)
	exec(`INSERT INTO analysis_runs (id, kind, period, parameters) VALUES (1, 'composite', '2025', '{}')`)
	exec(`INSERT INTO area_composite (geography, area_id, period, ampi, imd, run_id) VALUES
		('section', 'S1', '2025', 95, 10, 1), ('section', 'S2', '2025', 101, 20, 1), ('section', 'S3', '2025', 110, 30, 1)`)

	good := write(t, "idise.csv", "SEZ21_ID;IDISE;AREA\nS1;97,5;A1\nS2;99,0;A1\nS3;104,2;A2\n")
	sum, err := idise.Load(ctx, db.Pool, good, tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sections != 3 || sum.Matched != 3 || sum.Period != "2025" || math.Abs(sum.Spearman-1) > 1e-9 {
		t.Fatalf("summary %+v, want 3 sections matched in 2025 with rank correlation 1", sum)
	}

	bad := write(t, "bad.csv", "SEZ21_ID;IDISE\nS1;98\nS9;100\nS2;abc\nS1;99\n")
	_, err = idise.Load(ctx, db.Pool, bad, tabular.Options{})
	if err == nil {
		t.Fatal("a file with unknown sections, a bad value and a repeat was accepted")
	}
	for _, want := range []string{"bad.csv:3", "SEZ21_ID", `"S9" is not a loaded census section`, "bad.csv:4", "IDISE", "bad.csv:5", "repeated from line 2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	var n int
	var v float64
	if err := db.Pool.QueryRow(ctx, `SELECT count(*), max(idise) FILTER (WHERE section_id = 'S1') FROM idise_sections`).Scan(&n, &v); err != nil || n != 3 || v != 97.5 {
		t.Fatalf("after the rejected file: %d rows, S1 = %v (%v); want the first load intact", n, v, err)
	}
}
