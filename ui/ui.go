// Package ui serves the map front end, built by web/app (npm run build) into dist/
// and embedded in the binary.
package ui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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
// The files are compressed once, at the first call.
func Handler() http.Handler { return embedded() }

var embedded = sync.OnceValue(func() http.Handler {
	sub, err := fs.Sub(Dist, "dist")
	if err != nil {
		panic(err) // cannot happen: dist is embedded
	}
	return handlerFor(sub)
})

func handlerFor(files fs.FS) http.Handler {
	if _, err := fs.Stat(files, "index.html"); err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(NotBuiltMessage))
		})
	}
	assets, err := loadAssets(files)
	if err != nil {
		panic(err) // cannot happen: the files are embedded
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" {
			name = "index.html"
		}
		a, ok := assets[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		a.serve(w, r)
	})
}

// asset is one file of the front end, compressed once rather than per request, with a strong
// entity tag so that a returning browser revalidates in one short exchange.
type asset struct {
	contentType string
	plain, gzip []byte
	etag        string
}

func loadAssets(files fs.FS) (map[string]*asset, error) {
	out := map[string]*asset{}
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		data, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(data)
		_ = zw.Close()
		sum := sha256.Sum256(data)
		ctype := mime.TypeByExtension(filepath.Ext(path))
		if ctype == "" {
			ctype = http.DetectContentType(data)
		}
		out[path] = &asset{contentType: ctype, plain: data, gzip: buf.Bytes(), etag: hex.EncodeToString(sum[:12])}
		return nil
	})
	return out, err
}

func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// File names are fixed (no content hashes): browsers revalidate, with the entity tag.
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Type", a.contentType)
	h.Add("Vary", "Accept-Encoding")
	gz := strings.Contains(r.Header.Get("Accept-Encoding"), "gzip")
	etag := `"` + a.etag + `"`
	if gz {
		etag = `"` + a.etag + `-gzip"`
	}
	h.Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.plain
	if gz {
		h.Set("Content-Encoding", "gzip")
		body = a.gzip
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// Index returns the built index.html, or nil when the front end has not been built.
// It is read once; callers must not change it.
func Index() []byte { return index() }

// Embed returns the built embed.html, the map page for framing in other sites (index.html
// with the abitare-mode meta set to embed), or nil when it has not been built.
// It is read once; callers must not change it.
func Embed() []byte { return embedPage() }

var index = sync.OnceValue(func() []byte { return page("index.html") })

var embedPage = sync.OnceValue(func() []byte { return page("embed.html") })

func page(name string) []byte {
	b, err := Dist.ReadFile("dist/" + name)
	if err != nil {
		return nil
	}
	return b
}
