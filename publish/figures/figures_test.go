package figures

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/profile"
	"github.com/jackc/pgx/v5/pgxpool"
)

func ptr[T any](v T) *T { return &v }

func TestBuildLaysOutEveryAreaInIndicatorOrder(t *testing.T) {
	fig := func(area, ind string, people *int, residents int, rate *float64, status string) profile.PublishedIndicator {
		return profile.PublishedIndicator{ID: area, Indicator: ind, People: people, Residents: residents, Rate: rate, Status: status, Release: 3}
	}
	figs := []profile.PublishedIndicator{
		fig("a", abitare.Housing, ptr(12), 1234, ptr(9.724473), abitare.Protected),
		fig("a", abitare.Poverty, nil, 1234, nil, abitare.Suppressed),
		fig("b", abitare.Housing, nil, 3, nil, abitare.Suppressed),
		fig("b", abitare.Poverty, nil, 3, nil, abitare.Suppressed),
	}
	city := []profile.PublishedIndicator{
		fig("036023", abitare.Poverty, ptr(900), 184000, ptr(4.8913), abitare.Protected),
		fig("036023", abitare.Housing, ptr(700), 184000, ptr(3.80434), abitare.Protected),
	}
	f, err := Build("h3_9", "2025-Q1", figs, city, map[string]string{"a": "Centro"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{abitare.Poverty, abitare.Housing}; !slices.Equal(f.Indicators, want) {
		t.Fatalf("indicators %v, want the vocabulary's order %v", f.Indicators, want)
	}
	if f.Release != 3 || f.City.Residents == nil || *f.City.Residents != 184000 || *f.City.Figures[0].Rate != 4.89 {
		t.Fatalf("city %+v of release %d", f.City, f.Release)
	}
	a := f.Areas["a"]
	if a.Name != "Centro" || *a.Residents != 1234 || a.Figures[0].People != nil || *a.Figures[1].Rate != 9.72 || *a.Figures[1].People != 12 {
		t.Fatalf("area a: %+v", a)
	}
	if b := f.Areas["b"]; b.Residents != nil || b.Name != "" {
		t.Fatalf("area b, every figure suppressed: %+v, want residents withheld", b)
	}
	b, _ := json.Marshal(f)
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	areas := back["areas"].(map[string]any)
	if _, named := areas["b"].(map[string]any)["name"]; named {
		t.Errorf("an area without a name has a name key: %s", b)
	}
	if got := areas["a"].(map[string]any)["figures"].([]any)[1]; !slices.Equal(got.([]any), []any{12.0, 9.72, abitare.Protected}) {
		t.Errorf("figure %v, want [people, rate, status]", got)
	}
	// A territory of two comuni: the sum of their protected counts, a figure suppressed in one
	// suppressed in the total.
	two := append(slices.Clone(city),
		fig("036005", abitare.Poverty, ptr(100), 16000, ptr(6.25), abitare.Protected),
		fig("036005", abitare.Housing, nil, 16000, nil, abitare.Suppressed))
	f2, err := Build("h3_9", "2025-Q1", figs, two, nil)
	if err != nil {
		t.Fatal(err)
	}
	pov, hou := f2.City.Figures[0], f2.City.Figures[1]
	if *f2.City.Residents != 200000 || *pov.People != 1000 || *pov.Rate != 5 || pov.Status != abitare.Protected {
		t.Errorf("territory of two comuni: %+v, poverty %+v", f2.City, pov)
	}
	if hou.People != nil || hou.Rate != nil || hou.Status != abitare.Suppressed {
		t.Errorf("housing suppressed in Carpi: territory %+v", hou)
	}
	if _, err := Build("h3_9", "2025-Q1", figs, nil, nil); err == nil {
		t.Error("a file without the municipality's figures")
	}
}

// TestReadMatchesThePublishedTable reads the demo city's figures (DATABASE_URL) and checks
// them against public_indicators and released_indicators queried directly.
func TestReadMatchesThePublishedTable(t *testing.T) {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		t.Skip("DATABASE_URL not set")
	}
	ctx := context.Background()
	db, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var release int64
	var period string
	if err := db.QueryRow(ctx, `SELECT release_id, min(period) FROM public_indicators WHERE period LIKE '%-Q%' GROUP BY 1`).Scan(&release, &period); err != nil {
		t.Skipf("no published figures in the database: %v", err)
	}
	for _, r := range []Reader{{DB: db}, {DB: db, Release: release}} {
		for _, g := range []string{"h3_9", "omi"} {
			f, err := r.Read(ctx, g, period)
			if err != nil {
				t.Fatal(err)
			}
			checkAgainstSQL(t, db, f, release)
		}
	}
	for _, bad := range [][2]string{{"h3_99", period}, {"h3_9", "2025-Q9"}, {"h3_9", "1999"}} {
		_, err := Reader{DB: db}.Read(ctx, bad[0], bad[1])
		if k := abitare.KindOf(err); k != abitare.Invalid && k != abitare.NotFound {
			t.Errorf("Read(%s, %s): %v (%s), want invalid or not found", bad[0], bad[1], err, k)
		}
	}
}

func checkAgainstSQL(t *testing.T, db *pgxpool.Pool, f File, release int64) {
	t.Helper()
	ctx := context.Background()
	var areas, named int
	if err := db.QueryRow(ctx, `SELECT count(DISTINCT area_id), count(DISTINCT o.code) FROM released_indicators i
		LEFT JOIN omi_zones o ON o.code = i.area_id AND i.geography = 'omi'
		WHERE release_id = $1 AND geography = $2 AND period = $3`, release, f.Geography, f.Period).Scan(&areas, &named); err != nil {
		t.Fatal(err)
	}
	if f.Release != release || len(f.Areas) != areas {
		t.Fatalf("%s %s: release %d with %d areas, want %d with %d", f.Geography, f.Period, f.Release, len(f.Areas), release, areas)
	}
	rows, err := db.Query(ctx, `SELECT area_id, indicator, people, residents, rate, status FROM released_indicators
		WHERE release_id = $1 AND geography IN ($2, 'municipality') AND period = $3`, release, f.Geography, f.Period)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id, ind, status string
		var people *int
		var residents int
		var rate *float64
		if err := rows.Scan(&id, &ind, &people, &residents, &rate, &status); err != nil {
			t.Fatal(err)
		}
		a, ok := f.Areas[id]
		if !ok {
			a = f.City
		}
		got := a.Figures[slices.Index(f.Indicators, ind)]
		if got.Status != status || (people == nil) != (got.People == nil) || (people != nil && *people != *got.People) ||
			(rate == nil) != (got.Rate == nil) || (rate != nil && math.Abs(*rate-*got.Rate) > 0.005) {
			t.Fatalf("%s %s: %+v, want %v %v %s", id, ind, got, people, rate, status)
		}
		if a.Residents != nil && *a.Residents != residents {
			t.Fatalf("%s: residents %d, want %d", id, *a.Residents, residents)
		}
		if ok && f.Geography == "omi" && a.Name == "" {
			t.Fatalf("OMI zone %s without its name", id)
		}
		n++
	}
	if n < len(f.Areas) {
		t.Fatalf("%d figures read back for %d areas", n, len(f.Areas))
	}
}
