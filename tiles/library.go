package tiles

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/tiles/pmtiles"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrUnknownLayer is returned for a layer the catalog does not have.
var ErrUnknownLayer error = &abitare.Error{Kind: abitare.NotFound, Message: "unknown layer"}

// ErrBadTile is returned for tile coordinates outside the tile pyramid or the layer's zooms.
var ErrBadTile error = &abitare.Error{Kind: abitare.Invalid, Message: "bad tile coordinates"}

// ErrUnknownVersion is returned for a tileset version that is not (or no longer) served.
var ErrUnknownVersion error = &abitare.Error{Kind: abitare.NotFound, Message: "unknown tileset version"}

// ErrNotRendered is returned while an audience has no tileset yet.
var ErrNotRendered error = &abitare.Error{Kind: abitare.Unavailable, Message: "no tiles rendered yet"}

// MaxZoom is the deepest zoom a tile URL may name.
const MaxZoom = 22

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

// Library holds an audience's recent tilesets in memory and answers tile requests from them:
// the latest, and the ones superseded less than Retention ago, so that maps opened on an older
// release keep working. Reads take no lock.
type Library struct {
	Audience Audience
	// Read runs as the audience's database role: it reads the tilesets and, when one is
	// missing, the figures to render it from.
	Read *pgxpool.Pool
	// RenderMissing renders and stores the current tileset when none is stored
	// (pipeline.RenderWith, reading through Read); nil: the library only loads.
	RenderMissing func(ctx context.Context, read *pgxpool.Pool, a Audience, minCount int) (*Tileset, error)
	MinCount      int           // restricted: the threshold served
	Retention     time.Duration // how long a superseded tileset stays served
	Logger        *slog.Logger

	shelf   atomic.Pointer[shelf]
	refresh sync.Mutex
}

// shelf is what the library serves at one moment.
type shelf struct {
	latest    *Served
	byVersion map[string]*Served
}

// Served is a tileset ready to serve.
type Served struct {
	Version   string
	Tileset   *Tileset // without its archives' bytes: they live in archives
	CreatedAt time.Time
	archives  map[string]*servedArchive
}

type servedArchive struct {
	layer     Layer
	source    *Source
	archive   *pmtiles.Archive
	etagBase  string
	synthetic bool // the metadata says the layer shows demo data
}

// Tile is one tile as stored: gzip-compressed MVT, with a strong entity tag.
type Tile struct {
	Gzipped []byte // nil for an empty tile
	ETag    string // unquoted; differs between versions and tiles
}

// Refresh loads the audience's tilesets within retention, rendering and storing the current one
// first when it is missing (a new release or analysis run the server has not seen rendered).
func (lib *Library) Refresh(ctx context.Context) error {
	lib.refresh.Lock()
	defer lib.refresh.Unlock()
	key, err := currentKey(ctx, lib.Read, lib.Audience)
	if err != nil {
		return err
	}
	list, err := listStored(ctx, lib.Read, lib.Audience, lib.MinCount, lib.retention())
	if err != nil {
		return err
	}
	if key > 0 && !hasKey(list, lib.Audience, key) && lib.RenderMissing != nil {
		if err := lib.renderCurrent(ctx); err != nil {
			return err
		}
		if list, err = listStored(ctx, lib.Read, lib.Audience, lib.MinCount, lib.retention()); err != nil {
			return err
		}
	}
	return lib.load(ctx, list)
}

func hasKey(list []stored, a Audience, key int64) bool {
	for _, s := range list {
		if (a == Public && s.release == key) || (a == Restricted && s.run == key) {
			return true
		}
	}
	return false
}

func (lib *Library) renderCurrent(ctx context.Context) error {
	lib.logger().Info("rendering tiles", "audience", lib.Audience, "min_count", lib.MinCount)
	ts, err := lib.RenderMissing(ctx, lib.Read, lib.Audience, lib.MinCount)
	if err != nil {
		return err
	}
	lib.logger().Info("tiles rendered", "audience", lib.Audience, "version", ts.Version(), "elapsed", ts.Elapsed.Round(time.Millisecond))
	return nil
}

// load builds a new shelf from the stored list, reusing what is already in memory.
func (lib *Library) load(ctx context.Context, list []stored) error {
	old := lib.shelf.Load()
	next := &shelf{byVersion: map[string]*Served{}}
	for i, s := range list {
		var served *Served
		if old != nil {
			version := (&Tileset{ID: s.id, Audience: lib.Audience, ReleaseID: s.release}).Version()
			if o, ok := old.byVersion[version]; ok && o.Tileset.ID == s.id {
				served = o
			}
		}
		if served == nil {
			ts, err := load(ctx, lib.Read, lib.Audience, s)
			if err != nil {
				return err
			}
			if served, err = serve(ts); err != nil {
				return err
			}
			lib.logger().Info("tileset loaded", "audience", lib.Audience, "version", served.Version, "layers", len(served.archives))
		}
		next.byVersion[served.Version] = served
		if i == 0 {
			next.latest = served
		}
	}
	lib.shelf.Store(next)
	return nil
}

// serve opens a tileset's archives for serving.
func serve(ts *Tileset) (*Served, error) {
	s := &Served{Version: ts.Version(), CreatedAt: ts.CreatedAt, archives: map[string]*servedArchive{}}
	for id, a := range ts.Archives {
		l, ok := Find(ts.Audience, id)
		if !ok || l.OwnTileset(ts.Audience) != ts.Audience {
			continue // a layer since removed from the catalog, or now read from another tileset
		}
		sa := &servedArchive{layer: l, source: l.Source(ts.Audience), etagBase: hex.EncodeToString(a.SHA256[:8]) + "-"}
		if len(a.Data) > 0 { // else a layer with no features: no archive
			var err error
			if sa.archive, err = pmtiles.Open(a.Data); err != nil {
				return nil, fmt.Errorf("tileset %d layer %s: %w", ts.ID, id, err)
			}
			if sa.synthetic, err = syntheticData(sa.archive); err != nil {
				return nil, fmt.Errorf("tileset %d layer %s: %w", ts.ID, id, err)
			}
		}
		s.archives[id] = sa
		a.Data = nil // the pmtiles.Archive holds the bytes
	}
	s.Tileset = ts
	return s, nil
}

func (lib *Library) retention() time.Duration {
	if lib.Retention <= 0 {
		return 30 * 24 * time.Hour
	}
	return lib.Retention
}

func (lib *Library) logger() *slog.Logger {
	if lib.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return lib.Logger
}

// Watch refreshes the library every interval until ctx ends, logging failures: a new release
// or analysis run is picked up without a restart.
func (lib *Library) Watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := lib.Refresh(ctx); err != nil && ctx.Err() == nil {
				lib.logger().Error("tiles refresh failed", "audience", lib.Audience, "err", err)
			}
		}
	}
}

// Latest is the newest tileset, or nil before any is loaded.
func (lib *Library) Latest() *Served {
	if s := lib.shelf.Load(); s != nil {
		return s.latest
	}
	return nil
}

// Version finds a served tileset by its version; "" is the latest.
func (lib *Library) Version(v string) (*Served, error) {
	s := lib.shelf.Load()
	if s == nil || s.latest == nil {
		return nil, ErrNotRendered
	}
	if v == "" {
		return s.latest, nil
	}
	if served, ok := s.byVersion[v]; ok {
		return served, nil
	}
	return nil, fmt.Errorf("%w %q: the latest is %s", ErrUnknownVersion, v, s.latest.Version)
}

// Layer returns a served layer with the source its audience sees.
func (s *Served) Layer(id string) (Layer, *Source, error) {
	a, ok := s.archives[id]
	if !ok {
		return Layer{}, nil, fmt.Errorf("%w %q", ErrUnknownLayer, id)
	}
	return a.layer, a.source, nil
}

// Tile returns a stored tile. Zooms outside the layer's range are refused; a tile inside it
// that no feature touches is empty (Gzipped nil).
func (s *Served) Tile(layer string, z, x, y int) (Tile, error) {
	a, ok := s.archives[layer]
	if !ok {
		return Tile{}, fmt.Errorf("%w %q", ErrUnknownLayer, layer)
	}
	if err := CheckTile(z, x, y); err != nil {
		return Tile{}, err
	}
	if z < a.layer.MinZoom || z > a.layer.MaxZoom {
		return Tile{}, fmt.Errorf("%w: layer %s has zooms %d to %d (MapLibre overzooms beyond)", ErrBadTile, layer, a.layer.MinZoom, a.layer.MaxZoom)
	}
	var data []byte
	if a.archive != nil {
		data, _ = a.archive.Tile(uint8(z), uint32(x), uint32(y))
	}
	etag := a.etagBase + strconv.Itoa(z) + "-" + strconv.Itoa(x) + "-" + strconv.Itoa(y)
	return Tile{Gzipped: data, ETag: etag}, nil
}

// Header returns a layer archive's PMTiles header; for an empty layer, another layer's, whose
// bounds are the same study area's.
func (s *Served) Header(layer string) (pmtiles.Header, bool) {
	if a, ok := s.archives[layer]; ok && a.archive != nil {
		return a.archive.Header(), true
	}
	for _, a := range s.archives {
		if a.archive != nil {
			return a.archive.Header(), true
		}
	}
	return pmtiles.Header{}, false
}

// syntheticData reads the archive metadata's flag for demo data.
func syntheticData(a *pmtiles.Archive) (bool, error) {
	raw, err := a.Metadata()
	if err != nil {
		return false, err
	}
	var meta struct {
		Synthetic bool `json:"abitare:synthetic"`
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return false, fmt.Errorf("metadata: %w", err)
	}
	return meta.Synthetic, nil
}

// Layers lists the served layers in catalog order.
func (s *Served) Layers() []Layer {
	var out []Layer
	for _, l := range layers {
		if a, ok := s.archives[l.ID]; ok {
			out = append(out, a.layer)
		}
	}
	return out
}
