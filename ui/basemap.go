package ui

import (
	"fmt"
	"net/url"
)

// CheckBasemapStyle checks the URL of a MapLibre style drawn under the data (abitare serve and
// publish --basemap-style): absolute https, or http to this machine (a style server run for
// development). An empty URL is no basemap, and is accepted.
func CheckBasemapStyle(style string) error {
	if style == "" {
		return nil
	}
	u, err := url.Parse(style)
	if err != nil {
		return fmt.Errorf("basemap style %q: %w", style, err)
	}
	local := u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1"
	switch {
	case u.Host == "" || !u.IsAbs():
		return fmt.Errorf("basemap style %q: want an absolute URL such as https://tiles.openfreemap.org/styles/positron", style)
	case u.User != nil:
		return fmt.Errorf("basemap style %q: credentials in the URL would be given to every visitor", style)
	case u.Scheme == "https", u.Scheme == "http" && local:
		return nil
	default:
		return fmt.Errorf("basemap style %q: want https (http only for localhost or 127.0.0.1)", style)
	}
}
