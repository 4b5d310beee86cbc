package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/ui"
)

// index serves the map page with what its first view needs inlined (bootPage).
func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	s.bootPage(w, r, s.pages.index(), "no-store") // it names the user
}

// embed serves the map page for framing in other sites. It is the public's page whoever asks:
// a logged-in user's browser sends its cookie to the embed too (when the framing site is the
// same site, or the cookie not strict), and the embed must never show restricted figures.
func (s *Server) embed(w http.ResponseWriter, r *http.Request) {
	ctx := auth.WithPrincipal(r.Context(), auth.Principal{Role: auth.Public, Via: "anonymous"})
	r = r.WithContext(context.WithValue(ctx, embeddedKey{}, true)) // its catalog names the embed's tile URLs
	s.bootPage(w, r, s.pages.embed(), "no-cache")
}

// bootPage serves a map page with what its first view needs inlined: the session, the tile
// catalog with each layer's TileJSON, the latest release and the basemap. The map can then
// ask for its first tiles as soon as its script runs, without three rounds of requests before.
func (s *Server) bootPage(w http.ResponseWriter, r *http.Request, page []byte, cacheControl string) {
	if page == nil {
		ui.Handler().ServeHTTP(w, r) // not built: the UI package says so
		return
	}
	data, err := json.Marshal(s.bootData(r)) // escapes <, > and &, so it cannot close the script element
	if err != nil {
		s.fail(w, r, err)
		return
	}
	script := append(append([]byte(`<script id="abitare-boot" type="application/json">`), data...), "</script>\n</head>"...)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", cacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(bytes.Replace(page, []byte("</head>"), script, 1))
}

// bootData is the data a page starts with, as the request's principal may see it.
func (s *Server) bootData(r *http.Request) map[string]any {
	boot := map[string]any{"session": sessionInfo(auth.FromContext(r.Context())), "catalog": s.tileCatalog(r)}
	if s.cfg.BasemapStyle != "" {
		boot["basemap_style"] = s.cfg.BasemapStyle
	}
	if list, err := s.backend(r).Profiles.PublicReleases(r.Context()); err == nil && len(list) > 0 {
		boot["release"] = list[0]
	} else if err != nil {
		s.logger.Warn("map page without the release note", "err", err)
	}
	return boot
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
