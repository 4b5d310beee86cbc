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

	"github.com/abitare/abitare/web/auth"
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
	// InsecureCookies drops the Secure flag of the session cookie: only for a server reached
	// over plain HTTP from another host (browsers accept Secure cookies from localhost).
	InsecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are
	// believed; from anyone else they are ignored.
	TrustedProxies []netip.Prefix
	// MetricsFrom are the networks, besides loopback, that may read /metrics.
	MetricsFrom []netip.Prefix
}

// Server serves the observatory over HTTP.
type Server struct {
	cfg      Config
	users    *auth.Store
	throttle *auth.Throttle
	logins   *loginGuard
	metrics  *metrics
	backends Backends
	// tileAudit records restricted tile reads once per user, layer, tileset and hour.
	tileAudit tileAudit
	logger    *slog.Logger
	http      *http.Server
	ln        net.Listener
}

// NewServer wires the routes; call Open to start listening. users identifies requests with the
// server's own connection; backends serve each role.
func NewServer(cfg Config, users *auth.Store, backends Backends, logger *slog.Logger) *Server {
	s := &Server{cfg: cfg, users: users, throttle: auth.NewThrottle(), logins: newLoginGuard(), backends: backends, logger: logger,
		metrics: newMetrics(backends)}
	s.tileAudit.appended = func(err error) { s.metrics.audited("tiles", err) }
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

// Handler returns the router, for tests and for embedding.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(requestID, s.clientAddress, s.logRequests, s.metrics.observe, middleware.Recoverer, s.securityHeaders)
	r.Use(middleware.Compress(5, "application/json", "text/csv", "text/html", "text/css", "application/javascript", "text/javascript"))
	r.Get("/healthz", s.health)
	r.Get("/readyz", s.ready)
	r.Get("/metrics", s.serveMetrics)
	r.Group(func(r chi.Router) {
		r.Use(sameOriginWrites, s.users.Identify(s.fail), noteUser, varyByCredentials, noStoreForUsers)
		for _, rt := range s.Routes() {
			r.With(auth.Require(rt.Permission)).Method(rt.Method, rt.Pattern, rt.handler)
		}
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

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		note := &requestNote{}
		next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), requestNoteKey{}, note)))
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
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", middleware.GetReqID(r.Context())), slog.String("client", clientOf(r)),
			slog.String("user", note.user), slog.String("role", note.role))
	})
}

// requestNote carries to the request log what is learnt of a request on its way: who sent it.
type requestNote struct{ user, role string }

type requestNoteKey struct{}

// noteUser records the request's user for its log line, so that refusals (401, 403) and
// everything else are logged with who asked.
func noteUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if note, ok := r.Context().Value(requestNoteKey{}).(*requestNote); ok {
			p := auth.FromContext(r.Context())
			note.user, note.role = p.Actor(), string(p.Role)
		}
		next.ServeHTTP(w, r)
	})
}
