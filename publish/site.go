package publish

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/web/ui"
)

// SiteFile is the file next to the page that tells the map it is served as a static site:
// no Abitare server, the tiles read from the bundle's PMTiles archives.
const SiteFile = "site.json"

// site is the content of site.json: the mode and the vocabulary, with the shape of the
// session's "vocabulary" (GET /api/session), which the front end reads the same way.
type site struct {
	Mode       string             `json:"mode"`
	Vocabulary abitare.Vocabulary `json:"vocabulary"`
}

// writeSite copies the built map page (index.html, app.js, app.css, worker.js) into dir and
// writes dir/site.json, so that any static web server shows the public map of the bundle's
// latest release. When the front end has not been built (no index.html embedded), only
// site.json is written.
func writeSite(dir string) error {
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
	b, err := json.MarshalIndent(site{Mode: "static", Vocabulary: abitare.Words()}, "", "  ")
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, SiteFile), append(b, '\n')); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	return nil
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
