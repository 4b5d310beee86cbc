package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/geo/territory"
	"github.com/abitare/abitare/tiles"
	"github.com/go-chi/chi/v5"
)

// Tiles are served from the archives in memory (tiles.Library). A versioned URL names the
// release or rendering, so its bytes never change: public tiles are cached for a year by
// browsers and CDNs, restricted ones only by the user's browser. The unversioned URL serves
// the latest tileset, cached for a minute.

const (
	immutable  = "public, max-age=31536000, immutable"
	latestOnly = "public, max-age=60"
	privately  = "private, max-age=3600"
)

// Header values of every tile answer, built once: a map reads tiles by the hundred, and
// Header.Set would canonicalise the name and allocate the value each time.
var (
	hdrImmutable  = []string{immutable}
	hdrLatestOnly = []string{latestOnly}
	hdrPrivately  = []string{privately}
	hdrTileVary   = []string{"Accept-Encoding, Authorization, Cookie"}
	hdrMVT        = []string{"application/vnd.mapbox-vector-tile"}
	hdrGzip       = []string{"gzip"}
	hdrNosniff    = []string{"nosniff"}
)

type catalogEntry struct {
	ID          string            `json:"id"`
	Title       map[string]string `json:"title"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	TileJSON    string            `json:"tilejson"`
	// Source is the TileJSON itself, so that a map needs no request per layer.
	Source *tiles.TileJSON `json:"source,omitempty"`
}

// tileCatalog lists the layers of the request's audience, with the version served.
func (s *Server) tileCatalog(r *http.Request) map[string]any {
	base := s.baseURL(r)
	lib := s.backend(r).Tiles
	entries := []catalogEntry{}
	for _, l := range tiles.Catalog(lib.Audience) {
		e := catalogEntry{
			ID: l.ID, Title: l.Title, Description: l.Source(lib.Audience).Description, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom,
			TileJSON: base + "/tiles/" + l.ID + ".json",
		}
		if served := s.tileLibrary(r, l.ID).Latest(); served != nil {
			if tj, err := served.TileJSON(l.ID, base); err == nil {
				e.Source = &tj
			}
		}
		entries = append(entries, e)
	}
	out := map[string]any{"layers": entries}
	if latest := lib.Latest(); latest != nil {
		out["tileset"] = latest.Version
	}
	if area := s.territory(r); area != nil {
		out["territory"] = area
	}
	return out
}

// territory names the study area for the map (titles, first view), or nil when it cannot be
// read: the map then says "Abitare" and frames the layers' bounds.
func (s *Server) territory(r *http.Request) *territory.Description {
	b := s.backend(r)
	if b == nil || b.DB == nil {
		return nil
	}
	d, err := territory.Describe(r.Context(), b.DB)
	if err != nil {
		s.logger.Warn("read the territory", "err", err)
		return nil
	}
	return &d
}

func (s *Server) catalog(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", s.cacheLatest(r))
	writeJSON(w, s.tileCatalog(r))
}

// cacheLatest is how long an answer naming the latest tileset may be kept.
func (s *Server) cacheLatest(r *http.Request) string {
	if restricted(r) {
		return "private, no-cache"
	}
	return latestOnly
}

func (s *Server) tileJSON(w http.ResponseWriter, r *http.Request) {
	served, ok := s.servedTileset(w, r, "", chi.URLParam(r, "layer"))
	if !ok {
		return
	}
	tj, err := served.TileJSON(chi.URLParam(r, "layer"), s.baseURL(r))
	if err != nil {
		s.tileLayerError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", s.cacheLatest(r))
	writeJSON(w, tj)
}

func (s *Server) latestTile(w http.ResponseWriter, r *http.Request) { s.serveTile(w, r, "") }

func (s *Server) versionedTile(w http.ResponseWriter, r *http.Request) {
	s.serveTile(w, r, chi.URLParam(r, "version"))
}

// serveTile answers one tile from memory. Restricted tiles are audited once per user, layer,
// tileset and hour, before the first of them leaves.
func (s *Server) serveTile(w http.ResponseWriter, r *http.Request, version string) {
	z, x, y, err := tileCoords(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	layer := chi.URLParam(r, "layer")
	served, ok := s.servedTileset(w, r, version, layer)
	if !ok {
		return
	}
	tile, err := served.Tile(layer, z, x, y)
	if err != nil {
		s.tileLayerError(w, r, err)
		return
	}
	caching := hdrLatestOnly
	switch {
	case served.Tileset.Audience == tiles.Restricted:
		if err := s.tileAudit.record(r.Context(), s.backend(r).DB, auth.FromContext(r.Context()), clientOf(r), layer, served.Version); err != nil {
			s.logger.Error("audit trail not written: tiles refused", "err", err, "layer", layer)
			writeError(w, http.StatusServiceUnavailable, "the access cannot be recorded, so it is refused")
			return
		}
		caching = hdrPrivately
	case version != "":
		caching = hdrImmutable
	}
	s.sendTile(w, r, tile, served.Tileset.Audience, caching)
}

// sendTile answers a tile found (204 when empty) with its caching, and counts it.
func (s *Server) sendTile(w http.ResponseWriter, r *http.Request, tile tiles.Tile, audience tiles.Audience, caching []string) int {
	h := w.Header()
	h["Cache-Control"] = caching
	h["Vary"] = hdrTileVary
	code := http.StatusNoContent
	if tile.Gzipped == nil {
		w.WriteHeader(code)
	} else {
		code = writeTile(w, r, tile)
	}
	s.metrics.tileServed(string(audience), code)
	return code
}

// writeTile sends the stored gzip bytes to clients that accept gzip, and decompresses for the
// rest. Each representation has its own strong entity tag.
func writeTile(w http.ResponseWriter, r *http.Request, tile tiles.Tile) (status int) {
	gz := acceptsGzip(r)
	etag := `"` + tile.ETag + `"`
	if !gz {
		etag = `"` + tile.ETag + `-identity"`
	}
	h := w.Header()
	h["Etag"] = []string{etag}
	h["Content-Type"] = hdrMVT
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	body := tile.Gzipped
	if gz {
		h["Content-Encoding"] = hdrGzip
	} else {
		plain, err := gunzip(body)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "corrupt tile")
			return http.StatusInternalServerError
		}
		body = plain
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	_, _ = w.Write(body)
	return http.StatusOK
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		return q > 0
	}
	return false
}

func etagMatches(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		c := strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if c == etag || c == "*" {
			return true
		}
	}
	return false
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// tileLibrary is the library that holds a layer for the request's role: the role's own, or the
// public one for the layers the restricted roles see as the public does.
func (s *Server) tileLibrary(r *http.Request, layer string) *tiles.Library {
	lib := s.backend(r).Tiles
	if l, ok := tiles.Find(lib.Audience, layer); ok && l.OwnTileset(lib.Audience) != lib.Audience {
		return s.backends[auth.Public].Tiles
	}
	return lib
}

// servedTileset finds the tileset of a layer a request names (the latest for ""), answering
// the error. A release's public tiles are everyone's: roles that read restricted tiles get
// them too.
func (s *Server) servedTileset(w http.ResponseWriter, r *http.Request, version, layer string) (*tiles.Served, bool) {
	lib := s.tileLibrary(r, layer)
	served, err := lib.Version(version)
	if errors.Is(err, tiles.ErrUnknownVersion) && lib.Audience == tiles.Restricted {
		if public, perr := s.backends[auth.Public].Tiles.Version(version); perr == nil {
			served, err = public, nil
		}
	}
	switch {
	case err == nil:
		return served, true
	case errors.Is(err, tiles.ErrNotRendered):
		w.Header().Set("Retry-After", "30")
		writeError(w, http.StatusServiceUnavailable, "no tiles yet: run abitare aggregate and abitare release")
	case errors.Is(err, tiles.ErrUnknownVersion):
		s.tileLayerError(w, r, err)
	default:
		s.fail(w, r, err)
	}
	return nil, false
}

// tileLayerError answers a layer, version or tile error. A layer that only the restricted
// catalog has is refused as such (401 or 403) rather than reported unknown.
func (s *Server) tileLayerError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, tiles.ErrUnknownLayer) && !restricted(r) {
		if _, ok := tiles.Find(tiles.Restricted, chi.URLParam(r, "layer")); ok {
			allowed(w, r, auth.ReadAggregates)
			return
		}
	}
	if errors.Is(err, tiles.ErrUnknownVersion) {
		writeError(w, http.StatusNotFound, err.Error())
		return
	}
	s.fail(w, r, err)
}

func tileCoords(r *http.Request) (z, x, y int, err error) {
	parse := func(name string) int {
		if err != nil {
			return 0
		}
		v, perr := strconv.Atoi(chi.URLParam(r, name))
		if perr != nil {
			err = fmt.Errorf("%w: %s is not an integer", tiles.ErrBadTile, name)
		}
		return v
	}
	z, x, y = parse("z"), parse("x"), parse("y")
	if err != nil {
		return 0, 0, 0, err
	}
	return z, x, y, tiles.CheckTile(z, x, y)
}

// baseURL is where the request's client reaches the server, under the embed's prefix for the
// embed (isEmbedded): tile URLs built on it keep the embed on its anonymous reads.
func (s *Server) baseURL(r *http.Request) string {
	base := s.cfg.PublicURL
	if base == "" {
		scheme := "http"
		if s.viaTLS(r) {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	if isEmbedded(r) {
		base += EmbedPath
	}
	return base
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
