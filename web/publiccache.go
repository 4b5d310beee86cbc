package web

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/abitare/abitare/auth"
)

// publicCache keeps the answers given to anonymous visitors. They show only the figures of the
// latest release, which change when a release is made and not otherwise, so the same request
// always gets the same answer until then: a public map's traffic spike (a press release, a
// council debate) is served from memory instead of queueing for the public role's few database
// connections. Entries are keyed by the release too, so a new release is never answered from
// an older one's entries; requests for the same missing entry wait for the one that computes it.
type publicCache struct {
	release  func() string // the version of the latest public tiles: "r<release>", "" if none
	maxBytes int

	mu      sync.Mutex
	entries map[string]*cachedAnswer
	size    int
	version string
	pending map[string]*sync.WaitGroup
}

type cachedAnswer struct {
	status      int
	header      http.Header // the headers the handler set
	plain, gzip []byte
}

// cacheable answers: the page and the API, as seen anonymously.
func cacheablePath(path string) bool {
	return path == "/" || path == EmbedPath || strings.HasPrefix(path, "/api/")
}

// middleware answers anonymous GETs of the page and the API from the cache.
func (c *publicCache) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		version := c.release()
		if r.Method != http.MethodGet || auth.FromContext(r.Context()).User != "" || version == "" || !cacheablePath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		key := r.Host + " " + r.URL.RequestURI()
		for {
			if a := c.get(version, key); a != nil {
				a.write(w, r)
				return
			}
			wait, mine := c.claim(key)
			if !mine {
				wait.Wait() // someone computes it; then look again
				continue
			}
			rec := &answerRecorder{header: http.Header{}, status: http.StatusOK}
			next.ServeHTTP(rec, r)
			a := rec.answer()
			c.finish(version, key, a, wait)
			a.write(w, r)
			return
		}
	})
}

func (c *publicCache) get(version, key string) *cachedAnswer {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		c.entries, c.size, c.version = map[string]*cachedAnswer{}, 0, version
	}
	return c.entries[key]
}

// claim makes the caller the one to compute key, unless another is already.
func (c *publicCache) claim(key string) (*sync.WaitGroup, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if wg, ok := c.pending[key]; ok {
		return wg, false
	}
	if c.pending == nil {
		c.pending = map[string]*sync.WaitGroup{}
	}
	wg := &sync.WaitGroup{}
	wg.Add(1)
	c.pending[key] = wg
	return wg, true
}

// finish stores a successful answer (bounded: past maxBytes the cache starts afresh) and
// releases those waiting for it.
func (c *publicCache) finish(version, key string, a *cachedAnswer, wg *sync.WaitGroup) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, key)
	defer wg.Done()
	if a.status != http.StatusOK || c.version != version {
		return
	}
	size := len(a.plain) + len(a.gzip) + len(key)
	if c.size+size > c.maxBytes {
		c.entries, c.size = map[string]*cachedAnswer{}, 0
	}
	if size <= c.maxBytes {
		c.entries[key] = a
		c.size += size
	}
}

func (a *cachedAnswer) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	h.Add("Vary", "Accept-Encoding")
	body := a.plain
	if a.gzip != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = a.gzip
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(a.status)
	_, _ = w.Write(body)
}

// answerRecorder captures a handler's answer.
type answerRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *answerRecorder) Header() http.Header         { return r.header }
func (r *answerRecorder) WriteHeader(status int)      { r.status = status }
func (r *answerRecorder) Write(b []byte) (int, error) { return r.body.Write(b) }

// answer is the recorded answer, compressed once when it is worth it.
func (r *answerRecorder) answer() *cachedAnswer {
	a := &cachedAnswer{status: r.status, header: r.header, plain: r.body.Bytes()}
	if len(a.plain) > 1024 && r.header.Get("Content-Encoding") == "" {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(a.plain)
		_ = zw.Close()
		a.gzip = buf.Bytes()
	}
	return a
}
