package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// TestBadBasemapOrEmbedAncestorsRefused: serve and publish refuse a basemap that is not
// absolute https, and serve frame ancestors that are not CSP sources and custom-area rates it
// cannot read, from a flag or the environment, before connecting to anything.
func TestBadBasemapOrEmbedAncestorsRefused(t *testing.T) {
	cases := []struct {
		vars map[string]string
		args []string
		flag string
	}{
		{nil, []string{"serve", "--basemap-style", "http://tiles.example.org/style.json"}, "--basemap-style"},
		{map[string]string{"ABITARE_BASEMAP_STYLE": "tiles.example.org/style.json"}, []string{"serve"}, "--basemap-style"},
		{nil, []string{"serve", "--embed-ancestors", "https://a.it; script-src *"}, "--embed-ancestors"},
		{map[string]string{"ABITARE_EMBED_ANCESTORS": "a.it"}, []string{"serve"}, "--embed-ancestors"},
		{nil, []string{"publish", "--basemap-style", "ftp://example.org/style.json", "dir"}, "--basemap-style"},
		{nil, []string{"serve", "--custom-area-rate", "30 a minute"}, "--custom-area-rate"},
		{map[string]string{"ABITARE_CUSTOM_AREA_RATE": "0/m"}, []string{"serve"}, "--custom-area-rate"},
		{nil, []string{"serve", "--custom-area-burst", "0"}, "--custom-area-burst"},
	}
	for _, c := range cases {
		vars := map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
		for k, v := range c.vars {
			vars[k] = v
		}
		env := &environment{stdout: &bytes.Buffer{}, stderr: io.Discard, getenv: func(k string) string { return vars[k] },
			logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		err := run(context.Background(), env, c.args)
		if err == nil || !strings.Contains(err.Error(), c.flag) {
			t.Errorf("%v with %v: %v, want an error about %s", c.args, c.vars, err, c.flag)
		}
	}
}
