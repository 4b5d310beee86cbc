package zones

import (
	"errors"
	"strings"
	"testing"
)

func TestReadSectionsAcceptsISTATLayout(t *testing.T) {
	const fc = `{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"SEZ21_ID":"360230000001","PRO_COM":36023,"P1":212,"PF1":98},
	  "geometry":{"type":"Polygon","coordinates":[[[10.92,44.64],[10.93,44.64],[10.93,44.65],[10.92,44.64]]]}},
	 {"type":"Feature","properties":{"SEZ2011":"360230000002","PRO_COM_T":"036023","POP21":0},
	  "geometry":{"type":"MultiPolygon","coordinates":[[[[10.92,44.64],[10.93,44.64],[10.93,44.63],[10.92,44.64]]]]}}]}`
	secs, err := ReadSections(strings.NewReader(fc), "s.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 2 || secs[0].ID != "360230000001" || secs[0].MunicipalityCode != "036023" || secs[0].Residents != 212 ||
		secs[0].Households == nil || *secs[0].Households != 98 || secs[1].Households != nil || secs[1].MunicipalityCode != "036023" {
		t.Fatalf("parsed %+v", secs)
	}
}

func TestReadSectionsReportsEveryProblem(t *testing.T) {
	const fc = `{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"SEZ21_ID":"1","PRO_COM":36023,"P1":-3},
	  "geometry":{"type":"Polygon","coordinates":[[[654000,4945000],[655000,4945000],[655000,4946000],[654000,4945000]]]}},
	 {"type":"Feature","properties":{"SEZ21_ID":"1","P1":10},
	  "geometry":{"type":"Point","coordinates":[10.9,44.6]}}]}`
	_, err := ReadSections(strings.NewReader(fc), "s.geojson")
	var inv *InvalidSectionsError
	if !errors.As(err, &inv) {
		t.Fatalf("want InvalidSectionsError, got %v", err)
	}
	for _, want := range []string{
		`s.geojson:feature 1:P1:"-3" is not a count`,
		"s.geojson:feature 1:geometry:coordinates",
		"EPSG:4326",
		"s.geojson:feature 2:PRO_COM:missing municipality code",
		"s.geojson:feature 2:geometry:want a Polygon or MultiPolygon, got Point",
		"s.geojson:feature 2:SEZ21_ID:section 1 repeats feature 1",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("report lacks %q:\n%v", want, err)
		}
	}
}

func TestReadSectionsRefusesNonGeoJSON(t *testing.T) {
	for _, in := range []string{"", "SEZ21_ID;P1\n1;2\n", `{"type":"FeatureCollection","features":[]}`} {
		if _, err := ReadSections(strings.NewReader(in), "x"); err == nil {
			t.Errorf("accepted %q", in)
		}
	}
}

func FuzzReadSections(f *testing.F) {
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"SEZ21_ID":"1","PRO_COM":36023,"P1":5},"geometry":{"type":"Polygon","coordinates":[[[10.9,44.6],[10.91,44.6],[10.91,44.61],[10.9,44.6]]]}}]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"P1":"x"},"geometry":null}]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, in string) {
		secs, err := ReadSections(strings.NewReader(in), "f.geojson")
		if err == nil && len(secs) == 0 {
			t.Fatal("no error and no sections")
		}
	})
}
