package web

import (
	"net/http"
	"os"
	"path"
	"strings"
)

// siteHandler serves an open-data bundle (abitare publish) under /open/. A release's folder
// never changes once written, so its files are cached by browsers and CDNs for a year; the
// index, the catalog and the page change with each release and are cached for five minutes.
// Range requests are answered (the map reads the PMTiles archives by ranges); folders are not
// listed.
func siteHandler(dir string) http.Handler {
	files := http.StripPrefix("/open", http.FileServer(http.Dir(dir)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean(strings.TrimPrefix(r.URL.Path, "/open"))
		if strings.HasSuffix(r.URL.Path, "/") && !hasIndex(dir, p) {
			http.NotFound(w, r)
			return
		}
		if strings.HasPrefix(p, "/releases/r") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		files.ServeHTTP(w, r)
	})
}

// hasIndex reports whether the folder p of the bundle has an index.html to show.
func hasIndex(dir, p string) bool {
	st, err := os.Stat(path.Join(dir, p, "index.html"))
	return err == nil && !st.IsDir()
}
