package web

import "testing"

func TestParseVersionedTile(t *testing.T) {
	for path, ok := range map[string]bool{
		"/tiles/indicators/r3/12/2172/1479.mvt":   true,
		"/tiles/indicators/12/2172/1479.mvt":      false, // the latest, not a version
		"/tiles/indicators/r3/12/2172/1479.pbf":   false,
		"/tiles//r3/12/2172/1479.mvt":             false,
		"/tiles/indicators/r3/z/2172/1479.mvt":    false,
		"/api/indicators/r3/12/2172/1479.mvt":     false,
		"/tiles/indicators/r3/12/2172/1479/x.mvt": false,
	} {
		layer, version, z, x, y, got := parseVersionedTile(path)
		if got != ok {
			t.Errorf("%s: ok %v", path, got)
		}
		if ok && (layer != "indicators" || version != "r3" || z != 12 || x != 2172 || y != 1479) {
			t.Errorf("%s: %s %s %d/%d/%d", path, layer, version, z, x, y)
		}
	}
}

func TestLoopbackOnly(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:8080": true, "localhost:8080": true, "127.0.0.2:80": true,
		"0.0.0.0:8080": false, ":8080": false, "10.0.0.5:8080": false, "[::]:8080": false, "nonsense": false,
	} {
		if got := loopbackOnly(addr); got != want {
			t.Errorf("loopbackOnly(%q) = %v", addr, got)
		}
	}
}
