package tiles

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/abitare/abitare/geo/hexgrid"
)

func TestCheckTile(t *testing.T) {
	for _, c := range []struct {
		z, x, y int
		ok      bool
	}{
		{0, 0, 0, true}, {12, 2172, 1479, true}, {22, 1<<22 - 1, 0, true},
		{-1, 0, 0, false}, {23, 0, 0, false}, {3, 8, 0, false}, {3, 0, 8, false}, {3, -1, 0, false},
	} {
		err := CheckTile(c.z, c.x, c.y)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, ErrBadTile)) {
			t.Errorf("CheckTile(%d, %d, %d) = %v", c.z, c.x, c.y, err)
		}
	}
}

func TestCatalogIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range layers {
		if seen[l.ID] {
			t.Errorf("layer %s defined twice", l.ID)
		}
		seen[l.ID] = true
		if l.Title["it"] == "" || l.Title["en"] == "" || l.Attribution == "" || l.MinZoom > l.MaxZoom || l.MaxZoom > MaxArchiveZoom {
			t.Errorf("layer %s is incompletely described: %+v", l.ID, l)
		}
		if l.Public == nil && l.Restricted == nil {
			t.Errorf("layer %s has no source", l.ID)
		}
		for _, s := range []*Source{l.Public, l.Restricted} {
			if s == nil {
				continue
			}
			if s.Description == "" || len(s.Fields) == 0 || s.order == "" {
				t.Errorf("layer %s: source incompletely described", l.ID)
			}
			for _, f := range s.Columns() {
				if !regexp.MustCompile(`(AS |\.)` + f + `\b`).MatchString(s.features) {
					t.Errorf("layer %s: field %s is not selected by its features query", l.ID, f)
				}
			}
		}
	}
	restricted := Catalog(Restricted)
	if len(restricted) != len(layers) {
		t.Errorf("restricted catalog has %d of %d layers", len(restricted), len(layers))
	}
	for _, l := range Catalog(Public) {
		if l.ID == "hotspots" || l.ID == "hotspots_sections" {
			t.Errorf("the public catalog has %s", l.ID)
		}
	}
	if _, ok := Find(Public, "hotspots"); ok {
		t.Error("Find gives the public a restricted layer")
	}
}

// A public source must never read a table of true figures: a vector tile ships every attribute
// to the browser. (The database enforces it too: public tiles are rendered as abitare_public.)
func TestPublicSourcesReadOnlyProtectedTables(t *testing.T) {
	for _, l := range Catalog(Public) {
		sql := l.Public.featuresSQL(5)
		for _, table := range []string{"area_stats", "area_indicators", "area_overlap", "hotspots", "events", "people", "residents"} {
			if regexp.MustCompile(`(FROM|JOIN)\s+` + table + `\b`).MatchString(sql) {
				t.Errorf("public layer %s reads %s", l.ID, table)
			}
		}
	}
	for _, l := range Catalog(Restricted) {
		if l.Restricted == nil {
			continue
		}
		sql := strings.ReplaceAll(l.Restricted.features, latestPeriod, "")
		readsCounts := regexp.MustCompile(`(FROM|JOIN)\s+(area_stats|area_indicators)\b`).MatchString(sql)
		if readsCounts && !strings.Contains(sql, "published_count(") {
			t.Errorf("restricted layer %s reads counts without the small-count rule", l.ID)
		}
	}
}

// The zoom ranges of the hexagon layers follow the resolution the map picks for each zoom.
func TestZoomRangesFollowResolution(t *testing.T) {
	sql := zoomRange("r", hexgrid.ResolutionForZoom)
	for _, want := range []string{"WHEN 7 THEN 0", "WHEN 8 THEN 11", "WHEN 9 THEN 13", "WHEN 10 THEN 14", "WHEN 10 THEN 99", "WHEN 7 THEN 10", "WHEN 8 THEN 12"} {
		if !strings.Contains(sql, want) {
			t.Errorf("zoom range lacks %q: %s", want, sql)
		}
	}
	sql = zoomRange("r", hotspotResolution)
	if strings.Contains(sql, "WHEN 7") || !strings.Contains(sql, "WHEN 8 THEN 0") {
		t.Errorf("hotspot zoom range: %s", sql)
	}
}

func TestVersionNamesReleaseOrRendering(t *testing.T) {
	if v := (&Tileset{Audience: Public, ReleaseID: 12, ID: 40}).Version(); v != "r12" {
		t.Errorf("public version %q", v)
	}
	if v := (&Tileset{Audience: Restricted, ID: 40, RunID: 9}).Version(); v != "a40" {
		t.Errorf("restricted version %q", v)
	}
}
