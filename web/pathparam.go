package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"
)

// pathParam is the route's parameter name, unescaped. A district id carries its comune and a
// slash (036023/B3), sent escaped as one path segment: /api/areas/omi/036023%2FB3. chi routes
// on the escaped path (URL.RawPath) when the request has one, which keeps the id one segment,
// and its parameters are then still escaped: they are unescaped here. Without a RawPath (no
// escape that changes the path) chi's parameters are already plain.
func pathParam(r *http.Request, name string) string {
	v := chi.URLParam(r, name)
	if r.URL.RawPath == "" || !strings.Contains(v, "%") {
		return v
	}
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}

// fileNamePart makes an area id fit a file name: 036023/B3 gives 036023-B3.
func fileNamePart(s string) string {
	return strings.NewReplacer("/", "-", `\`, "-").Replace(s)
}
