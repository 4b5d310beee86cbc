package publish

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/territory"
	"github.com/abitare/abitare/ui"
)

// SiteFile is the file next to the page that tells the map it is served as a static site:
// no Abitare server, the tiles read from the bundle's PMTiles archives.
const SiteFile = "site.json"

// site is the content of site.json: the mode, the vocabulary, with the shape of the session's
// "vocabulary" (GET /api/session), which the front end reads the same way, and the basemap.
type site struct {
	Mode         string             `json:"mode"`
	Vocabulary   abitare.Vocabulary `json:"vocabulary"`
	BasemapStyle string             `json:"basemap_style,omitempty"`
	// Territory names the study area (page titles, the map's first view), as the live
	// server's tile catalog does (GET /tiles/catalog.json); absent when unknown.
	Territory *territory.Description `json:"territory,omitempty"`
}

// writeSite copies the built map page (index.html, embed.html, app.js, app.css, worker.js)
// into dir, with embed/index.html, and writes dir/site.json, so that any static web server
// shows the public map of the bundle's latest release. When the front end has not been built
// (no index.html embedded), only site.json is written.
func writeSite(dir string, opt Options, area *territory.Description) error {
	dist, err := fs.Sub(ui.Dist, "dist")
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	err = fs.WalkDir(dist, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		b, err := fs.ReadFile(dist, path)
		if err != nil {
			return err
		}
		out := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return writeFileAtomic(out, b)
	})
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	if err := writeEmbedFolder(dir, dist); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	b, err := json.MarshalIndent(site{Mode: "static", Vocabulary: abitare.Words(), BasemapStyle: opt.BasemapStyle, Territory: area}, "", "  ")
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, SiteFile), append(b, '\n')); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	return nil
}

// charsetMeta is the first element of the map pages' head, after which the embed meta and the
// base go (web/app/build.mjs inserts the first the same way).
const charsetMeta = `<meta charset="utf-8">`

// writeEmbedFolder writes embed/index.html: embed.html with <base href="../">, so that a server
// answering /embed/ with the folder's index finds the page's assets and data one level up.
func writeEmbedFolder(dir string, dist fs.FS) error {
	if _, err := fs.Stat(dist, "index.html"); err != nil {
		return nil // not built
	}
	page, err := fs.ReadFile(dist, "embed.html")
	if err != nil {
		return fmt.Errorf("the front end was built without embed.html (run make web): %w", err)
	}
	if !bytes.Contains(page, []byte(charsetMeta)) {
		return fmt.Errorf("embed.html has no %s to put the base after", charsetMeta)
	}
	page = bytes.Replace(page, []byte(charsetMeta), []byte(charsetMeta+"\n  <base href=\"../\">"), 1)
	if err := os.MkdirAll(filepath.Join(dir, "embed"), 0o755); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "embed", "index.html"), page)
}

// writeFileAtomic writes b to path through a temporary file renamed into place, so that a
// web server never serves half a file.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
