// Package web is the observatory's HTTP server: the map application, the vector tiles and their
// TileJSON and the API, behind a chi router with structured request logs. Every request is
// identified (package auth), checked against the permission its route needs, served from the
// connections of its role (Backend), and, when it reads restricted data, written to the audit
// trail first (package audit).
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/ui"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// Config holds the server's settings.
type Config struct {
	Addr string // listen address, e.g. 127.0.0.1:8080
	// PublicURL is the origin clients reach the server at, used in TileJSON tile URLs; when
	// empty it is taken from each request.
	PublicURL string
	// InsecureCookies drops the Secure flag of the session cookie: only for a server reached
	// over plain HTTP from another host (browsers accept Secure cookies from localhost).
	InsecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are
	// believed; from anyone else they are ignored.
	TrustedProxies []netip.Prefix
	// MetricsFrom are the networks, besides loopback, that may read /metrics.
	MetricsFrom []netip.Prefix
	// Site is an open-data bundle (abitare publish) to serve at /open/; empty serves none.
	Site string
	// EmbedAncestors are the sites that may frame the embed page (/embed), as CSP
	// frame-ancestors sources (CheckFrameAncestors); empty means any (DefaultEmbedAncestors).
	EmbedAncestors string
	// BasemapStyle is the URL of a MapLibre style drawn under the data (ui.CheckBasemapStyle);
	// empty: none, the map makes no request to another site.
	BasemapStyle string
	// CustomAreaRate limits each user's custom areas (POST /api/custom-area and its report draw
	// on one bucket), answering 429 past it; zero: DefaultCustomAreaRate; NoRateLimit: none.
	CustomAreaRate RateLimit
}

// Server serves the observatory over HTTP.
type Server struct {
	cfg      Config
	users    *auth.Store
	throttle *auth.Throttle
	logins   *loginGuard
	metrics  *metrics
	// public answers anonymous page and API requests from memory until the next release.
	public   *publicCache
	backends Backends
	// tileAudit records restricted tile reads once per user, layer, tileset and hour.
	tileAudit tileAudit
	// places is the gazetteer, built at its first request.
	places placesCache
	// customAreas is each user's custom-area bucket (Config.CustomAreaRate); nil: no limit.
	customAreas *userLimiters
	// categoryAnswers keeps the categories views until the next aggregation.
	categoryAnswers categoriesCache
	// pages are the built map pages (ui.Index, ui.Embed); tests set their own.
	pages  struct{ index, embed func() []byte }
	logger *slog.Logger
	http   *http.Server
	ln     net.Listener
}

// NewServer wires the routes; call Open to start listening. users identifies requests with the
// server's own connection; backends serve each role.
func NewServer(cfg Config, users *auth.Store, backends Backends, logger *slog.Logger) *Server {
	s := &Server{cfg: cfg, users: users, throttle: auth.NewThrottle(), logins: newLoginGuard(), backends: backends, logger: logger,
		metrics: newMetrics(backends, users.DB), customAreas: newUserLimiters(cfg.CustomAreaRate)}
	s.tileAudit.appended = func(err error) { s.metrics.audited("tiles", err) }
	s.pages.index, s.pages.embed = ui.Index, ui.Embed
	s.public = &publicCache{maxBytes: 64 << 20, release: func() string {
		if latest := backends[auth.Public].Tiles.Latest(); latest != nil {
			return latest.Version
		}
		return ""
	}}
	s.http = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		MaxHeaderBytes:    64 << 10,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	return s
}

// Handler returns the server's handler, for tests and for embedding: the embed's reads made
// anonymous (embedded), versioned public tiles asked for without credentials first
// (publicTiles), then the router.
func (s *Server) Handler() http.Handler {
	return s.embedded(s.publicTiles(s.Router()))
}

// Router returns the router. Tiles have a lean group of their own: a map reads them by the
// hundred, and they are already compressed.
func (s *Server) Router() chi.Router {
	r := chi.NewRouter()
	r.Use(s.track, middleware.Recoverer, checkRequestText)
	routes := s.Routes()
	r.Group(func(r chi.Router) {
		r.Use(nosniff, identify(s.users, s.fail), noteUser)
		for _, rt := range routes {
			if isTileRoute(rt) {
				r.With(require(rt.Permission)).Method(rt.Method, rt.Pattern, rt.handler)
			}
		}
	})
	r.Group(func(r chi.Router) {
		r.Use(s.securityHeaders, middleware.Compress(5, "application/json", "text/csv", "text/html", "text/css", "application/javascript", "text/javascript"))
		r.Get("/healthz", s.health)
		r.Get("/readyz", s.ready)
		r.Get("/metrics", s.serveMetrics)
		if s.cfg.Site != "" {
			r.Handle("/open/*", siteHandler(s.cfg.Site))
		}
		r.Group(func(r chi.Router) {
			r.Use(sameOriginWrites, identify(s.users, s.fail), noteUser, varyByCredentials, noStoreForUsers, s.public.middleware)
			for _, rt := range routes {
				if !isTileRoute(rt) {
					r.With(require(rt.Permission)).Method(rt.Method, rt.Pattern, rt.handler)
				}
			}
		})
		r.Handle("/*", ui.Handler())
	})
	return r
}

func isTileRoute(rt Route) bool {
	return rt.Method == http.MethodGet && strings.HasPrefix(rt.Pattern, "/tiles/") && strings.HasSuffix(rt.Pattern, ".mvt")
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

// WatchTiles picks up new releases and analysis runs until ctx ends.
func (s *Server) WatchTiles(ctx context.Context, every time.Duration) {
	s.backends.WatchTiles(ctx, every)
}

// RefreshTiles loads the tilesets of a release or analysis run made since the last refresh.
func (s *Server) RefreshTiles(ctx context.Context) error {
	return s.backends.RefreshTiles(ctx)
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

// varyByCredentials tells caches that answers depend on who asks.
func varyByCredentials(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Authorization, Cookie")
		next.ServeHTTP(w, r)
	})
}

// track gives each request its id and client address, and when it is answered logs it and
// times it under its route pattern, in one pass.
func (s *Server) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: newRequestID(), client: s.clientIP(r)}
		w.Header().Set("X-Request-Id", info.id)
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info))
		next.ServeHTTP(ww, r)
		elapsed := time.Since(start)
		s.metrics.observe(r, ww.Status(), elapsed)
		s.logRequest(r, info, ww, elapsed)
	})
}

func (s *Server) logRequest(r *http.Request, info *requestInfo, ww middleware.WrapResponseWriter, elapsed time.Duration) {
	level := slog.LevelInfo
	if ww.Status() < 400 && strings.HasPrefix(r.URL.Path, "/tiles/") && strings.HasSuffix(r.URL.Path, ".mvt") {
		// A map reads tiles by the hundred: logging each would cost more than serving it.
		level = slog.LevelDebug
	}
	if !s.logger.Enabled(r.Context(), level) {
		return
	}
	s.logger.LogAttrs(r.Context(), level, "request",
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", ww.Status()), slog.Int("bytes", ww.BytesWritten()),
		slog.Duration("duration", elapsed), slog.String("request_id", info.id), slog.String("client", info.client),
		slog.String("user", info.user), slog.String("role", info.role))
}

// requestInfo is what is known of a request on its way: set by track, the user by noteUser.
type requestInfo struct{ id, client, user, role string }

type requestInfoKey struct{}

func infoOf(r *http.Request) *requestInfo {
	if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		return info
	}
	return &requestInfo{client: r.RemoteAddr}
}

// noteUser records the request's user for its log line, so that refusals (401, 403) and
// everything else are logged with who asked.
func noteUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := infoOf(r)
		p := auth.FromContext(r.Context())
		info.user, info.role = p.Actor(), string(p.Role)
		next.ServeHTTP(w, r)
	})
}
