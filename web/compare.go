package web

import (
	"net/http"
	"strings"
)

// compare answers GET /api/compare?geography=G&ids=a,b,c[&period=P]: up to four areas side by
// side with the city as the benchmark. Planners get the restricted figures (audited, as an area
// profile is), the public the published ones.
func (s *Server) compare(w http.ResponseWriter, r *http.Request) {
	period, err := s.period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	geography := q.Get("geography")
	var ids []string
	if v := q.Get("ids"); v != "" {
		ids = strings.Split(v, ",")
	}
	profiles := s.backend(r).Profiles
	if !restricted(r) {
		c, err := profiles.PublishedCompare(r.Context(), geography, ids, period)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=300")
		writeJSON(w, c)
		return
	}
	if !s.record(w, r, "compare areas", geography+"/"+strings.Join(ids, ",")+"/"+period) {
		return
	}
	c, err := profiles.Compare(r.Context(), geography, ids, period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, c)
}
