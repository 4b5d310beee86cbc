package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/geo/foresight"
	"github.com/abitare/abitare/report"
)

// Trends, forecasts, the lagged association and the watchlist are restricted (ReadAggregates):
// they are computed from the true quarterly counts, which the public never sees quarter by
// quarter (docs/privacy.md, "Trends and forecasts").

// trends answers GET /api/trends/{geography}?domain=D: per area, the Gi* z-scores by quarter,
// the Mann-Kendall test of them and the emerging hot spot category.
func (s *Server) trends(w http.ResponseWriter, r *http.Request) {
	geography, domain := pathParam(r, "geography"), r.URL.Query().Get("domain")
	if !s.record(w, r, "trends", geography+"/"+domain) {
		return
	}
	list, err := foresight.ReadTrends(r.Context(), s.backend(r).DB, geography, domain)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"geography": geography, "domain": domain, "method": "emerging hot spots: Gi* per quarter, Mann-Kendall of the z-scores (docs/statistics.md)", "areas": list})
}

// forecasts answers GET /api/forecasts/{geography}?domain=D&as_of=Q&horizon=H: per area, the
// next H (default 4) quarters' rates per 1,000 with 80% and 95% intervals, from the history up
// to Q only (default: all of it).
func (s *Server) forecasts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	geography, domain, asOf := pathParam(r, "geography"), q.Get("domain"), q.Get("as_of")
	horizon := foresight.MaxHorizon
	if v := q.Get("horizon"); v != "" {
		var err error
		if horizon, err = strconv.Atoi(v); err != nil {
			s.fail(w, r, invalid("horizon %q: want a whole number of quarters from 1 to %d", v, foresight.MaxHorizon))
			return
		}
	}
	if !s.record(w, r, "forecasts", geography+"/"+domain+"/"+asOf) {
		return
	}
	ans, err := foresight.Forecasts(r.Context(), s.backend(r).DB, geography, domain, asOf, horizon)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, ans)
}

// leadLag answers GET /api/lead-lag?geography=omi|municipality.
func (s *Server) leadLag(w http.ResponseWriter, r *http.Request) {
	geography := r.URL.Query().Get("geography")
	if geography == "" {
		geography = "omi"
	}
	if !s.record(w, r, "lead-lag", geography) {
		return
	}
	ans, err := foresight.LeadLag(r.Context(), s.backend(r).DB, geography)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, ans)
}

// watchlist answers GET /api/watchlist?geography=G&domain=D&above=RATE&format=json|xlsx&lang=it|en.
func (s *Server) watchlist(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	geography, domain, format := q.Get("geography"), q.Get("domain"), q.Get("format")
	if geography == "" {
		geography = "h3_9"
	}
	if format != "" && format != "json" && format != "xlsx" {
		s.fail(w, r, invalid("format %q: want json or xlsx", format))
		return
	}
	var above float64
	if v := q.Get("above"); v != "" {
		var err error
		if above, err = strconv.ParseFloat(v, 64); err != nil || above < 0 {
			s.fail(w, r, invalid("above %q: want a rate per 1,000 residents, 0 or more", v))
			return
		}
	}
	lang, err := report.ParseLang(q.Get("lang"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	action := "watchlist"
	if format == "xlsx" {
		action = "watchlist export"
	}
	if !s.record(w, r, action, fmt.Sprintf("%s/%s/%g", geography, domain, above)) {
		return
	}
	items, err := foresight.Watchlist(r.Context(), s.backend(r).DB, geography, domain, above)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if format != "xlsx" {
		writeJSON(w, map[string]any{"geography": geography, "domain": domain, "above": above, "areas": items})
		return
	}
	var buf bytes.Buffer
	err = report.WriteWatchlistXLSX(&buf, report.Watchlist{Geography: geography, Domain: domain, Above: above,
		Actor: auth.FromContext(r.Context()).Actor(), Generated: time.Now(), Items: items}, lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="abitare-watchlist-%s-%s.xlsx"`, geography, fileNamePart(domain)))
	_, _ = w.Write(buf.Bytes())
}
