package tiles

import (
	"errors"
	"strings"
	"testing"
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

func TestCatalogLayersAreComplete(t *testing.T) {
	for name, layers := range map[string][]Layer{"public": PublicLayers(), "restricted": RestrictedLayers()} {
		t.Run(name, func(t *testing.T) { checkCatalog(t, layers) })
	}
	if _, err := NewTiler(nil, RestrictedLayers(), 0); err == nil {
		t.Error("threshold 0 accepted")
	}
	if _, err := NewTiler(nil, append(RestrictedLayers(), RestrictedLayers()[0]), 5); err == nil {
		t.Error("duplicate layer accepted")
	}
}

// A public layer must never read a table of true figures: a vector tile ships every
// attribute to the browser.
func TestPublicLayersReadOnlyProtectedTables(t *testing.T) {
	for _, l := range PublicLayers() {
		if !l.Public {
			t.Errorf("layer %s of the public catalog is not marked public", l.ID)
		}
		sql, _ := l.query(12, 5)
		for _, table := range []string{"area_stats", "area_indicators", "area_overlap", "hotspots", "events", "people", "residents"} {
			if strings.Contains(sql, " "+table+" ") || strings.Contains(sql, " "+table+"\n") {
				t.Errorf("public layer %s reads %s", l.ID, table)
			}
		}
	}
	for _, l := range RestrictedLayers() {
		sql, _ := l.query(12, 5)
		if l.Public && (strings.Contains(sql, "area_indicators") || strings.Contains(sql, "area_stats")) {
			t.Errorf("restricted layer %s is marked public but reads true figures", l.ID)
		}
	}
}

func checkCatalog(t *testing.T, layers []Layer) {
	tiler, err := NewTiler(nil, layers, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range tiler.Layers() {
		sql, _ := l.query(12, 5)
		if !strings.Contains(sql, "ST_AsMVT(t, '"+l.ID+"'") {
			t.Errorf("layer %s does not name its MVT layer after itself", l.ID)
		}
		if l.Title["it"] == "" || l.Title["en"] == "" || l.Attribution == "" || len(l.Fields) == 0 || l.MinZoom > l.MaxZoom {
			t.Errorf("layer %s is incompletely described: %+v", l.ID, l)
		}
	}
	if _, err := tiler.Layer("nope"); !errors.Is(err, ErrUnknownLayer) {
		t.Errorf("unknown layer: %v", err)
	}
}
