// Package web is the observatory's HTTP server: the map application, the vector tiles and their
// TileJSON, behind a chi router with structured request logs.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/abitare/abitare/geo/profile"
	"github.com/abitare/abitare/tiles"
	"github.com/abitare/abitare/web/ui"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// Config holds the server's settings.
type Config struct {
	Addr string // listen address, e.g. 127.0.0.1:8080
	// PublicURL is the origin clients reach the server at, used in TileJSON tile URLs; when
	// empty it is taken from each request.
	PublicURL string
}

// Server serves the observatory over HTTP.
type Server struct {
	cfg      Config
	tiler    *tiles.Tiler
	profiles *profile.Reader
	logger   *slog.Logger
	http     *http.Server
	ln       net.Listener
}

// NewServer wires the routes; call Open to start listening.
func NewServer(cfg Config, tiler *tiles.Tiler, profiles *profile.Reader, logger *slog.Logger) *Server {
	s := &Server{cfg: cfg, tiler: tiler, profiles: profiles, logger: logger}
	s.http = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	return s
}

// Handler returns the router, for tests and for embedding.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, middleware.RealIP, s.logRequests, middleware.Recoverer)
	r.Use(middleware.Compress(5, "application/json", "text/csv", "application/vnd.mapbox-vector-tile", "text/html", "text/css", "application/javascript", "text/javascript"))
	r.Get("/healthz", s.health)
	r.Route("/api", s.apiRoutes)
	r.Route("/tiles", func(r chi.Router) {
		r.Get("/catalog.json", s.catalog)
		r.Get("/{layer}.json", s.tileJSON)
		r.Get("/{layer}/{z}/{x}/{y}.mvt", s.tile)
	})
	r.Handle("/*", ui.Handler())
	return r
}

// Open starts listening at once, so that a bad address fails here rather than in the
// background, and serves in a goroutine.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("server stopped", "err", err)
		}
	}()
	s.logger.Info("serving", "addr", ln.Addr().String())
	return nil
}

// Addr is the address the server listens on, once open.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops accepting requests and waits for those in flight until ctx ends.
func (s *Server) Close(ctx context.Context) error {
	return s.http.Shutdown(ctx)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		s.logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", ww.Status()), slog.Int("bytes", ww.BytesWritten()),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", middleware.GetReqID(r.Context())))
	})
}
