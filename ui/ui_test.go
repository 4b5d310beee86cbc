package ui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestNotBuilt(t *testing.T) {
	h := handlerFor(fstest.MapFS{".gitkeep": {Data: nil}})
	for _, path := range []string{"/", "/app.js"} {
		res, body := get(t, h, path)
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("GET %s: status %d, want 503", path, res.StatusCode)
		}
		if !strings.Contains(body, "front end not built: run make web") {
			t.Errorf("GET %s: body %q", path, body)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("GET %s: content type %q", path, ct)
		}
	}
}

func TestBuilt(t *testing.T) {
	h := handlerFor(fstest.MapFS{
		".gitkeep":   {Data: nil},
		"index.html": {Data: []byte("<!doctype html><title>Abitare</title>")},
		"app.js":     {Data: []byte("console.log(1)")},
		"app.css":    {Data: []byte("body{}")},
	})
	res, body := get(t, h, "/")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Abitare") {
		t.Fatalf("GET /: %d %q", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET /: content type %q", ct)
	}
	res, _ = get(t, h, "/app.js")
	if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("GET /app.js: content type %q", ct)
	}
	res, _ = get(t, h, "/app.css")
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("GET /app.css: content type %q", ct)
	}
	if res, _ = get(t, h, "/.gitkeep"); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /.gitkeep: %d, want 404", res.StatusCode)
	}
	if res, _ = get(t, h, "/missing.js"); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /missing.js: %d, want 404", res.StatusCode)
	}
}

// The embedded Dist must at least hold dist/.gitkeep, and Handler must not panic.
func TestHandlerEmbedded(t *testing.T) {
	res, body := get(t, Handler(), "/")
	switch res.StatusCode {
	case http.StatusOK:
		if !strings.Contains(body, "app.js") {
			t.Errorf("built index.html does not load app.js")
		}
		for path, ctype := range map[string]string{"/app.js": "javascript", "/worker.js": "javascript", "/app.css": "text/css"} {
			res, _ := get(t, Handler(), path)
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), ctype) {
				t.Errorf("GET %s: %d %q", path, res.StatusCode, res.Header.Get("Content-Type"))
			}
		}
		checkAccessibilityStatement(t, body)
	case http.StatusServiceUnavailable:
	default:
		t.Errorf("GET /: status %d", res.StatusCode)
	}
}

// checkAccessibilityStatement: the map links the statement, which follows AgID's model in
// Italian and English (compliance status, non-accessible content, feedback, enforcement).
func checkAccessibilityStatement(t *testing.T, index string) {
	if !strings.Contains(index, `href="accessibility.html"`) {
		t.Error("the map page does not link the accessibility statement")
	}
	res, body := get(t, Handler(), "/accessibility.html")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /accessibility.html: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{"Dichiarazione di accessibilità", "Stato di conformità", "Contenuti non accessibili",
		"Meccanismo di feedback", "Procedura di attuazione", "Accessibility statement", "Enforcement procedure"} {
		if !strings.Contains(body, want) {
			t.Errorf("the accessibility statement lacks %q", want)
		}
	}
}

// Files are sent gzip-compressed to browsers that accept it, plain to others, and answered 304
// when the browser has them.
func TestCompressedAndRevalidated(t *testing.T) {
	script := strings.Repeat("console.log('abitare');\n", 200)
	h := handlerFor(fstest.MapFS{"index.html": {Data: []byte("<title>x</title>")}, "app.js": {Data: []byte(script)}})
	req := httptest.NewRequest(http.MethodGet, "/app.js", nil)
	req.Header.Set("Accept-Encoding", "gzip, br")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	if res.Header.Get("Content-Encoding") != "gzip" || rec.Body.Len() >= len(script)/4 {
		t.Fatalf("gzip answer: encoding %q, %d bytes of %d", res.Header.Get("Content-Encoding"), rec.Body.Len(), len(script))
	}
	etag := res.Header.Get("ETag")
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match %s: %d, want 304", etag, rec.Code)
	}
	res, body := get(t, h, "/app.js")
	if res.Header.Get("Content-Encoding") != "" || body != script || res.Header.Get("ETag") == etag {
		t.Errorf("plain answer: encoding %q, %d bytes, ETag %q", res.Header.Get("Content-Encoding"), len(body), res.Header.Get("ETag"))
	}
}

func TestCheckBasemapStyle(t *testing.T) {
	for _, ok := range []string{"", "https://tiles.openfreemap.org/styles/positron", "http://127.0.0.1:8081/style.json", "http://localhost/style.json"} {
		if err := CheckBasemapStyle(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"tiles.openfreemap.org/styles/positron", "/styles/positron", "http://tiles.example.org/style.json",
		"ftp://example.org/style.json", "javascript:alert(1)", "https://user:secret@example.org/style.json", "https://"} {
		if err := CheckBasemapStyle(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
