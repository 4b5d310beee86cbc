package publish

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/abitare/abitare/geo/profile"
	"github.com/abitare/abitare/geo/territory"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/abitare/abitare/publish/dcat"
)

// storeComuni stores comuni (code, name, province) as small squares south of Modena.
func storeComuni(t *testing.T, db *testdb.DB, comuni ...[3]string) {
	t.Helper()
	for i, c := range comuni {
		x := 10.9 + 0.1*float64(i)
		wkt := "MULTIPOLYGON(((" + strings.Join([]string{
			ftoa(x) + " 44.6", ftoa(x+0.05) + " 44.6", ftoa(x+0.05) + " 44.65", ftoa(x) + " 44.65", ftoa(x) + " 44.6"}, ", ") + ")))"
		if _, err := db.Pool.Exec(context.Background(), `INSERT INTO municipalities (code, name, geom, province_code, province_name, region_code, region_name)
			VALUES ($1, $2, ST_GeomFromText($3, 4326), $4, 'Modena', '08', 'Emilia-Romagna')`, c[0], c[1], wkt, c[2]); err != nil {
			t.Fatal(err)
		}
	}
}

func ftoa(f float64) string { b, _ := json.Marshal(f); return string(b) }

// TestSiteAndCatalogOfATerritory: a territory of two comuni is named by both in site.json, and
// the DCAT catalog has one dct:Location per comune, named from the municipalities.
func TestSiteAndCatalogOfATerritory(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	storeComuni(t, db, [3]string{"036023", "Modena", "036"}, [3]string{"036005", "Carpi", "036"})
	dir := t.TempDir()
	area, err := studyArea(ctx, db.Pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(area) != 2 || area[0] != (dcat.Place{ISTATCode: "036005", Name: "Carpi"}) || area[1] != (dcat.Place{ISTATCode: "036023", Name: "Modena"}) {
		t.Fatalf("spatial coverage %+v", area)
	}
	opt := Options{License: DefaultLicense, BaseURL: "https://example.org/abitare/",
		Publisher: dcat.Publisher{Name: "Unione Terre", IPACode: "u_terre", Email: "dati@example.org", Homepage: "https://example.org/"}}
	rel := release{ID: 1, CreatedAt: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), Periods: []string{"2025"}}
	sum := Summary{Releases: []ReleaseFiles{{ID: 1, Path: releasePath(1), Periods: rel.Periods, Files: []File{{Path: "abitare.gpkg", Bytes: 10}}}}}
	if err := writeCatalog(ctx, db.Pool, dir, []profile.Release{rel}, sum, opt); err != nil {
		t.Fatal(err)
	}
	jsonld, err := os.ReadFile(filepath.Join(dir, "catalog.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"dct:identifier": "036005"`, `"locn:geographicName": "Carpi"`, `"dct:identifier": "036023"`} {
		if !strings.Contains(string(jsonld), want) {
			t.Errorf("catalog.jsonld lacks %s:\n%s", want, jsonld)
		}
	}
	if strings.Contains(string(jsonld), `"dct:identifier": "036"`) {
		t.Error("two comuni of a province are not the province")
	}

	// site.json names the territory, as GET /tiles/catalog.json does.
	d, err := describe(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeSite(dir, opt, &d); err != nil {
		t.Fatal(err)
	}
	var site struct {
		Territory struct {
			Kind, Name, NameEN string
			Bounds             [4]float64
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, SiteFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &site); err != nil {
		t.Fatal(err)
	}
	var raw map[string]map[string]any
	json.Unmarshal(b, &raw)
	if site.Territory.Name != "Carpi e Modena" || raw["territory"]["name_en"] != "Carpi and Modena" || site.Territory.Kind != "municipalities" ||
		site.Territory.Bounds[0] != 10.9 || site.Territory.Bounds[2] != 11.05 {
		t.Errorf("site.json territory: %s", b)
	}
}

func describe(ctx context.Context, db *testdb.DB) (territory.Description, error) {
	return territory.Describe(ctx, db.Pool)
}
