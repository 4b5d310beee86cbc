package web

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/abitare/abitare/geo/profile"
	"github.com/go-chi/chi/v5"
)

// cityOverlap is the study area's people per combination of domains: published figures for
// the public, restricted ones (audited) for planners.
func (s *Server) cityOverlap(w http.ResponseWriter, r *http.Request) {
	period, err := s.period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.backend(r)
	var list []profile.Combination
	if restricted(r) {
		if !s.record(w, r, "overlap", "municipality/"+period) {
			return
		}
		list, err = b.Profiles.CityOverlap(r.Context(), period)
	} else {
		list, err = b.Profiles.PublishedOverlap(r.Context(), period)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsCSV(r) {
		writeCSV(w, "abitare-overlap-"+period+".csv", []string{"period", "combination", "people", "status"}, func(emit func(...string)) {
			for _, c := range list {
				emit(period, c.Combination, intOr(c.People), c.Status)
			}
		})
		return
	}
	writeJSON(w, map[string]any{"period": period, "geography": "municipality", "combinations": list})
}

func (s *Server) rentBurden(w http.ResponseWriter, r *http.Request) {
	period, err := s.period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.record(w, r, "rent burden", "omi/"+period) {
		return
	}
	list, err := s.backend(r).Profiles.RentBurdens(r.Context(), period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"period": period, "dwelling_m2_by_household_size": profile.DwellingM2,
		"method": "12 x dwelling m2 x OMI zone rent midpoint (abitazioni civili, EUR/m2/month) / declared ISEE; zone \"\" is the whole city",
		"zones":  list})
}

func (s *Server) categories(w http.ResponseWriter, r *http.Request) {
	period, err := s.period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	domain, geography, id := q.Get("domain"), q.Get("geography"), q.Get("id")
	// One OMI district (geography=omi&id=): protected together with the city's and every other
	// district's categories (geo/profile ZoneCategories). No other geography.
	switch {
	case geography == "" && id != "":
		s.fail(w, r, invalid("id needs geography=omi"))
		return
	case geography != "" && geography != "omi":
		s.fail(w, r, invalid("categories are given for the city or for one OMI district: geography must be omi"))
		return
	case geography == "omi" && id == "":
		s.fail(w, r, invalid("geography=omi needs the district's id"))
		return
	}
	// Checked before anything heavy is read; answers are kept until the next aggregation
	// (categoriescache.go).
	b := s.backend(r)
	version, err := s.checkCategories(r.Context(), b, domain, period, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	target := domain + "/" + period
	if geography != "" {
		target = domain + "/" + period + "/omi/" + id
	}
	if !s.record(w, r, "categories", target) {
		return
	}
	ans, err := s.categoryAnswers.answer(version, categoriesKey{domain, period, geography, id}, func() (a categoriesAnswer, err error) {
		ctx := context.WithoutCancel(r.Context()) // others may be waiting for this answer
		if geography == "" {
			a.list, a.unclassified, err = b.Profiles.Categories(ctx, domain, period)
		} else {
			a.list, a.unclassified, err = b.Profiles.ZoneCategories(ctx, domain, id, period)
		}
		return a, err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, unclassified := ans.list, ans.unclassified
	if wantsCSV(r) {
		name, head, area := fmt.Sprintf("abitare-categories-%s-%s.csv", domain, period), []string{"domain", "period"}, []string{domain, period}
		if geography != "" {
			name = fmt.Sprintf("abitare-categories-%s-%s-omi-%s.csv", domain, period, id)
			head, area = append(head, "geography", "id"), append(area, geography, id)
		}
		writeCSV(w, name,
			append(head, "dimension", "category", "residents", "people", "rate", "ci_low", "ci_high", "relative_risk", "rr_low", "rr_high", "status"),
			func(emit func(...string)) {
				for _, k := range list {
					emit(append(slices.Clone(area), k.Dimension, k.Category, strconv.Itoa(k.Residents), intOr(k.People), num(k.Rate), num(k.CILow),
						num(k.CIHigh), num(k.RR), num(k.RRLow), num(k.RRHigh), k.Status)...)
				}
			})
		return
	}
	// The small-count rule applies to every count a planner sees, this one too.
	out := map[string]any{"domain": domain, "period": period, "order": "relative risk, highest first",
		"against": "residents outside the category", "unclassified_people": unclassified, "categories": list}
	if geography != "" {
		out["geography"], out["id"] = geography, id
		out["against"] = "the district's residents outside the category"
	}
	writeJSON(w, out)
}

func (s *Server) run(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		s.fail(w, r, invalid("run id must be a number"))
		return
	}
	if !s.record(w, r, "analysis run", strconv.FormatInt(id, 10)) {
		return
	}
	run, err := s.backend(r).Profiles.Run(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, run)
}

// period is the ?period= of a request, or the latest year the role can see.
func (s *Server) period(r *http.Request) (string, error) {
	if p := r.URL.Query().Get("period"); p != "" {
		return p, nil
	}
	if restricted(r) {
		return s.backend(r).Profiles.LatestYear(r.Context())
	}
	return s.backend(r).Profiles.PublishedLatestYear(r.Context())
}

func (s *Server) area(w http.ResponseWriter, r *http.Request) {
	period, err := s.period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	geography, id := pathParam(r, "geography"), pathParam(r, "id")
	if !restricted(r) {
		s.publishedArea(w, r, geography, id, period)
		return
	}
	if !s.record(w, r, "area profile", geography+"/"+id+"/"+period) {
		return
	}
	a, err := s.backend(r).Profiles.Area(r.Context(), geography, id, period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsCSV(r) {
		writeCSV(w, fmt.Sprintf("abitare-%s-%s-%s.csv", a.Geography, fileNamePart(a.ID), a.Period),
			[]string{"geography", "id", "period", "indicator", "people", "residents", "rate", "ci_low", "ci_high", "eb_rate", "unstable", "previous_rate", "change", "status"},
			func(emit func(...string)) {
				for _, i := range a.Indicators {
					emit(a.Geography, a.ID, a.Period, i.Indicator, intOr(i.People), num(&i.Residents), num(i.Rate), num(i.CILow), num(i.CIHigh),
						num(i.EBRate), strconv.FormatBool(i.Unstable), num(i.PreviousRate), num(i.Change), i.Status)
				}
			})
		return
	}
	writeJSON(w, a)
}

func (s *Server) rankings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	period, err := s.period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	limit := 100
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 20000 {
			s.fail(w, r, invalid("limit must be a whole number from 1 to 20000"))
			return
		}
	}
	geography, indicator := q.Get("geography"), q.Get("indicator")
	if geography == "" {
		geography = "section"
	}
	if !s.record(w, r, "ranking", geography+"/"+indicator+"/"+period) {
		return
	}
	list, err := s.backend(r).Profiles.Ranking(r.Context(), geography, indicator, period, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsCSV(r) {
		writeCSV(w, fmt.Sprintf("abitare-ranking-%s-%s-%s.csv", indicator, geography, period),
			[]string{"rank", "geography", "id", "period", "indicator", "people", "residents", "rate", "ci_low", "ci_high", "eb_rate", "unstable", "status"},
			func(emit func(...string)) {
				for _, k := range list {
					emit(strconv.Itoa(k.Rank), geography, k.ID, period, indicator, intOr(k.People), num(&k.Residents), num(k.Rate),
						num(k.CILow), num(k.CIHigh), num(k.EBRate), strconv.FormatBool(k.Unstable), k.Status)
				}
			})
		return
	}
	writeJSON(w, map[string]any{"geography": geography, "indicator": indicator, "period": period,
		"order": "empirical-Bayes rate, highest first", "areas": list})
}

func wantsCSV(r *http.Request) bool {
	return r.URL.Query().Get("format") == "csv" || r.Header.Get("Accept") == "text/csv"
}

func writeCSV(w http.ResponseWriter, filename string, header []string, rows func(emit func(...string))) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	cw := csv.NewWriter(w)
	_ = cw.Write(header)
	rows(func(fields ...string) { _ = cw.Write(fields) })
	cw.Flush()
}

func num(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func intOr(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func parseLimit(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 20000 {
		return 0, errors.New("limit must be a whole number from 1 to 20000")
	}
	return n, nil
}
