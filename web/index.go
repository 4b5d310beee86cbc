package web

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/web/auth"
	"github.com/abitare/abitare/web/ui"
)

// index serves the map page with what its first view needs inlined: the session, the tile
// catalog with each layer's TileJSON, and the latest release. The map can then ask for its
// first tiles as soon as its script runs, without three rounds of requests before.
func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	page := ui.Index()
	if page == nil {
		ui.Handler().ServeHTTP(w, r) // not built: the UI package says so
		return
	}
	boot := map[string]any{"session": sessionInfo(auth.FromContext(r.Context())), "catalog": s.tileCatalog(r)}
	if list, err := s.backend(r).Profiles.PublicReleases(r.Context()); err == nil && len(list) > 0 {
		boot["release"] = list[0]
	} else if err != nil {
		s.logger.Warn("map page without the release note", "err", err)
	}
	data, err := json.Marshal(boot) // escapes <, > and &, so it cannot close the script element
	if err != nil {
		s.fail(w, r, err)
		return
	}
	script := append(append([]byte(`<script id="abitare-boot" type="application/json">`), data...), "</script>\n</head>"...)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // it names the user
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(bytes.Replace(page, []byte("</head>"), script, 1))
}

// sessionInfo is what GET /api/session answers.
func sessionInfo(p auth.Principal) map[string]any {
	perms := []auth.Permission{}
	for _, perm := range auth.Permissions {
		if p.Role.Can(perm) {
			perms = append(perms, perm)
		}
	}
	return map[string]any{"user": p.User, "role": p.Role, "via": p.Via, "permissions": perms, "vocabulary": abitare.Words()}
}
