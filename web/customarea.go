package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/geo/customarea"
	"github.com/abitare/abitare/report"
)

// maxCustomAreaBody is the largest body POST /api/custom-area reads: 2,000 vertices of
// GeoJSON, or 500 ids, with room to spare.
const maxCustomAreaBody = 256 << 10

// customArea answers POST /api/custom-area: the protected figures of a planner's selection of
// sections or H3 cells, or of a drawn polygon (geo/customarea), audited before it is computed.
func (s *Server) customArea(w http.ResponseWriter, r *http.Request) {
	res, ok := s.computeCustomArea(w, r, "custom area")
	if !ok {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, res)
}

// customAreaReport answers POST /api/custom-area/report?format=xlsx|html&lang=it|en: the same
// figures as a report (package report), beside the city's.
func (s *Server) customAreaReport(w http.ResponseWriter, r *http.Request) {
	lang, err := report.ParseLang(r.URL.Query().Get("lang"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format, err := reportFormat(r.URL.Query().Get("format"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, ok := s.computeCustomArea(w, r, "custom area report")
	if !ok {
		return
	}
	city, err := s.cityRates(r, res.Period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("abitare-custom-%s-%s-%s", res.Label, res.Period, lang)
	s.writeReport(w, r, customReport(res, city), format, lang, name, "no-store")
}

// computeCustomArea reads the query, records the access (action, and the whole selection with
// its period: customarea.Query.AuditTarget) and computes the figures; it has answered the
// request when ok is false. A user's custom areas are rate-limited (Config.CustomAreaRate).
func (s *Server) computeCustomArea(w http.ResponseWriter, r *http.Request, action string) (res customarea.Result, ok bool) {
	if !s.customAreaAllowed(w, r) {
		return res, false
	}
	q, err := readCustomArea(w, r)
	if err != nil {
		s.fail(w, r, err)
		return res, false
	}
	if q.Period == "" {
		if q.Period, err = s.backend(r).Profiles.LatestYear(r.Context()); err != nil {
			s.fail(w, r, err)
			return res, false
		}
	}
	target, err := q.AuditTarget()
	if err != nil {
		s.fail(w, r, err)
		return res, false
	}
	if !s.recordWithin(w, r, action, target, maxCustomAreaTarget) {
		return res, false
	}
	res, err = customarea.Compute(r.Context(), s.backend(r).DB, q)
	if err != nil {
		s.fail(w, r, err)
		return res, false
	}
	return res, true
}

// maxCustomAreaTarget bounds the audit target of a custom area: the whole selection, up to
// 500 ids or a polygon of 2,000 vertices, is recorded.
const maxCustomAreaTarget = maxCustomAreaBody

// customAreaAllowed takes one request from the user's custom-area bucket, or answers 429 with
// Retry-After. Both routes (figures and report) draw on the same bucket.
func (s *Server) customAreaAllowed(w http.ResponseWriter, r *http.Request) bool {
	if s.customAreas == nil {
		return true
	}
	user := auth.FromContext(r.Context()).Actor()
	ok, wait := s.customAreas.allow(user, time.Now())
	if ok {
		return true
	}
	seconds := int(math.Ceil(wait.Seconds()))
	s.logger.Warn("custom areas rate limited", "user", user, "retry_after", seconds, "request_id", infoOf(r).id)
	w.Header().Set("Retry-After", strconv.Itoa(seconds))
	s.fail(w, r, abitare.Errorf(abitare.TooManyRequests,
		"troppe richieste di aree personalizzate: riprova tra %d s (al massimo %s) / too many custom-area requests: try again in %d s (at most %s)",
		seconds, s.customAreas.limit, seconds, s.customAreas.limit))
	return false
}

// readCustomArea decodes the JSON body, at most maxCustomAreaBody bytes.
func readCustomArea(w http.ResponseWriter, r *http.Request) (customarea.Query, error) {
	var q customarea.Query
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxCustomAreaBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(&q)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return q, invalid("body: larger than %d KiB: simplify the polygon or select fewer areas", maxCustomAreaBody>>10)
	case err != nil:
		return q, invalid(`body: %v: send {"period": ..., "areas": {"geography": ..., "ids": [...]}} or {"period": ..., "polygon": GeoJSON}`, err)
	}
	return q, nil
}

// cityRates are the municipality's restricted rates for the period, by indicator.
func (s *Server) cityRates(r *http.Request, period string) (map[string]*float64, error) {
	b := s.backend(r)
	var code *string
	if err := b.DB.QueryRow(r.Context(), `SELECT min(code) FROM municipalities`).Scan(&code); err != nil {
		return nil, fmt.Errorf("custom area report: read the city's code: %w", err)
	}
	if code == nil {
		return nil, abitare.Errorf(abitare.NotFound, "custom area report: no municipality loaded")
	}
	city, err := b.Profiles.Area(r.Context(), "municipality", *code, period)
	if err != nil {
		return nil, fmt.Errorf("custom area report: the city's figures: %w", err)
	}
	rates := map[string]*float64{}
	for _, i := range city.Indicators {
		rates[i.Indicator] = i.Rate
	}
	return rates, nil
}

// customReport is a custom area's report: geography "custom", named by the selection's label.
func customReport(res customarea.Result, city map[string]*float64) report.Report {
	rep := report.Report{Geography: report.CustomGeography, ID: res.Label, Period: res.Period, Restricted: true,
		Release: res.Release, Protection: res.Protection, Generated: time.Now().UTC()}
	for _, f := range res.Figures {
		rep.Figures = append(rep.Figures, report.Figure{Indicator: f.Indicator, People: f.People, Residents: f.Residents,
			Rate: f.Rate, CILow: f.CILow, CIHigh: f.CIHigh, Status: f.Status, CityRate: city[f.Indicator]})
	}
	return rep
}
