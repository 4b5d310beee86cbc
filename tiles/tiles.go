package tiles

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrUnknownLayer is returned for a layer the catalog does not have.
var ErrUnknownLayer = errors.New("unknown layer")

// ErrBadTile is returned for tile coordinates outside the tile pyramid.
var ErrBadTile = errors.New("bad tile coordinates")

// MaxZoom is the deepest zoom served; MapLibre overzooms beyond a layer's maxzoom.
const MaxZoom = 22

// Tiler builds tiles and TileJSON from the database.
type Tiler struct {
	db       *pgxpool.Pool
	layers   map[string]Layer
	order    []string
	minCount int
}

// NewTiler serves layers from db; counts between 1 and minCount-1 are never published.
func NewTiler(db *pgxpool.Pool, layers []Layer, minCount int) (*Tiler, error) {
	if minCount < 1 {
		return nil, fmt.Errorf("disclosure threshold %d: want at least 1", minCount)
	}
	t := &Tiler{db: db, layers: make(map[string]Layer, len(layers)), minCount: minCount}
	for _, l := range layers {
		if _, dup := t.layers[l.ID]; dup {
			return nil, fmt.Errorf("layer %q defined twice", l.ID)
		}
		t.layers[l.ID] = l
		t.order = append(t.order, l.ID)
	}
	return t, nil
}

// Layers returns the catalog in its order.
func (t *Tiler) Layers() []Layer {
	out := make([]Layer, len(t.order))
	for i, id := range t.order {
		out[i] = t.layers[id]
	}
	return out
}

// Layer returns one layer of the catalog.
func (t *Tiler) Layer(id string) (Layer, error) {
	l, ok := t.layers[id]
	if !ok {
		return Layer{}, fmt.Errorf("%w %q", ErrUnknownLayer, id)
	}
	return l, nil
}

// CheckTile reports whether z/x/y is a tile of the pyramid.
func CheckTile(z, x, y int) error {
	if z < 0 || z > MaxZoom {
		return fmt.Errorf("%w: zoom %d outside 0..%d", ErrBadTile, z, MaxZoom)
	}
	n := 1 << z
	if x < 0 || x >= n || y < 0 || y >= n {
		return fmt.Errorf("%w: x and y must be within 0..%d at zoom %d", ErrBadTile, n-1, z)
	}
	return nil
}

// Tile returns the encoded MVT of one layer at z/x/y; an empty slice means an empty tile.
func (t *Tiler) Tile(ctx context.Context, layer string, z, x, y int) ([]byte, error) {
	l, err := t.Layer(layer)
	if err != nil {
		return nil, err
	}
	if err := CheckTile(z, x, y); err != nil {
		return nil, err
	}
	sql, extra := l.query(z, t.minCount)
	args := append([]any{z, x, y}, extra...)
	var mvt []byte
	if err := t.db.QueryRow(ctx, sql, args...).Scan(&mvt); err != nil {
		return nil, fmt.Errorf("build tile %s/%d/%d/%d: %w", layer, z, x, y, err)
	}
	return mvt, nil
}

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
	// Synthetic is not part of TileJSON: it tells clients the layer shows demo data.
	Synthetic bool `json:"abitare:synthetic,omitempty"`
}

// VectorLayer describes the one MVT layer a tile source holds.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// TileJSON describes layer with tile URLs under baseURL (e.g. https://host).
func (t *Tiler) TileJSON(ctx context.Context, layer, baseURL string) (TileJSON, error) {
	l, err := t.Layer(layer)
	if err != nil {
		return TileJSON{}, err
	}
	bounds, err := t.bounds(ctx)
	if err != nil {
		return TileJSON{}, err
	}
	synthetic, err := t.synthetic(ctx, l)
	if err != nil {
		return TileJSON{}, err
	}
	return TileJSON{
		TileJSON: "3.0.0", Name: l.Title["it"], Description: l.Description, Version: "1.0.0",
		Attribution: l.Attribution, Scheme: "xyz",
		Tiles:   []string{fmt.Sprintf("%s/tiles/%s/{z}/{x}/{y}.mvt", baseURL, l.ID)},
		MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Bounds: bounds,
		Center: [3]float64{(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 12},
		VectorLayers: []VectorLayer{{
			ID: l.ID, Description: l.Description, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Fields: l.Fields,
		}},
		Synthetic: synthetic,
	}, nil
}

// synthetic reports whether a figure layer shows stand-in census sections.
func (t *Tiler) synthetic(ctx context.Context, l Layer) (bool, error) {
	if l.ID == "omi_zones" || l.ID == "boundary" {
		return false, nil
	}
	var any bool
	if err := t.db.QueryRow(ctx, `SELECT coalesce(bool_or(synthetic), false) FROM census_sections`).Scan(&any); err != nil {
		return false, fmt.Errorf("check for synthetic sections: %w", err)
	}
	return any, nil
}

func (t *Tiler) bounds(ctx context.Context) ([4]float64, error) {
	var b [4]float64
	err := t.db.QueryRow(ctx, `
		SELECT coalesce(ST_XMin(e), -180), coalesce(ST_YMin(e), -85), coalesce(ST_XMax(e), 180), coalesce(ST_YMax(e), 85)
		FROM (SELECT ST_Extent(geom)::geometry AS e FROM municipalities) x`).Scan(&b[0], &b[1], &b[2], &b[3])
	if err != nil {
		return b, fmt.Errorf("study area bounds: %w", err)
	}
	return b, nil
}
