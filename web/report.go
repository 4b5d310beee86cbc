package web

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/report"
	"github.com/go-chi/chi/v5"
)

// areaReport answers GET /api/areas/{geography}/{id}/report?format=xlsx|html&lang=it|en: the
// area's report as a workbook or a printable page, from what the caller's role may see
// (restricted figures audited as an area profile is).
func (s *Server) areaReport(w http.ResponseWriter, r *http.Request) {
	period, err := s.period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	lang, err := report.ParseLang(q.Get("lang"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format := q.Get("format")
	if format == "" {
		format = "html"
	}
	if format != "html" && format != "xlsx" {
		s.fail(w, r, abitare.Errorf(abitare.Invalid, "format %q: want html or xlsx", format))
		return
	}
	req := report.Request{Geography: chi.URLParam(r, "geography"), ID: chi.URLParam(r, "id"), Period: period, Restricted: restricted(r)}
	if req.Restricted && !s.record(w, r, "area report", req.Geography+"/"+req.ID+"/"+period) {
		return
	}
	rep, err := report.Build(r.Context(), s.backend(r).Profiles, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	name := fmt.Sprintf("abitare-%s-%s-%s-%s", req.Geography, req.ID, period, lang)
	if format == "xlsx" {
		err = report.WriteXLSX(&buf, rep, lang)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, name))
	} else {
		err = report.WriteHTML(&buf, rep, lang)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !req.Restricted {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	_, _ = w.Write(buf.Bytes())
}
