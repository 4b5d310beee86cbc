package web

import (
	"context"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/abitare/abitare/auth"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own (no global state, so
// tests can run servers side by side).
type metrics struct {
	registry *prometheus.Registry
	handler  http.Handler // serves the registry
	duration *prometheus.HistogramVec
	tiles    *prometheus.CounterVec
	audits   *prometheus.CounterVec
	// tileCounts are the tile counters looked up once: they are counted tens of thousands of
	// times a second.
	tileCounts map[tileCountKey]prometheus.Counter
}

type tileCountKey struct {
	audience string
	code     int
}

func newMetrics(backends Backends, users *pgxpool.Pool) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "abitare_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern, method and status code.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "code"}),
		tiles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "abitare_tiles_served_total",
			Help: "Tiles answered from the archives in memory, by audience and status code.",
		}, []string{"audience", "code"}),
		audits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "abitare_audit_appends_total",
			Help: "Entries written to the audit trail by the server, by action kind and result.",
		}, []string{"kind", "result"}),
	}
	m.tileCounts = map[tileCountKey]prometheus.Counter{}
	for _, a := range []string{"public", "restricted"} {
		for _, code := range []int{http.StatusOK, http.StatusNoContent, http.StatusNotModified} {
			m.tileCounts[tileCountKey{a, code}] = m.tiles.WithLabelValues(a, strconv.Itoa(code))
		}
	}
	m.handler = promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
	m.registry.MustRegister(m.duration, m.tiles, m.audits,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		poolCollector{backends}, ingestCollector{users})
	return m
}

// observe times a request under its route pattern (not its path: one series per route).
func (m *metrics) observe(r *http.Request, status int, elapsed time.Duration) {
	route := "unmatched"
	if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
		route = rc.RoutePattern()
	}
	m.duration.WithLabelValues(route, r.Method, strconv.Itoa(status)).Observe(elapsed.Seconds())
}

// tileServed counts one tile answer.
func (m *metrics) tileServed(audience string, code int) {
	if c, ok := m.tileCounts[tileCountKey{audience, code}]; ok {
		c.Inc()
		return
	}
	m.tiles.WithLabelValues(audience, strconv.Itoa(code)).Inc()
}

// audited counts one audit append.
func (m *metrics) audited(kind string, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.audits.WithLabelValues(kind, result).Inc()
}

// poolCollector reports each role's database connections.
type poolCollector struct{ backends Backends }

var (
	poolTotal    = prometheus.NewDesc("abitare_db_pool_connections", "Open database connections, by role and state.", []string{"role", "state"}, nil)
	poolAcquires = prometheus.NewDesc("abitare_db_pool_acquires_total", "Connections taken from the pool, by role.", []string{"role"}, nil)
	poolWait     = prometheus.NewDesc("abitare_db_pool_acquire_wait_seconds_total", "Time spent waiting for a connection, by role.", []string{"role"}, nil)
)

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- poolTotal
	ch <- poolAcquires
	ch <- poolWait
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	for role, b := range c.backends {
		st := b.DB.Stat()
		ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.AcquiredConns()), string(role), "acquired")
		ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(st.IdleConns()), string(role), "idle")
		ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(st.AcquireCount()), string(role))
		ch <- prometheus.MustNewConstMetric(poolWait, prometheus.CounterValue, st.AcquireDuration().Seconds(), string(role))
	}
}

// ingestCollector reports the rows the active batches stored, by source, read from the
// batches' provenance at each scrape (loads run in the command line, not in the server).
type ingestCollector struct{ db *pgxpool.Pool }

var ingestRows = prometheus.NewDesc("abitare_ingest_rows", "Rows of the active batches, by source and outcome.", []string{"source", "outcome"}, nil)

func (c ingestCollector) Describe(ch chan<- *prometheus.Desc) { ch <- ingestRows }

func (c ingestCollector) Collect(ch chan<- prometheus.Metric) {
	if c.db == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, err := c.db.Query(ctx, `SELECT source, sum(rows_read), sum(rows_accepted), sum(rows_duplicate), sum(rows_unlocated)
		FROM ingest_batches WHERE status = 'active' GROUP BY source`)
	if err != nil {
		return // the database is down: /readyz says so
	}
	defer rows.Close()
	for rows.Next() {
		var source string
		var read, stored, duplicate, unplaced int64
		if rows.Scan(&source, &read, &stored, &duplicate, &unplaced) != nil {
			return
		}
		for outcome, n := range map[string]int64{"read": read, "stored": stored, "duplicate": duplicate, "unplaced": unplaced} {
			ch <- prometheus.MustNewConstMetric(ingestRows, prometheus.GaugeValue, float64(n), source, outcome)
		}
	}
}

// serveMetrics answers /metrics to the addresses allowed to scrape it (loopback by default):
// operational figures are not for the public.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	ip, err := netip.ParseAddr(clientOf(r))
	if err != nil || !(ip.IsLoopback() || inPrefixes(s.cfg.MetricsFrom, ip)) {
		writeError(w, http.StatusForbidden, "metrics are served to the monitoring network only (--metrics-from)")
		return
	}
	s.metrics.handler.ServeHTTP(w, r)
}

// ready answers 200 when the database answers and the public tiles are loaded, 503 otherwise:
// a load balancer sends no traffic to a server that cannot serve it. It follows the database:
// when PostgreSQL comes back, so does readiness, without a restart.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Cache-Control", "no-store")
	if err := s.users.DB.Ping(ctx); err != nil {
		writeError(w, http.StatusServiceUnavailable, "database unreachable")
		return
	}
	if s.backends[auth.Public].Tiles.Latest() == nil {
		writeError(w, http.StatusServiceUnavailable, "no public tiles loaded yet")
		return
	}
	writeJSON(w, map[string]string{"status": "ready"})
}
