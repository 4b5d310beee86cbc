package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/abitare/abitare/tiles/pmtiles"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"
)

// MVT encoding parameters, as pg_tileserv and Martin use them.
const (
	extent = 4096
	buffer = 64
)

// margin is the buffer as a fraction of a tile, for ST_TileEnvelope's margin.
var margin = fmt.Sprintf("%d.0 / %d", buffer, extent)

// Tileset is one rendering of an audience's layers: a PMTiles archive per layer.
type Tileset struct {
	ID        int64 // 0 until stored
	Audience  Audience
	ReleaseID int64 // public: the release rendered
	RunID     int64 // restricted: the latest analysis run rendered
	MinCount  int   // restricted: counts from 1 to MinCount-1 withheld
	CreatedAt time.Time
	Elapsed   time.Duration
	Archives  map[string]*Archive // by layer
}

// Archive is one layer's PMTiles archive.
type Archive struct {
	Layer    string
	Data     []byte
	SHA256   [32]byte
	Tiles    int
	Features int64
}

// Version names the tileset in tile URLs: the release for the public, the rendering for the
// restricted audience.
func (t *Tileset) Version() string {
	if t.Audience == Public {
		return "r" + strconv.FormatInt(t.ReleaseID, 10)
	}
	return "a" + strconv.FormatInt(t.ID, 10)
}

// RenderOptions tune Render.
type RenderOptions struct {
	MinCount int // threshold of the restricted figures; ignored for the public
	Workers  int // connections rendering layers at once; default 3
	Logger   *slog.Logger
}

// Render renders every layer the audience sees from db, whose connections should run as the
// audience's database role: the public tileset is then read with the rights of anonymous users.
func Render(ctx context.Context, db *pgxpool.Pool, audience Audience, opt RenderOptions) (*Tileset, error) {
	if audience == Restricted && opt.MinCount < 1 {
		return nil, fmt.Errorf("render tiles: disclosure threshold %d: want at least 1", opt.MinCount)
	}
	if opt.Workers <= 0 {
		opt.Workers = 3
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	ts := &Tileset{Audience: audience, MinCount: opt.MinCount, Archives: map[string]*Archive{}}
	if err := ts.readVersion(ctx, db); err != nil {
		return nil, err
	}
	area, err := readStudyArea(ctx, db)
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opt.Workers)
	for _, l := range Rendered(audience) {
		g.Go(func() error {
			a, err := renderLayer(gctx, db, l, l.Source(audience), opt.MinCount, area)
			if err != nil {
				return err
			}
			opt.Logger.Info("layer rendered", "audience", audience, "layer", l.ID, "tiles", a.Tiles,
				"features", a.Features, "bytes", len(a.Data), "elapsed", time.Since(start).Round(time.Millisecond))
			mu.Lock()
			ts.Archives[l.ID] = a
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	ts.Elapsed = time.Since(start)
	return ts, nil
}

// readVersion records what the tileset renders: the latest release, or the latest analysis run.
func (t *Tileset) readVersion(ctx context.Context, db *pgxpool.Pool) error {
	key, err := currentKey(ctx, db, t.Audience)
	if err != nil {
		return fmt.Errorf("render %s tiles: %w", t.Audience, err)
	}
	if t.Audience == Restricted {
		t.RunID = key
		return nil
	}
	if key == 0 {
		return fmt.Errorf("render public tiles: no release yet (run abitare release)")
	}
	t.ReleaseID = key
	return nil
}

// studyArea is what every archive's header says of where the data is.
type studyArea struct {
	bounds    [4]float64
	synthetic bool
}

func readStudyArea(ctx context.Context, db *pgxpool.Pool) (studyArea, error) {
	var a studyArea
	err := db.QueryRow(ctx, `
		SELECT coalesce(ST_XMin(e), -180), coalesce(ST_YMin(e), -85), coalesce(ST_XMax(e), 180), coalesce(ST_YMax(e), 85),
		       (SELECT coalesce(bool_or(synthetic), false) FROM census_sections)
		FROM (SELECT ST_Extent(geom)::geometry AS e FROM municipalities) x`).
		Scan(&a.bounds[0], &a.bounds[1], &a.bounds[2], &a.bounds[3], &a.synthetic)
	if err != nil {
		return a, fmt.Errorf("study area bounds: %w", err)
	}
	return a, nil
}

// renderLayer materialises the layer's features once in a tile-ready temporary table of its
// own connection, then cuts each zoom's tiles in one statement.
func renderLayer(ctx context.Context, db *pgxpool.Pool, l Layer, s *Source, minCount int, area studyArea) (*Archive, error) {
	conn, err := db.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", l.ID, err)
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", l.ID, err)
	}
	defer tx.Rollback(ctx)
	if err := createReadyTable(ctx, tx, s, minCount); err != nil {
		return nil, fmt.Errorf("render %s: tile-ready table: %w", l.ID, err)
	}
	meta, err := metadata(l, s, area)
	if err != nil {
		return nil, err
	}
	b := pmtiles.NewBuilder(pmtiles.Options{
		TileType: pmtiles.MVT, TileCompression: pmtiles.Gzip,
		MinZoom: uint8(l.MinZoom), MaxZoom: uint8(l.MaxZoom), Bounds: area.bounds,
		Center:   [3]float64{(area.bounds[0] + area.bounds[2]) / 2, (area.bounds[1] + area.bounds[3]) / 2, 12},
		Metadata: meta,
	})
	a := &Archive{Layer: l.ID, Data: []byte{}}
	cut := cutQuery(l.ID, s)
	zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	for z := l.MinZoom; z <= l.MaxZoom; z++ {
		if err := cutZoom(ctx, tx, cut, z, b, a, zw); err != nil {
			return nil, fmt.Errorf("render %s at zoom %d: %w", l.ID, z, err)
		}
	}
	if a.Tiles == 0 {
		return a, nil // no figures yet (e.g. no release): an empty layer, served as 204s
	}
	if a.Data, err = b.Bytes(); err != nil {
		return nil, fmt.Errorf("render %s: write archive: %w", l.ID, err)
	}
	a.SHA256 = sha256.Sum256(a.Data)
	return a, nil
}

func createReadyTable(ctx context.Context, tx pgx.Tx, s *Source, minCount int) error {
	settings := []string{
		`SET LOCAL work_mem = '256MB'`,
		`SET LOCAL jit = off`,
		`SET LOCAL statement_timeout = '15min'`, // a batch job, not a request
	}
	for _, sql := range append(settings, readyTable(s, minCount, "CREATE TEMP TABLE tile_ready ON COMMIT DROP", "tile_ready")...) {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return err
		}
	}
	return nil
}

// featuresSQL is the source's features query for a threshold. The threshold is written into
// the SQL as an integer literal because CREATE TABLE AS takes no parameters.
func (s *Source) featuresSQL(minCount int) string {
	return strings.ReplaceAll(s.features, "$1", strconv.Itoa(minCount))
}

// mvtColumns is the select list of one tile's features from the relation r: the feature id,
// the clipped geometry and the fields.
func mvtColumns(s *Source, geom string) string {
	cols := []string{"ST_AsMVTGeom(" + geom + ", ST_TileEnvelope($1, t.x, t.y), " +
		strconv.Itoa(extent) + ", " + strconv.Itoa(buffer) + ", true) AS geom"}
	if s.hasFID {
		cols = append(cols, "r.fid")
	}
	for _, c := range s.Columns() {
		cols = append(cols, "r."+c)
	}
	return strings.Join(cols, ", ")
}

// asMVT is the aggregate that encodes one tile of the rows q.
func asMVT(layer string, s *Source) string {
	fid := ""
	if s.hasFID {
		fid = ", 'fid'"
	}
	return fmt.Sprintf("ST_AsMVT(q, '%s', %d, 'geom'%s ORDER BY q.%s)", layer, extent, fid, s.order)
}

// cutQuery cuts every tile of zoom $1 that a feature of tile_ready touches: the tiles are
// enumerated from each feature's extent (with the buffer), and each is encoded from the
// features its buffered envelope finds through the spatial index.
func cutQuery(layer string, s *Source) string {
	const world = "20037508.342789244"
	span := func(lo, hi string) string {
		return fmt.Sprintf("generate_series(greatest(0, floor(%s / p.size - %s)::int), least(p.n - 1, floor(%s / p.size + %s)::int))", lo, margin, hi, margin)
	}
	return `WITH p AS (SELECT $1::int AS z, 1 << $1::int AS n, 2 * ` + world + ` / (1 << $1::int) AS size),
tiles AS (
	SELECT DISTINCT x, y FROM tile_ready r CROSS JOIN p
	CROSS JOIN LATERAL ` + span("(ST_XMin(r.geom) + "+world+")", "(ST_XMax(r.geom) + "+world+")") + ` x
	CROSS JOIN LATERAL ` + span("("+world+" - ST_YMax(r.geom))", "("+world+" - ST_YMin(r.geom))") + ` y
	WHERE p.z BETWEEN r.minzoom AND r.maxzoom
)
SELECT t.x, t.y, m.mvt, m.features FROM tiles t CROSS JOIN LATERAL (
	SELECT ` + asMVT(layer, s) + ` AS mvt, count(*) AS features FROM (
		SELECT ` + mvtColumns(s, "r.geom") + `
		FROM tile_ready r
		WHERE r.geom && ST_TileEnvelope($1, t.x, t.y, margin => ` + margin + `) AND $1 BETWEEN r.minzoom AND r.maxzoom
	) q WHERE q.geom IS NOT NULL
) m WHERE m.features > 0`
}

func cutZoom(ctx context.Context, tx pgx.Tx, cut string, z int, b *pmtiles.Builder, a *Archive, zw *gzip.Writer) error {
	rows, err := tx.Query(ctx, cut, z)
	if err != nil {
		return err
	}
	defer rows.Close()
	var x, y int
	var mvt []byte
	var features int64
	for rows.Next() {
		if err := rows.Scan(&x, &y, &mvt, &features); err != nil {
			return err
		}
		data, err := gzipTile(zw, mvt)
		if err != nil {
			return err
		}
		if err := b.Add(uint8(z), uint32(x), uint32(y), data); err != nil {
			return err
		}
		a.Tiles++
		a.Features += features
	}
	return rows.Err()
}

func gzipTile(zw *gzip.Writer, mvt []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw.Reset(&buf)
	if _, err := zw.Write(mvt); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// metadata is the archive's JSON metadata: what TileJSON says of the layer.
func metadata(l Layer, s *Source, area studyArea) ([]byte, error) {
	m := map[string]any{
		"name": l.Title["it"], "description": s.Description, "attribution": l.Attribution,
		"type": "overlay", "format": "pbf",
		"vector_layers": []VectorLayer{{ID: l.ID, Description: s.Description, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Fields: s.Fields}},
	}
	if area.synthetic && l.SyntheticData {
		m["abitare:synthetic"] = true
	}
	out, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("archive metadata of %s: %w", l.ID, err)
	}
	return out, nil
}

// OnTheFly builds one tile straight from the layer's features query, as a tile server that
// renders per request would: the reference the archives are tested against, and the baseline
// of the tile benchmark.
func OnTheFly(ctx context.Context, db *pgxpool.Pool, audience Audience, layer string, minCount, z, x, y int) ([]byte, error) {
	l, ok := Find(audience, layer)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownLayer, layer)
	}
	s := l.Source(audience)
	sql := `SELECT ` + asMVT(l.ID, s) + ` FROM (
		SELECT ` + mvtColumns(s, "ST_Transform(r.geom, 3857)") + `
		FROM (` + s.featuresSQL(minCount) + `) r CROSS JOIN (SELECT $2::int AS x, $3::int AS y) t
		WHERE $1 BETWEEN r.minzoom AND r.maxzoom
	) q WHERE q.geom IS NOT NULL`
	var mvt []byte
	if err := db.QueryRow(ctx, sql, z, x, y).Scan(&mvt); err != nil {
		return nil, fmt.Errorf("tile %s/%d/%d/%d: %w", layer, z, x, y, err)
	}
	return mvt, nil
}

// sortedLayers lists a tileset's layers in a fixed order.
func (t *Tileset) sortedLayers() []string {
	out := make([]string, 0, len(t.Archives))
	for id := range t.Archives {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
