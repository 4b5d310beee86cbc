package web

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
)

func (s *Server) clientIP(r *http.Request) string {
	host, viaProxy := s.peer(r)
	if !viaProxy {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trusted(hop) {
			return hop.String()
		}
	}
	return host
}

// peer is the connection's peer address, and whether it is a configured trusted proxy.
func (s *Server) peer(r *http.Request) (host string, trustedProxy bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	return host, err == nil && s.trusted(a)
}

func (s *Server) trusted(a netip.Addr) bool { return inPrefixes(s.cfg.TrustedProxies, a) }

// inPrefixes reports whether a is in one of the networks.
func inPrefixes(networks []netip.Prefix, a netip.Addr) bool {
	for _, p := range networks {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// clientOf returns the client address track found.
func clientOf(r *http.Request) string { return infoOf(r).client }

// viaTLS reports whether the client reached us over TLS: directly, or through a trusted proxy
// that says so.
func (s *Server) viaTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	_, viaProxy := s.peer(r)
	return viaProxy && r.Header.Get("X-Forwarded-Proto") == "https"
}

var requestPrefix = func() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}()

var requestSeq atomic.Uint64

// newRequestID gives a request an id of the server's own (a client's X-Request-Id is not
// trusted: it would let a client forge the log lines of another request).
func newRequestID() string {
	return requestPrefix + "-" + strconv.FormatUint(requestSeq.Add(1), 10)
}
