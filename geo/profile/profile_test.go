package profile_test

import (
	"context"
	"errors"
	"testing"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/profile"
	"github.com/abitare/abitare/postgres/testdb"
)

// fixture stores an area's indicators for 2025 and 2024 and marks figures withheld.
type fixture struct {
	t  *testing.T
	db *testdb.DB
}

func (f fixture) indicator(geography, area, period, indicator string, people int, residents float64) {
	f.t.Helper()
	rate := 1000 * float64(people) / residents
	if _, err := f.db.Pool.Exec(context.Background(), `INSERT INTO area_indicators
		(geography, area_id, period, indicator, people, residents, rate, ci_low, ci_high, eb_rate, unstable)
		VALUES ($1, $2, $3, $4, $5, $6, $7::float8, $7::float8 * 0.8, $7::float8 * 1.2, $7::float8, false)`, geography, area, period, indicator, people, residents, rate); err != nil {
		f.t.Fatal(err)
	}
}

func (f fixture) withhold(geography, area, period, figure string) {
	f.t.Helper()
	if _, err := f.db.Pool.Exec(context.Background(), `INSERT INTO withheld_figures (geography, area_id, period, figure, secondary)
		VALUES ($1, $2, $3, $4, true)`, geography, area, period, figure); err != nil {
		f.t.Fatal(err)
	}
}

func byIndicator(a profile.Area) map[string]profile.Indicator {
	out := map[string]profile.Indicator{}
	for _, ind := range a.Indicators {
		out[ind.Indicator] = ind
	}
	return out
}

func TestAreaWithholdsSmallAndProtectingCounts(t *testing.T) {
	db := testdb.New(t)
	f := fixture{t, db}
	for _, ind := range abitare.Indicators {
		f.indicator("section", "S1", "2025", ind, 40, 2000)
		f.indicator("section", "S1", "2024", ind, 30, 2000)
	}
	f.indicator("section", "S2", "2025", "poverty", 3, 500) // small
	f.indicator("section", "S2", "2025", "housing", 12, 500)
	f.withhold("section", "S1", "2025", "housing") // protecting a small count elsewhere
	f.indicator("section", "S3", "2025", "housing", 150, 2000)
	f.withhold("section", "S3", "2025", "housing") // the highest rate, withheld
	f.withhold("section", "S1", "2024", "health")  // last year's count protected: no change shown

	r := &profile.Reader{DB: db.Pool, MinCount: 5}
	ctx := context.Background()
	a, err := r.Area(ctx, "section", "S1", "2025")
	if err != nil {
		t.Fatal(err)
	}
	got := byIndicator(a)
	if p := got["poverty"]; p.Status != abitare.Shown || p.People == nil || *p.People != 40 || p.PreviousRate == nil || p.Change == nil {
		t.Fatalf("poverty: %+v, want 40 people published with last year's rate and the change", p)
	}
	if h := got["housing"]; h.Status != abitare.Withheld || h.People != nil || h.Rate != nil || h.CILow != nil || h.EBRate != nil {
		t.Fatalf("housing: %+v, want withheld with no figure built on it", h)
	}
	if h := got["health"]; h.Status != abitare.Shown || h.PreviousRate != nil || h.Change != nil {
		t.Fatalf("health: %+v, want this year's figures without last year's protected rate", h)
	}
	if a.Overlap != nil {
		t.Fatalf("a section shows combinations of domains: %+v", a.Overlap)
	}

	b, err := r.Area(ctx, "section", "S2", "2025")
	if err != nil {
		t.Fatal(err)
	}
	if p := byIndicator(b)["poverty"]; p.Status != abitare.Withheld || p.People != nil {
		t.Fatalf("S2 poverty (3 people): %+v, want withheld", p)
	}

	ranking, err := r.Ranking(ctx, "section", "housing", "2025", 10)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, k := range ranking {
		order = append(order, k.ID)
		if k.ID == "S1" && (k.Status != abitare.Withheld || k.People != nil || k.EBRate != nil) {
			t.Fatalf("ranking shows S1's protected housing count: %+v", k)
		}
		if k.ID == "S2" && (k.Status != abitare.Shown || k.People == nil || *k.People != 12) {
			t.Fatalf("ranking: S2 %+v, want 12 published", k)
		}
	}
	if len(order) != 3 || order[0] != "S2" {
		t.Fatalf("ranking %v: want the shown S2 first, the withheld S1 and S3 (whatever their rates) after", order)
	}
}

func TestAreaErrorsHaveKinds(t *testing.T) {
	db := testdb.New(t)
	r := &profile.Reader{DB: db.Pool, MinCount: 5}
	ctx := context.Background()
	_, err := r.Area(ctx, "section", "nowhere", "2025")
	if abitare.KindOf(err) != abitare.NotFound || !errors.Is(err, profile.ErrNotFound) {
		t.Fatalf("unknown area: %v (%s), want not_found", err, abitare.KindOf(err))
	}
	if _, err := r.Area(ctx, "county", "x", "2025"); abitare.KindOf(err) != abitare.Invalid {
		t.Fatalf("unknown geography: %v, want invalid", err)
	}
	if _, err := r.Ranking(ctx, "section", "wealth", "2025", 10); abitare.KindOf(err) != abitare.Invalid {
		t.Fatalf("unknown indicator: %v, want invalid", err)
	}
}

func TestCompareRanksShownAreasAndAddsTheCity(t *testing.T) {
	db := testdb.New(t)
	f := fixture{t, db}
	for _, ind := range abitare.Indicators {
		f.indicator("municipality", "036023", "2025", ind, 900, 180000)
		f.indicator("section", "S1", "2025", ind, 40, 2000) // 20 per 1,000
		f.indicator("section", "S2", "2025", ind, 60, 2000) // 30
		f.indicator("section", "S3", "2025", ind, 80, 2000) // 40
	}
	f.indicator("section", "S4", "2025", "housing", 3, 100) // small: no place in the order
	f.withhold("section", "S3", "2025", "housing")          // withheld: no place either
	r := &profile.Reader{DB: db.Pool, MinCount: 5}
	ctx := context.Background()

	c, err := r.Compare(ctx, "section", []string{"S1", "S3"}, "2025")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Areas) != 2 || c.Areas[0].ID != "S1" || c.Areas[1].ID != "S3" || c.City.ID != "036023" {
		t.Fatalf("areas %v, city %q: want S1, S3 and the city 036023", c.Areas, c.City.ID)
	}
	if got := c.Areas[0].Ranks["poverty"]; got == nil || got.Rank != 3 || got.Of != 3 {
		t.Fatalf("S1 poverty rank %+v, want 3 of 3", got)
	}
	if got := c.Areas[1].Ranks["poverty"]; got == nil || got.Rank != 1 {
		t.Fatalf("S3 poverty rank %+v, want 1", got)
	}
	// Housing: S3 withheld and S4 small leave S1 and S2 in the order.
	if got := c.Areas[0].Ranks["housing"]; got == nil || got.Rank != 2 || got.Of != 2 {
		t.Fatalf("S1 housing rank %+v, want 2 of 2", got)
	}
	if got := c.Areas[1].Ranks["housing"]; got != nil {
		t.Fatalf("withheld S3 housing has rank %+v", got)
	}
	if byIndicator(c.Areas[1].Area)["housing"].People != nil {
		t.Fatal("S3's withheld housing count is shown in the comparison")
	}
	if rate := byIndicator(c.City)["poverty"].Rate; rate == nil || *rate != 5 {
		t.Fatalf("city poverty rate %v, want 5", rate)
	}

	for _, bad := range []struct {
		geography string
		ids       []string
		period    string
	}{
		{"section", nil, "2025"},
		{"section", []string{"S1", "S2", "S3", "S4", "S5"}, "2025"},
		{"section", []string{"S1", "S1"}, "2025"},
		{"section", []string{"S1", " "}, "2025"},
		{"municipality", []string{"036023"}, "2025"},
		{"parish", []string{"S1"}, "2025"},
		{"section", []string{"S1"}, "last year"},
	} {
		if _, err := r.Compare(ctx, bad.geography, bad.ids, bad.period); !errors.Is(err, profile.ErrBadRequest) {
			t.Errorf("Compare(%q, %q, %q): %v, want a bad request", bad.geography, bad.ids, bad.period, err)
		}
	}
	if _, err := r.Compare(ctx, "section", []string{"S1", "S9"}, "2025"); !errors.Is(err, profile.ErrNotFound) {
		t.Errorf("an unknown area: %v, want not found", err)
	}
}

func TestAreaCarriesTheSectionsIDISE(t *testing.T) {
	db := testdb.New(t)
	f := fixture{t, db}
	for _, ind := range abitare.Indicators {
		f.indicator("section", "S1", "2025", ind, 40, 2000)
		f.indicator("section", "S2", "2025", ind, 40, 2000)
	}
	if _, err := db.Pool.Exec(context.Background(), `INSERT INTO idise_sections (section_id, area, idise, source_file) VALUES ('S1', 'A7', 104.2, 'idise.csv')`); err != nil {
		t.Fatal(err)
	}
	r := &profile.Reader{DB: db.Pool, MinCount: 5}
	a, err := r.Area(context.Background(), "section", "S1", "2025")
	if err != nil {
		t.Fatal(err)
	}
	if a.IDISE == nil || a.IDISE.Value != 104.2 || a.IDISE.Area == nil || *a.IDISE.Area != "A7" {
		t.Fatalf("S1's IDISE %+v, want 104.2 in area A7", a.IDISE)
	}
	if b, err := r.Area(context.Background(), "section", "S2", "2025"); err != nil || b.IDISE != nil {
		t.Fatalf("S2 without IDISE: %+v, %v", b.IDISE, err)
	}
}
