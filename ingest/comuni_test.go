package ingest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/ingest/geocode"
	"github.com/abitare/abitare/ingest/source"
	"github.com/paulmach/orb"
)

// TestRecordsAreGeocodedWithinTheirComune: the same street and number in Modena and in Carpi;
// records without coordinates land on their own comune's point whichever way they write the
// comune (ISTAT code, code as a number, cadastral code, name), a comune outside the territory
// (by code, or by the name the boundary file gave it) is counted and not placed, and an unknown
// name is a located error.
func TestRecordsAreGeocodedWithinTheirComune(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	_, err := f.db.Pool.Exec(ctx, `UPDATE municipalities SET cadastral_code = 'F257' WHERE code = '036023';
		INSERT INTO municipalities (code, name, province_code, region_code, cadastral_code, geom) VALUES
		('036005', 'Carpi', '036', '08', 'B819', ST_Multi(ST_MakeEnvelope(10.85, 44.75, 10.92, 44.82, 4326)));
		INSERT INTO known_comuni (code, name, cadastral_code) VALUES ('036040', 'Sassuolo', 'I462')`)
	if err != nil {
		t.Fatal(err)
	}
	if f.loader.Area, err = ingest.LoadStudyArea(ctx, f.db.Pool); err != nil {
		t.Fatal(err)
	}
	modena, carpi := orb.Point{10.9251, 44.6461}, orb.Point{10.8851, 44.7841}
	f.loader.Register = geocode.NewRegister([]geocode.Point{
		{Municipality: "036023", StreetKey: "VIA ROMA", Number: geocode.HouseNumber{Number: 1}, Location: modena},
		{Municipality: "036005", StreetKey: "VIA ROMA", Number: geocode.HouseNumber{Number: 1}, Location: carpi},
	})
	work, _ := source.Lookup("employment_agency")
	head := "Codice Fiscale\tTipo evento\tData evento\tStato\tIndirizzo\tCivico\tComune di residenza\n"
	row := func(i int, comune string) string {
		return code(i) + "\tISCRIZIONE_CPI\t2025-02-01\tATTIVA\tVia Roma\t1\t" + comune + "\n"
	}
	file := head + row(1, "036023") + row(2, "36005") + row(3, "B819") + row(4, "Modena") + row(5, "CARPI") + row(6, "037006") + row(9, "Sassuolo")
	res, err := f.loader.Load(ctx, work, []string{f.write(t, "lavoro.tsv", file)})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].RowsGeocoded != 5 || res[0].RowsOutOfArea != 2 || res[0].RowsUnlocated != 0 || res[0].RowsAccepted != 7 {
		t.Fatalf("placed %+v", res[0])
	}
	rows, err := f.db.Pool.Query(ctx, `SELECT e.location_quality, coalesce(ST_X(e.geom), 0), coalesce(ST_Y(e.geom), 0)
		FROM events e ORDER BY e.id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var q string
		var p orb.Point
		if err := rows.Scan(&q, &p[0], &p[1]); err != nil {
			t.Fatal(err)
		}
		switch {
		case p == modena:
			q += "@modena"
		case p == carpi:
			q += "@carpi"
		}
		got = append(got, q)
	}
	want := "address_exact@modena address_exact@carpi address_exact@carpi address_exact@modena address_exact@carpi out_of_area out_of_area"
	if strings.Join(got, " ") != want {
		t.Fatalf("events placed\n got %s\nwant %s", strings.Join(got, " "), want)
	}

	before := f.state(t)
	_, err = f.loader.Load(ctx, work, []string{f.write(t, "lavoro2.tsv", head+row(7, "Modena")+row(8, "Modenna"))})
	if err == nil || !strings.Contains(err.Error(), `lavoro2.tsv:3:COMUNE:unknown comune "Modenna"`) {
		t.Fatalf("an unknown comune: %v", err)
	}
	if f.state(t) != before {
		t.Fatal("a rejected file changed the store")
	}
}
