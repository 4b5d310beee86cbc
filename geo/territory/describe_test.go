package territory

import (
	"context"
	"testing"

	"github.com/abitare/abitare/postgres/testdb"
)

// TestDescribeNamesTheTerritory: one comune by its name, two listed, more of one province after
// the province, of several provinces of one region after the region.
func TestDescribeNamesTheTerritory(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	d, err := Describe(ctx, db.Pool)
	if err != nil || d.Kind != KindNone || d.Name != "" {
		t.Fatalf("empty territory: %+v, %v", d, err)
	}
	store := func(comuni []testComune) Description {
		t.Helper()
		f, err := ReadFile(writeGeoJSON(t, comuni, map[string]any{"DEN_UTS": "Modena", "DEN_REG": "Emilia-Romagna"}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Store(ctx, db.Pool, f, nil); err != nil {
			t.Fatal(err)
		}
		d, err := Describe(ctx, db.Pool)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	two := store(threeComuni[:2])
	if two.Kind != KindMunicipalities || two.Name != "Carpi e Modena" || two.NameEN != "Carpi and Modena" ||
		len(two.Places) != 2 || two.Places[0].Code != "036005" || len(two.Municipalities) != 2 {
		t.Errorf("two comuni: %+v", two)
	}
	// The extent holds both squares (Carpi north-west of Modena).
	if !(two.Bounds[0] < two.Bounds[2] && two.Bounds[1] < two.Bounds[3]) || two.Bounds[0] > 10.9 || two.Bounds[3] < 44.7 {
		t.Errorf("bounds %v", two.Bounds)
	}
	one := store(threeComuni[:1])
	if one.Kind != KindMunicipality || one.Name != "Modena" || len(one.Places) != 1 || one.Places[0].Code != "036023" {
		t.Errorf("one comune: %+v", one)
	}
	province := store(append(threeComuni[:2:2],
		testComune{"036013", "Formigine", "36", "8", 640000, 4925000, 4}, testComune{"036040", "Soliera", "36", "8", 660000, 4955000, 4}))
	if province.Kind != KindProvince || province.Name != "Provincia di Modena" || province.NameEN != "Province of Modena" ||
		len(province.Places) != 1 || province.Places[0] != (Place{Kind: KindProvince, Code: "036", Name: "Modena"}) || len(province.Municipalities) != 4 {
		t.Errorf("four comuni of one province: %+v", province)
	}
	region := store(append(province.asTest(), threeComuni[2]))
	if region.Kind != KindRegion || region.Name != "Regione Emilia-Romagna" || region.Places[0].Code != "08" {
		t.Errorf("five comuni of two provinces: %+v", region)
	}
}

// asTest is the description's comuni as the test's squares (those of threeComuni and the two
// added), to add another.
func (d Description) asTest() []testComune {
	all := append(threeComuni[:2:2],
		testComune{"036013", "Formigine", "36", "8", 640000, 4925000, 4}, testComune{"036040", "Soliera", "36", "8", 660000, 4955000, 4})
	var out []testComune
	for _, m := range d.Municipalities {
		for _, c := range all {
			if c.code == m.Code {
				out = append(out, c)
			}
		}
	}
	return out
}
