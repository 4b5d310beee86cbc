package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
)

// The public's answers: read from the protected tables of the latest release only.

func (s *Server) publishedArea(w http.ResponseWriter, r *http.Request, geography, id, period string) {
	a, err := s.backend(r).Profiles.PublishedArea(r.Context(), geography, id, period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	if wantsCSV(r) {
		writeCSV(w, fmt.Sprintf("abitare-%s-%s-%s.csv", a.Geography, fileNamePart(a.ID), a.Period),
			[]string{"geography", "id", "period", "indicator", "people", "residents", "rate", "status", "residents_status", "release"},
			func(emit func(...string)) {
				for _, i := range a.Indicators {
					emit(a.Geography, a.ID, a.Period, i.Indicator, intOr(i.People), strconv.Itoa(i.Residents), num(i.Rate),
						i.Status, i.ResidentsStatus, strconv.FormatInt(i.Release, 10))
				}
			})
		return
	}
	writeJSON(w, a)
}

// openData is the download of every published figure of a geography and period.
func (s *Server) openData(w http.ResponseWriter, r *http.Request) {
	period, err := s.period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	geography := chi.URLParam(r, "geography")
	list, err := s.backend(r).Profiles.PublishedIndicators(r.Context(), geography, period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	if wantsCSV(r) {
		writeCSV(w, fmt.Sprintf("abitare-open-%s-%s.csv", geography, period),
			[]string{"geography", "id", "period", "indicator", "people", "residents", "rate", "status", "residents_status", "release"},
			func(emit func(...string)) {
				for _, i := range list {
					emit(i.Geography, i.ID, i.Period, i.Indicator, intOr(i.People), strconv.Itoa(i.Residents), num(i.Rate),
						i.Status, i.ResidentsStatus, strconv.FormatInt(i.Release, 10))
				}
			})
		return
	}
	writeJSON(w, map[string]any{"geography": geography, "period": period, "licence": "CC BY 4.0",
		"protection": "see /api/releases", "figures": list})
}

// releases is the public manifest of every publication.
func (s *Server) releases(w http.ResponseWriter, r *http.Request) {
	list, err := s.backend(r).Profiles.PublicReleases(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"releases": list})
}
