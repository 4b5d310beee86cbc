package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/tiles"
	"github.com/prometheus/client_golang/prometheus"
)

// versionedTilePattern is the route of a versioned tile, as the metrics name it.
const versionedTilePattern = "/tiles/{layer}/{version}/{z}/{x}/{y}.mvt"

// publicTiles answers the bulk of a public map's traffic, versioned public tiles asked for
// without credentials, before the router and its middleware: such a request needs no identity,
// no permission beyond what everyone has, no audit and no log line, and the tile is in memory.
// Anything else, including every error, takes the ordinary path, which answers it in full.
func (s *Server) publicTiles(next http.Handler) http.Handler {
	observe := map[int]prometheus.Observer{}
	for _, code := range []int{http.StatusOK, http.StatusNoContent, http.StatusNotModified} {
		observe[code] = s.metrics.duration.WithLabelValues(versionedTilePattern, http.MethodGet, strconv.Itoa(code))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if r.Method != http.MethodGet || r.Header["Authorization"] != nil || r.Header["Cookie"] != nil {
			next.ServeHTTP(w, r)
			return
		}
		layer, version, z, x, y, ok := parseVersionedTile(r.URL.Path)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		served, err := s.backends[auth.Public].Tiles.Version(version)
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		tile, err := served.Tile(layer, z, x, y)
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		w.Header()["X-Content-Type-Options"] = hdrNosniff
		code := s.sendTile(w, r, tile, tiles.Public, hdrImmutable)
		if o, ok := observe[code]; ok {
			o.Observe(time.Since(start).Seconds())
		}
	})
}

// parseVersionedTile reads /tiles/{layer}/{version}/{z}/{x}/{y}.mvt.
func parseVersionedTile(path string) (layer, version string, z, x, y int, ok bool) {
	rest, found := strings.CutPrefix(path, "/tiles/")
	if !found {
		return
	}
	rest, found = strings.CutSuffix(rest, ".mvt")
	if !found {
		return
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 5 || parts[0] == "" || parts[1] == "" {
		return
	}
	var err error
	if z, err = strconv.Atoi(parts[2]); err != nil {
		return
	}
	if x, err = strconv.Atoi(parts[3]); err != nil {
		return
	}
	if y, err = strconv.Atoi(parts[4]); err != nil {
		return
	}
	return parts[0], parts[1], z, x, y, true
}
