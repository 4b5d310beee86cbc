package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/abitare/abitare/tiles"
	"github.com/abitare/abitare/web/auth"
	"github.com/go-chi/chi/v5"
)

type catalogEntry struct {
	ID          string            `json:"id"`
	Title       map[string]string `json:"title"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	TileJSON    string            `json:"tilejson"`
}

func (s *Server) catalog(w http.ResponseWriter, r *http.Request) {
	base := s.baseURL(r)
	var entries []catalogEntry
	for _, l := range s.backend(r).Tiler.Layers() {
		entries = append(entries, catalogEntry{
			ID: l.ID, Title: l.Title, Description: l.Description, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom,
			TileJSON: base + "/tiles/" + l.ID + ".json",
		})
	}
	writeJSON(w, map[string]any{"layers": entries})
}

func (s *Server) tileJSON(w http.ResponseWriter, r *http.Request) {
	layer, ok := s.tileLayer(w, r)
	if !ok {
		return
	}
	tj, err := s.backend(r).Tiler.TileJSON(r.Context(), layer.ID, s.baseURL(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, tj)
}

func (s *Server) tile(w http.ResponseWriter, r *http.Request) {
	z, x, y, err := tileCoords(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	layer, ok := s.tileLayer(w, r)
	if !ok {
		return
	}
	if !layer.Public && !s.record(w, r, "tile "+layer.ID, fmt.Sprintf("%d/%d/%d", z, x, y)) {
		return
	}
	mvt, err := s.backend(r).Tiler.Tile(r.Context(), layer.ID, z, x, y)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if layer.Public {
		w.Header().Set("Cache-Control", "public, max-age=300")
	} else {
		w.Header().Set("Cache-Control", "private, no-store")
	}
	if len(mvt) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.mapbox-vector-tile")
	_, _ = w.Write(mvt)
}

// tileLayer finds the layer in the role's catalog. A layer that only a restricted catalog has
// is refused as such (401 or 403) rather than reported unknown.
func (s *Server) tileLayer(w http.ResponseWriter, r *http.Request) (tiles.Layer, bool) {
	id := chi.URLParam(r, "layer")
	l, err := s.backend(r).Tiler.Layer(id)
	if err == nil {
		return l, true
	}
	if _, rerr := s.backends[auth.Planner].Tiler.Layer(id); rerr == nil {
		auth.Allowed(w, r, auth.ReadAggregates)
		return tiles.Layer{}, false
	}
	s.fail(w, r, err)
	return tiles.Layer{}, false
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

// fail answers with a short plain message: 404 for an unknown layer, 400 for a bad request,
// 500 (logged, not shown) for anything else.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, tiles.ErrUnknownLayer):
		http.Error(w, err.Error(), http.StatusNotFound)
	case errors.Is(err, tiles.ErrBadTile):
		http.Error(w, err.Error(), http.StatusBadRequest)
	case r.Context().Err() != nil:
		// The client went away; nothing to answer.
	default:
		s.logger.Error("request failed", "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
