package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"
)

// checkRequestText refuses (400) a request whose path or query parameters are not UTF-8 text,
// or hold a NUL byte. Such text reaches SQL as a parameter (an actor, a target, an area id),
// and PostgreSQL refuses it with an error the server could only call internal (500).
func checkRequestText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if problem := requestTextProblem(r); problem != "" {
			writeError(w, http.StatusBadRequest, problem)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requestTextProblem says what of the request is not text, or "" when all is.
func requestTextProblem(r *http.Request) string {
	if !isText(r.URL.Path) {
		return "the path is not UTF-8 text, or holds a NUL byte"
	}
	if r.URL.RawQuery == "" {
		return ""
	}
	query := r.URL.Query()
	names := make([]string, 0, len(query))
	for name := range query {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !isText(name) {
			return fmt.Sprintf("query parameter %s: its name is not UTF-8 text, or holds a NUL byte", quoteText(name))
		}
		for _, v := range query[name] {
			if !isText(v) {
				return fmt.Sprintf("query parameter %s: %s is not UTF-8 text, or holds a NUL byte", name, quoteText(v))
			}
		}
	}
	return ""
}

// isText reports whether s is UTF-8 without NUL bytes, as PostgreSQL's text takes it.
func isText(s string) bool {
	return utf8.ValidString(s) && !strings.Contains(s, "\x00")
}

// quoteText shows a value in an error, escaped and shortened.
func quoteText(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	return fmt.Sprintf("%+q", s)
}

// The embed (EmbedPath) reads the public API and tiles under its own prefix: /embed/api/... and
// /embed/tiles/.... There the server answers as the anonymous public whatever credentials
// arrive, so the embed is public by the server's doing, not only because its script sends no
// cookie: a logged-in user's browser framing it, or a script that adds a token, still gets
// the public's figures and tiles.
const embedAPIPrefix, embedTilesPrefix = EmbedPath + "/api/", EmbedPath + "/tiles/"

type embeddedKey struct{}

// isEmbedded reports whether the request came through the embed's prefix (or is the embed
// page): its TileJSON and catalog then name tiles under the prefix too (baseURL).
func isEmbedded(r *http.Request) bool {
	v, _ := r.Context().Value(embeddedKey{}).(bool)
	return v
}

// embedded strips the embed's prefix from its API and tile reads, with the Cookie and
// Authorization headers, before anything identifies the request. Only reads: anything else
// under the prefix is refused (405).
func (s *Server) embedded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, embedAPIPrefix) && !strings.HasPrefix(r.URL.Path, embedTilesPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "the embed only reads: GET or HEAD")
			return
		}
		r = r.Clone(context.WithValue(r.Context(), embeddedKey{}, true))
		r.Header.Del("Cookie")
		r.Header.Del("Authorization")
		r.URL.Path = strings.TrimPrefix(r.URL.Path, EmbedPath)
		r.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, EmbedPath)
		r.RequestURI = r.URL.RequestURI()
		next.ServeHTTP(w, r)
	})
}
