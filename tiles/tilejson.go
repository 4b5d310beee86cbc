package tiles

import "fmt"

// TileJSON is the TileJSON 3.0.0 description of a layer.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	Version      string        `json:"version"`
	Attribution  string        `json:"attribution"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []VectorLayer `json:"vector_layers"`
	// The fields below are not part of TileJSON.
	// Synthetic tells clients the layer shows demo data.
	Synthetic bool `json:"abitare:synthetic,omitempty"`
	// Tileset is the version the tiles URL names: r<release> or a<rendering>.
	Tileset string `json:"abitare:tileset"`
	// Release is the release the public figures come from.
	Release int64 `json:"abitare:release,omitempty"`
	// Rendered is when the tiles were rendered (RFC 3339).
	Rendered string `json:"abitare:rendered"`
}

// VectorLayer describes the one MVT layer a tile source holds.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// TileJSON describes a served layer, with tile URLs under baseURL (e.g. https://host) that name
// the tileset's version, so that a cached tile of an older release is never mixed in.
func (s *Served) TileJSON(layer, baseURL string) (TileJSON, error) {
	l, src, err := s.Layer(layer)
	if err != nil {
		return TileJSON{}, err
	}
	h, _ := s.Header(layer)
	return TileJSON{
		TileJSON: "3.0.0", Name: l.Title["it"], Description: src.Description, Version: "1.0.0",
		Attribution: l.Attribution, Scheme: "xyz",
		Tiles:   []string{fmt.Sprintf("%s/tiles/%s/%s/{z}/{x}/{y}.mvt", baseURL, l.ID, s.Version)},
		MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Bounds: h.Bounds(), Center: h.Center(),
		VectorLayers: []VectorLayer{{ID: l.ID, Description: src.Description, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Fields: src.Fields}},
		Synthetic:    s.archives[layer].synthetic, Tileset: s.Version, Release: s.Tileset.ReleaseID,
		Rendered: s.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"),
	}, nil
}
