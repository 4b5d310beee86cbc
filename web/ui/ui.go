// Package ui serves the map front end, built by web/app (npm run build) into dist/
// and embedded in the binary.
package ui

import (
	"embed"
	"io/fs"
	"net/http"
)

// Dist holds the built front end: index.html, app.js, app.css and worker.js,
// or only .gitkeep when the front end has not been built.
//
//go:embed all:dist
var Dist embed.FS

// NotBuiltMessage is the body of the 503 answer given when dist holds no index.html.
const NotBuiltMessage = "front end not built: run make web\n"

// Handler serves the dist folder at its root ("/" answers index.html).
// When the front end has not been built, every request answers 503 with NotBuiltMessage.
func Handler() http.Handler {
	sub, err := fs.Sub(Dist, "dist")
	if err != nil {
		panic(err) // cannot happen: dist is embedded
	}
	return handlerFor(sub)
}

func handlerFor(files fs.FS) http.Handler {
	if _, err := fs.Stat(files, "index.html"); err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(NotBuiltMessage))
		})
	}
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.gitkeep" {
			http.NotFound(w, r)
			return
		}
		// File names are fixed (no content hashes): let browsers revalidate.
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		fileServer.ServeHTTP(w, r)
	})
}
