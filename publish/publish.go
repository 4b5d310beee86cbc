// Package publish writes the observatory's open-data releases as a static bundle: plain files
// that any web server, object-storage bucket or CDN can serve, with no Abitare server or
// database behind them.
//
// Usage, with a connection as the public role (it reads only what the public may see):
//
//	sum, err := publish.Write(ctx, publicPool, "site", publish.Options{
//		BaseURL:   "https://dati.example.it/abitare/",
//		Publisher: dcat.Publisher{Name: "Comune di Modena", IPACode: "c_f257", Email: "...", Homepage: "..."},
//	})
//
// The bundle:
//
//	index.json                      every release kept, newest first, and the latest
//	catalog.jsonld, catalog.rdf     DCAT-AP_IT 2.0 metadata of every release (JSON-LD, RDF/XML)
//	releases/r<N>/README.md         what the release is, in Italian and English
//	releases/r<N>/LICENSE.md        the licence (CC BY 4.0 unless configured)
//	releases/r<N>/CHANGELOG.md      the releases up to this one
//	releases/r<N>/manifest.json     the disclosure-control manifest, as the public sees it
//	releases/r<N>/dictionary.csv    every column of the data files, in Italian and English
//	releases/r<N>/data/<g>.csv      the published figures of geography g, every period (UTF-8)
//	releases/r<N>/data/<g>.geojson  the same per area and period, with the area's outline (RFC 7946)
//	releases/r<N>/data/abitare-r<N>.gpkg  every geography as a layer of one GeoPackage
//	releases/r<N>/tiles/<layer>.pmtiles  the release's vector tiles (PMTiles v3)
//	releases/r<N>/figures/<g>/<period>.json  the figures of geography g in one period, compact
//	                                (package figures; the same as GET /api/figures/<g>)
//	releases/r<N>/SHA256SUMS        the checksum of every file above
//	gazetteer.json                  the search index of streets, civic numbers, zones and sections
//	index.html, app.js, ...         the public map of the latest release, static (see site.go)
//	embed.html, embed/index.html    the same map for framing in other sites
//	site.json                       tells the map it is static; the vocabulary; the basemap
//	_headers, nginx.conf            frame and media-type headers for the common hosts (hosting.go)
//
// Each release is written to a temporary folder and renamed into place, so a failed run leaves
// the previous bundle as it was, and a run can be repeated.
package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/abitare/abitare/geo/territory"
	"github.com/abitare/abitare/publish/dcat"
	"github.com/abitare/abitare/ui"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options configure a bundle.
type Options struct {
	// BaseURL is where the bundle will be served from, for the catalog's absolute links.
	BaseURL string
	// License names the data licence (CC-BY-4.0, CC0-1.0, IODL-2.0); empty means CC BY 4.0.
	License string
	// Publisher is the public body that publishes the data, for the DCAT-AP_IT catalog.
	Publisher dcat.Publisher
	// BasemapStyle is the URL of a MapLibre style the map draws under the data (site.json);
	// empty: none, the map makes no request to another site.
	BasemapStyle string
	Logger       *slog.Logger
}

// DefaultLicense is the data licence unless configured otherwise.
const DefaultLicense = "CC-BY-4.0"

// Summary says what a bundle holds.
type Summary struct {
	Releases []ReleaseFiles `json:"releases"`
	Latest   int64          `json:"latest"`
	// Gazetteer is the search index of places, relative to the bundle (GazetteerFile).
	Gazetteer string `json:"gazetteer"`
}

// GazetteerFile is the gazetteer's file at the root of the bundle.
const GazetteerFile = "gazetteer.json"

// ReleaseFiles is one release's folder and what is in it.
type ReleaseFiles struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	Periods   []string  `json:"periods"`
	Path      string    `json:"path"`
	Files     []File    `json:"files"`
}

// File is one file of a release, with its checksum.
type File struct {
	Path   string `json:"path"` // relative to the release folder
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Write writes every release kept into dir.
func Write(ctx context.Context, db *pgxpool.Pool, dir string, opt Options) (Summary, error) {
	if opt.License == "" {
		opt.License = DefaultLicense
	}
	if _, ok := licenses[opt.License]; !ok {
		return Summary{}, fmt.Errorf("publish: licence %q: want one of CC-BY-4.0, CC0-1.0, IODL-2.0", opt.License)
	}
	if err := ui.CheckBasemapStyle(opt.BasemapStyle); err != nil {
		return Summary{}, fmt.Errorf("publish: %w", err)
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	releases, err := readReleases(ctx, db)
	if err != nil {
		return Summary{}, err
	}
	if len(releases) == 0 {
		return Summary{}, fmt.Errorf("publish: nothing released yet (run abitare release)")
	}
	if err := os.MkdirAll(filepath.Join(dir, "releases"), 0o755); err != nil {
		return Summary{}, fmt.Errorf("publish: %w", err)
	}
	var sum Summary
	for i, r := range releases {
		start := time.Now()
		files, err := writeRelease(ctx, db, dir, r, releases[i:], i == 0, opt)
		if err != nil {
			return sum, fmt.Errorf("publish release %d: %w", r.ID, err)
		}
		sum.Releases = append(sum.Releases, ReleaseFiles{ID: r.ID, CreatedAt: r.CreatedAt, Periods: r.Periods,
			Path: releasePath(r.ID), Files: files})
		opt.Logger.Info("release published", "release", r.ID, "files", len(files), "elapsed", time.Since(start).Round(time.Millisecond))
	}
	sum.Latest = releases[0].ID
	if err := writeCatalog(ctx, db, dir, releases, sum, opt); err != nil {
		return sum, err
	}
	if err := writeGazetteer(ctx, db, dir); err != nil {
		return sum, err
	}
	sum.Gazetteer = GazetteerFile
	area, err := territory.Describe(ctx, db)
	if err != nil {
		return sum, fmt.Errorf("publish: %w", err)
	}
	if err := writeSite(dir, opt, &area); err != nil {
		return sum, err
	}
	if err := writeHosting(dir, sum); err != nil {
		return sum, err
	}
	return sum, writeJSONFile(filepath.Join(dir, "index.json"), sum)
}

func releasePath(id int64) string { return fmt.Sprintf("releases/r%d", id) }

// writeRelease writes one release (upTo: it and the earlier ones, newest first) to a
// temporary folder, then renames it into place.
func writeRelease(ctx context.Context, db *pgxpool.Pool, dir string, r release, upTo []release, latest bool, opt Options) ([]File, error) {
	final := filepath.Join(dir, releasePath(r.ID))
	tmp := final + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	steps := []func() error{
		func() error { return writeData(ctx, db, tmp, r) },
		func() error { return writeTiles(ctx, db, tmp, r, latest) },
		func() error { return writeFigures(ctx, db, tmp, r) },
		func() error { return writeJSONFile(filepath.Join(tmp, "manifest.json"), publicManifest(r)) },
		func() error { return writeText(filepath.Join(tmp, "dictionary.csv"), dictionaryCSV()) },
		func() error { return writeText(filepath.Join(tmp, "README.md"), readme(r, opt)) },
		func() error { return writeText(filepath.Join(tmp, "LICENSE.md"), licenseText(opt.License)) },
		func() error { return writeText(filepath.Join(tmp, "CHANGELOG.md"), changelog(upTo)) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	files, err := checksum(tmp)
	if err != nil {
		return nil, err
	}
	if err := os.RemoveAll(final); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, err
	}
	return files, nil
}

// checksum hashes every file of a release folder and writes SHA256SUMS (sha256sum's format).
func checksum(dir string) ([]File, error) {
	var files []File
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		n, err := io.Copy(h, f)
		if err != nil {
			return err
		}
		files = append(files, File{Path: filepath.ToSlash(rel), Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("checksums: %w", err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	var b strings.Builder
	for _, f := range files {
		fmt.Fprintf(&b, "%s  %s\n", f.SHA256, f.Path)
	}
	return files, writeText(filepath.Join(dir, "SHA256SUMS"), b.String())
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeText(path, string(b)+"\n")
}

func writeText(path, s string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}
