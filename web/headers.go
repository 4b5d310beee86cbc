package web

import (
	"cmp"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/abitare/abitare/auth"
)

// contentSecurityPolicy lets the map page run its own script, MapLibre's worker and the tiles,
// and nothing else; the sites in frameAncestors may frame it ('none': no site). With a
// basemap, the style's tiles, sprites and glyphs come from other hosts: https: is added to
// connect-src, img-src and font-src.
func contentSecurityPolicy(frameAncestors string, basemap bool) string {
	remote := ""
	if basemap {
		remote = " https:"
	}
	return "default-src 'self'; script-src 'self'; worker-src 'self' blob:; connect-src 'self'" + remote + "; " +
		"img-src 'self' data: blob:" + remote + "; style-src 'self' 'unsafe-inline'; font-src 'self'" + remote + "; object-src 'none'; " +
		"base-uri 'none'; form-action 'self'; frame-ancestors " + frameAncestors
}

// EmbedPath is the map page for framing in other sites: it alone may be framed.
const EmbedPath = "/embed"

// DefaultEmbedAncestors lets any site frame the embed page.
const DefaultEmbedAncestors = "*"

// CheckFrameAncestors checks the sources that may frame the embed page (Config.EmbedAncestors):
// space-separated CSP sources such as * or https://comune.example.it https://*.example.org.
// Nothing that could end the directive or the header is accepted.
func CheckFrameAncestors(list string) error {
	sources := strings.Fields(list)
	if len(sources) == 0 {
		return errors.New("embed ancestors: empty (use * for any site)")
	}
	for _, src := range sources {
		if src == "*" || src == "'self'" {
			continue
		}
		if strings.ContainsAny(src, ";,'\"\\") {
			return fmt.Errorf("embed ancestors: %q is not a CSP source (want *, 'self' or an origin such as https://example.org)", src)
		}
		scheme, host, ok := strings.Cut(src, "://")
		if !ok || (scheme != "https" && scheme != "http") || host == "" {
			return fmt.Errorf("embed ancestors: %q is not a CSP source (want *, 'self' or an origin such as https://example.org)", src)
		}
	}
	return nil
}

// securityHeaders sets the headers every answer carries. Only the embed page may be framed,
// by the configured sites; everything else refuses every frame.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	basemap := s.cfg.BasemapStyle != ""
	page := contentSecurityPolicy("'none'", basemap)
	ancestors := cmp.Or(strings.Join(strings.Fields(s.cfg.EmbedAncestors), " "), DefaultEmbedAncestors)
	embed := contentSecurityPolicy(ancestors, basemap)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		if r.URL.Path == EmbedPath {
			h.Set("Content-Security-Policy", embed)
		} else {
			h.Set("Content-Security-Policy", page)
			h.Set("X-Frame-Options", "DENY")
		}
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.viaTLS(r) {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// nosniff is the one header tile answers need: they are not documents.
func nosniff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["X-Content-Type-Options"] = hdrNosniff
		next.ServeHTTP(w, r)
	})
}

// noStoreForUsers keeps the API answers given to logged-in users out of every cache: they hold
// restricted figures. (Tiles set their own private caching.)
func noStoreForUsers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.FromContext(r.Context()).User != "" && !strings.HasPrefix(r.URL.Path, "/tiles/") {
			w.Header().Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// sameOriginWrites refuses requests that change state unless they come from this site's own
// pages as JSON: a cross-site form (text/plain, urlencoded, multipart) cannot log a browser in
// or out, or act with its cookie.
func sameOriginWrites(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
			writeError(w, http.StatusForbidden, "cross-site request refused")
			return
		}
		if origin := r.Header.Get("Origin"); origin != "" {
			if u, err := url.Parse(origin); err != nil || u.Host != r.Host {
				writeError(w, http.StatusForbidden, "cross-origin request refused")
				return
			}
		}
		if r.ContentLength != 0 || r.Method == http.MethodPost {
			if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
				writeError(w, http.StatusUnsupportedMediaType, "send the request body as application/json")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
