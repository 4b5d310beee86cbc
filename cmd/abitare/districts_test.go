package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/abitare/abitare/postgres/testdb"
)

// abitare districts load replaces Modena's bundled OMI zones with a GeoPOI KML export, ids
// carrying the comune; a bad file is refused with a located error and nothing stored.
func TestDistrictsLoadCommand(t *testing.T) {
	db := testdb.New(t)
	c := newCLI(t, db.URL)
	c.must("zones")
	var lon, lat float64
	if err := db.Pool.QueryRow(context.Background(), `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM municipalities WHERE code = '036023') m`).Scan(&lon, &lat); err != nil {
		t.Fatal(err)
	}
	// the whole comune and then some: clipped to it
	ring := "10.7,44.5 11.1,44.5 11.1,44.8 10.7,44.8 10.7,44.5"
	kml := func(name, code string) string {
		p := filepath.Join(t.TempDir(), name)
		doc := `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>
<Placemark><name>` + code + `</name><description><![CDATA[<b>Zona</b> ` + code + `<br>Descrizione: TUTTO IL COMUNE]]></description>
<Polygon><outerBoundaryIs><LinearRing><coordinates>` + ring + `</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Folder></Document></kml>`
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	out := c.must("districts", "load", kml("modena.kml", "E9"), "--municipality", "036023")
	if !strings.Contains(out, "districts of 036023 Modena: 1 omi from modena.kml") {
		t.Errorf("output %q", out)
	}
	var code, zone, desc string
	var n int
	if err := db.Pool.QueryRow(context.Background(), `SELECT code, zone, description, (SELECT count(*) FROM omi_zones) FROM omi_zones`).Scan(&code, &zone, &desc, &n); err != nil {
		t.Fatal(err)
	}
	if code != "036023/E9" || zone != "E9" || desc != "TUTTO IL COMUNE" || n != 1 {
		t.Errorf("stored %s %s %q, %d districts", code, zone, desc, n)
	}
	if _, err := c.run("districts", "load", kml("bad.kml", "Z1"), "--municipality", "036023"); err == nil ||
		!strings.Contains(err.Error(), `bad.kml: placemark 1 "Z1": name: OMI zone code "Z1"`) {
		t.Errorf("bad file: %v", err)
	}
	if _, err := c.run("districts", "load", kml("altrove.kml", "B1"), "--municipality", "036005"); err == nil ||
		!strings.Contains(err.Error(), "036005 is not in the territory") {
		t.Errorf("comune outside the territory: %v", err)
	}
	if err := db.Pool.QueryRow(context.Background(), `SELECT string_agg(code, ',') FROM omi_zones`).Scan(&code); err != nil || code != "036023/E9" {
		t.Errorf("after refused loads: %q %v", code, err)
	}
}
