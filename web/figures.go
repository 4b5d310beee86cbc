package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/gazetteer"
	"github.com/abitare/abitare/publish/figures"
	"github.com/go-chi/chi/v5"
)

// figures is the compact file of every published figure of a geography and period (package
// figures): the public's figures whoever asks, so the answer is the same for everyone and may
// be cached as such. The period defaults to the latest published year.
func (s *Server) figures(w http.ResponseWriter, r *http.Request) {
	public := s.backends[auth.Public]
	period := r.URL.Query().Get("period")
	if period == "" {
		var err error
		if period, err = public.Profiles.PublishedLatestYear(r.Context()); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	f, err := figures.Reader{DB: public.DB}.Read(r.Context(), chi.URLParam(r, "geography"), period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeCompactJSON(w, f)
}

// gazetteer is the search index of places (package gazetteer): public reference data, read as
// the public role once and kept for the life of the server.
func (s *Server) gazetteer(w http.ResponseWriter, r *http.Request) {
	b, err := s.places.get(r.Context(), func(ctx context.Context) (any, error) {
		return gazetteer.Build(ctx, s.backends[auth.Public].DB)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// placesCache holds the gazetteer's JSON once built; a failed build is tried again at the
// next request.
type placesCache struct {
	mu   sync.Mutex
	body []byte
}

func (c *placesCache) get(ctx context.Context, build func(context.Context) (any, error)) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.body != nil {
		return c.body, nil
	}
	v, err := build(ctx)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode the gazetteer: %w", err)
	}
	c.body = append(b, '\n')
	return c.body, nil
}

// writeCompactJSON writes v without indentation: for the large files the map reads whole.
func writeCompactJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
