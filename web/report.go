package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/report"
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
	format, err := reportFormat(q.Get("format"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	req := report.Request{Geography: pathParam(r, "geography"), ID: pathParam(r, "id"), Period: period, Restricted: restricted(r)}
	if req.Restricted && !s.record(w, r, "area report", req.Geography+"/"+req.ID+"/"+period) {
		return
	}
	rep, err := report.Build(r.Context(), s.backend(r).Profiles, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cache := "no-store"
	if !req.Restricted {
		cache = "public, max-age=300"
	}
	s.writeReport(w, r, rep, format, lang, fmt.Sprintf("abitare-%s-%s-%s-%s", req.Geography, fileNamePart(req.ID), period, lang), cache)
}

// reportFormat checks a report's format: html (the default) or xlsx.
func reportFormat(f string) (string, error) {
	switch f {
	case "", "html":
		return "html", nil
	case "xlsx":
		return f, nil
	}
	return "", abitare.Errorf(abitare.Invalid, "format %q: want html or xlsx", f)
}

// writeReport sends a report as a workbook (named name.xlsx) or a printable page.
func (s *Server) writeReport(w http.ResponseWriter, r *http.Request, rep report.Report, format, lang, name, cache string) {
	var buf bytes.Buffer
	var err error
	if format == "xlsx" {
		err = report.WriteXLSX(&buf, rep, lang)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, strings.NewReplacer(",", "_", " ", "-", `"`, "").Replace(name)))
	} else {
		err = report.WriteHTML(&buf, rep, lang)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", cache)
	_, _ = w.Write(buf.Bytes())
}
