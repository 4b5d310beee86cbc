package publish

import (
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/abitare/abitare/ui"
)

// The bundle's pages refuse to be framed, except the embed page, which any site may frame; the
// data files need media types that common servers do not know. _headers (Netlify, Cloudflare
// Pages) and nginx.conf (a server-block snippet) say so to the hosts that read them.

const (
	frameNone  = "frame-ancestors 'none'"
	frameAny   = "frame-ancestors *"
	headersTop = `# Headers of the Abitare open-data bundle, in the syntax of Netlify and Cloudflare Pages
# (https://docs.netlify.com/routing/headers/, https://developers.cloudflare.com/pages/configuration/headers/).
# Written by abitare publish. The map pages refuse every frame; the embed page (/embed,
# /embed/, /embed.html) may be framed by any site. Rules name exact paths, because both hosts
# merge the headers of every rule a path matches. Range requests, which the .pmtiles archives
# need, are answered by both hosts by default.
`
)

// mediaTypes are the media types of the bundle's files that web servers' defaults lack.
var mediaTypes = map[string]string{
	".pmtiles": "application/vnd.pmtiles",
	".gpkg":    "application/geopackage+sqlite3",
	".geojson": "application/geo+json",
	".jsonld":  "application/ld+json",
}

// writeHosting writes _headers and nginx.conf at the root of the bundle.
func writeHosting(dir string, sum Summary) error {
	pages, err := mapPages()
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := writeText(filepath.Join(dir, "_headers"), netlifyHeaders(pages, typedFiles(sum))); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := writeText(filepath.Join(dir, "nginx.conf"), nginxConf()); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

// mapPages are the HTML pages of the built front end other than the embed page: "/" and
// /<name>.html.
func mapPages() ([]string, error) {
	pages := []string{"/"}
	entries, err := fs.ReadDir(ui.Dist, "dist")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".html") && e.Name() != "embed.html" {
			pages = append(pages, "/"+e.Name())
		}
	}
	return pages, nil
}

// typedFiles are the bundle's files that need a media type, by path from the root.
func typedFiles(sum Summary) map[string]string {
	out := map[string]string{"/catalog.jsonld": mediaTypes[".jsonld"]}
	for _, r := range sum.Releases {
		for _, f := range r.Files {
			if t, ok := mediaTypes[path.Ext(f.Path)]; ok {
				out["/"+r.Path+"/"+f.Path] = t
			}
		}
	}
	return out
}

func netlifyHeaders(pages []string, typed map[string]string) string {
	var b strings.Builder
	b.WriteString(headersTop)
	for _, p := range pages {
		fmt.Fprintf(&b, "\n%s\n  Content-Security-Policy: %s\n  X-Frame-Options: DENY\n", p, frameNone)
	}
	for _, p := range []string{"/embed", "/embed/", "/embed.html", "/embed/index.html"} {
		fmt.Fprintf(&b, "\n%s\n  Content-Security-Policy: %s\n", p, frameAny)
	}
	paths := make([]string, 0, len(typed))
	for p := range typed {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(&b, "\n%s\n  Content-Type: %s\n", p, typed[p])
	}
	return b.String()
}

// nginxConf is a snippet for a server block whose root is the bundle folder.
func nginxConf() string {
	var types strings.Builder
	exts := make([]string, 0, len(mediaTypes))
	for ext := range mediaTypes {
		exts = append(exts, ext)
	}
	sort.Strings(exts)
	for _, ext := range exts {
		fmt.Fprintf(&types, `
location ~ \%s$ {
    types { }
    default_type %s;
    add_header Content-Security-Policy "%s" always;
    add_header X-Frame-Options DENY always;
}
`, ext, mediaTypes[ext], frameNone)
	}
	return `# nginx snippet for the Abitare open-data bundle, written by abitare publish.
# Include it in a server block whose root is the bundle folder:
#
#   server {
#       listen 443 ssl;
#       server_name dati.example.it;
#       root /srv/abitare;              # the folder abitare publish wrote
#       include /srv/abitare/nginx.conf;
#   }
#
# The map pages refuse every frame; the embed page (/embed, /embed/, /embed.html) may be
# framed by any site: narrow frame-ancestors to the sites that embed it if you wish.
# Range requests, which the map makes on the .pmtiles archives, are on by default for static
# files in nginx. add_header in a location replaces the server's, so each location sets the
# frame headers it needs.

location / {
    add_header Content-Security-Policy "` + frameNone + `" always;
    add_header X-Frame-Options DENY always;
}

# /embed answers embed.html; /embed/ answers embed/index.html (the same page with
# <base href="../">); /embed.html is served as it is.
location /embed {
    add_header Content-Security-Policy "` + frameAny + `" always;
    try_files $uri $uri.html $uri/ =404;
}

# Media types nginx's mime.types lacks. A types block replaces the whole inherited map, so each
# extension gets a location of its own rather than one types block for the server.
` + types.String()
}
