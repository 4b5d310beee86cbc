package publish

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/profile"
	"github.com/abitare/abitare/publish/gpkg"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	orbwkb "github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"
	geom "github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkb"
)

// release is a publication as the public sees it (the public_releases view, newest first).
type release = profile.Release

func readReleases(ctx context.Context, db *pgxpool.Pool) ([]release, error) {
	return (&profile.Reader{DB: db}).PublicReleases(ctx)
}

// publicManifest is manifest.json: the public manifest, the release named "release".
func publicManifest(r release) map[string]any {
	return map[string]any{"release": r.ID, "created_at": r.CreatedAt, "method": r.Method, "threshold": r.Threshold,
		"key_id": r.KeyID, "budget": r.Budget, "periods": r.Periods, "health_geographies": r.HealthGeographies,
		"summary": r.Summary}
}

// figure is one published figure of an area.
type figure struct {
	area, period, indicator, status string
	people                          *int
	residents                       int
	rate                            *float64
}

// csvHeader is the columns of a data file; dictionary.csv describes them.
var csvHeader = []string{"release", "geography", "id", "period", "indicator", "people", "residents", "rate", "status", "residents_status"}

// writeData writes, for every geography, the release's figures as CSV and GeoJSON, and all
// geographies as layers of one GeoPackage.
func writeData(ctx context.Context, db *pgxpool.Pool, dir string, r release) error {
	var layers []gpkgLayer
	for _, g := range abitare.Geographies {
		figs, err := readFigures(ctx, db, r.ID, g)
		if err != nil {
			return err
		}
		if len(figs) == 0 {
			continue // a province or region where the territory is one comune or province
		}
		if err := writeCSV(filepath.Join(dir, "data", g+".csv"), r.ID, g, figs); err != nil {
			return err
		}
		outlines, err := readOutlines(ctx, db, g)
		if err != nil {
			return err
		}
		areas := byAreaPeriod(figs)
		if err := writeGeoJSON(filepath.Join(dir, "data", g+".geojson"), r.ID, g, areas, outlines); err != nil {
			return err
		}
		layers = append(layers, gpkgLayer{geography: g, areas: areas, outlines: outlines})
	}
	return writeGeoPackage(filepath.Join(dir, "data", fmt.Sprintf("abitare-r%d.gpkg", r.ID)), r.ID, layers)
}

func readFigures(ctx context.Context, db *pgxpool.Pool, releaseID int64, geography string) ([]figure, error) {
	rows, err := db.Query(ctx, `SELECT area_id, period, indicator, people, residents, rate, status FROM released_indicators
		WHERE release_id = $1 AND geography = $2 ORDER BY area_id, period, indicator`, releaseID, geography)
	if err != nil {
		return nil, fmt.Errorf("read %s figures: %w", geography, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (figure, error) {
		var f figure
		return f, row.Scan(&f.area, &f.period, &f.indicator, &f.people, &f.residents, &f.rate, &f.status)
	})
}

func writeCSV(path string, releaseID int64, geography string, figs []figure) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	_ = w.Write(csvHeader)
	for _, x := range figs {
		_ = w.Write([]string{strconv.FormatInt(releaseID, 10), geography, x.area, x.period, x.indicator, intOrEmpty(x.people),
			strconv.Itoa(x.residents), floatOrEmpty(x.rate), x.status, abitare.NotApplicable})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return f.Close()
}

func intOrEmpty(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func floatOrEmpty(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// outlineSQL gives each geography's areas with their outline as WKB: WGS 84, exterior rings
// counterclockwise as RFC 7946 asks.
var outlineSQL = map[string]string{
	"section":      `SELECT id, ST_AsBinary(ST_ForcePolygonCCW(geom)) FROM census_sections`,
	"omi":          `SELECT code, ST_AsBinary(ST_ForcePolygonCCW(geom)) FROM omi_zones`,
	"municipality": `SELECT code, ST_AsBinary(ST_ForcePolygonCCW(geom)) FROM municipalities`,
	"province":     `SELECT code, ST_AsBinary(ST_ForcePolygonCCW(geom)) FROM territory_areas WHERE geography = 'province'`,
	"region":       `SELECT code, ST_AsBinary(ST_ForcePolygonCCW(geom)) FROM territory_areas WHERE geography = 'region'`,
}

func outlineQuery(geography string) string {
	if q, ok := outlineSQL[geography]; ok {
		return q
	}
	res := geography[len("h3_"):]
	return `SELECT h3_index, ST_AsBinary(ST_ForcePolygonCCW(geom)) FROM h3_cells WHERE resolution = ` + res
}

// outlines are a geography's area outlines, decoded from PostGIS's WKB twice: as orb
// multipolygons rounded to 6 decimals (about 10 cm) for GeoJSON, and as go-geom
// multipolygons at full precision for the GeoPackage.
type outlines struct {
	json map[string]orb.MultiPolygon
	gpkg map[string]*geom.MultiPolygon
}

func readOutlines(ctx context.Context, db *pgxpool.Pool, geography string) (outlines, error) {
	out := outlines{json: map[string]orb.MultiPolygon{}, gpkg: map[string]*geom.MultiPolygon{}}
	rows, err := db.Query(ctx, outlineQuery(geography))
	if err != nil {
		return out, fmt.Errorf("read %s outlines: %w", geography, err)
	}
	var id string
	var b []byte
	_, err = pgx.ForEachRow(rows, []any{&id, &b}, func() error {
		if err := out.add(id, b); err != nil {
			return fmt.Errorf("%s %s: %w", geography, id, err)
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("read %s outlines: %w", geography, err)
	}
	return out, nil
}

func (o outlines) add(id string, b []byte) error {
	g, err := orbwkb.Unmarshal(b)
	if err != nil {
		return err
	}
	switch x := orb.Round(g, 6).(type) {
	case orb.Polygon:
		o.json[id] = orb.MultiPolygon{x}
	case orb.MultiPolygon:
		o.json[id] = x
	default:
		return fmt.Errorf("a %s, want a polygon", g.GeoJSONType())
	}
	t, err := wkb.Unmarshal(b)
	if err != nil {
		return err
	}
	switch x := t.(type) {
	case *geom.Polygon:
		m := geom.NewMultiPolygon(geom.XY)
		if err := m.Push(x); err != nil {
			return err
		}
		o.gpkg[id] = m
	case *geom.MultiPolygon:
		o.gpkg[id] = x
	}
	return nil
}

// areaPeriod is one area's figures in one period: a feature of the GeoJSON and GeoPackage.
type areaPeriod struct {
	area, period string
	residents    int
	people       map[string]*int
	rate         map[string]*float64
	status       map[string]string
}

// byAreaPeriod groups figures (sorted by area, period) into features.
func byAreaPeriod(figs []figure) []*areaPeriod {
	var out []*areaPeriod
	for _, x := range figs {
		if n := len(out); n == 0 || out[n-1].area != x.area || out[n-1].period != x.period {
			out = append(out, &areaPeriod{area: x.area, period: x.period, residents: x.residents,
				people: map[string]*int{}, rate: map[string]*float64{}, status: map[string]string{}})
		}
		a := out[len(out)-1]
		a.people[x.indicator], a.rate[x.indicator], a.status[x.indicator] = x.people, x.rate, x.status
	}
	return out
}

// writeGeoJSON writes one feature per area and period, the figures as properties
// <indicator>, <indicator>_rate and <indicator>_status.
func writeGeoJSON(path string, releaseID int64, geography string, areas []*areaPeriod, outlines outlines) error {
	fc := geojson.NewFeatureCollection()
	for _, a := range areas {
		g, ok := outlines.json[a.area]
		if !ok {
			return fmt.Errorf("%s %s has figures but no outline", geography, a.area)
		}
		f := geojson.NewFeature(g)
		f.Properties = geojson.Properties{"release": releaseID, "geography": geography, "id": a.area, "period": a.period,
			"residents": a.residents, "residents_status": abitare.NotApplicable}
		for _, ind := range abitare.Indicators {
			f.Properties[ind], f.Properties[ind+"_rate"], f.Properties[ind+"_status"] = a.people[ind], a.rate[ind], a.status[ind]
		}
		fc.Append(f)
	}
	b, err := fc.MarshalJSON()
	if err != nil {
		return err
	}
	return writeText(path, string(b)+"\n")
}

// writeGeoPackage writes one layer per geography, a feature per area and period, the same
// columns as the GeoJSON.
func writeGeoPackage(path string, releaseID int64, layers []gpkgLayer) error {
	w, err := gpkg.Create(path)
	if err != nil {
		return err
	}
	defer w.Abort()
	cols := []gpkg.Column{{Name: "release", Type: "INTEGER"}, {Name: "id", Type: "TEXT"}, {Name: "period", Type: "TEXT"},
		{Name: "residents", Type: "INTEGER"}, {Name: "residents_status", Type: "TEXT"}}
	for _, ind := range abitare.Indicators {
		cols = append(cols, gpkg.Column{Name: ind, Type: "INTEGER"}, gpkg.Column{Name: ind + "_rate", Type: "REAL"},
			gpkg.Column{Name: ind + "_status", Type: "TEXT"})
	}
	for _, l := range layers {
		if err := w.AddLayer(gpkg.Layer{Name: l.geography, Description: "Abitare release " + fmt.Sprint(releaseID) + ": " + l.geography,
			GeometryType: "MULTIPOLYGON", SRSID: 4326, Columns: cols}); err != nil {
			return err
		}
		for _, a := range l.areas {
			values := []any{releaseID, a.area, a.period, a.residents, abitare.NotApplicable}
			for _, ind := range abitare.Indicators {
				values = append(values, intValue(a.people[ind]), floatValue(a.rate[ind]), a.status[ind])
			}
			if err := w.Insert(l.geography, l.outlines.gpkg[a.area], values...); err != nil {
				return err
			}
		}
	}
	return w.Close()
}

type gpkgLayer struct {
	geography string
	areas     []*areaPeriod
	outlines  outlines
}

func intValue(v *int) any {
	if v == nil {
		return nil
	}
	return int64(*v)
}

func floatValue(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// writeTiles writes the release's public tile archives as they are stored (PMTiles v3). The
// latest release must have them; an older one's may have been pruned (abitare serve
// --tile-retention), and its bundle then holds the data files only.
func writeTiles(ctx context.Context, db *pgxpool.Pool, dir string, r release, latest bool) error {
	rows, err := db.Query(ctx, `SELECT a.layer, a.archive FROM public_tile_archives a
		JOIN public_tilesets t ON t.id = a.tileset_id
		WHERE t.release_id = $1 AND t.id = (SELECT max(id) FROM public_tilesets WHERE release_id = $1)`, r.ID)
	if err != nil {
		return fmt.Errorf("read tile archives: %w", err)
	}
	var layer string
	var archive []byte
	n := 0
	_, err = pgx.ForEachRow(rows, []any{&layer, &archive}, func() error {
		n++
		if len(archive) == 0 {
			return nil // a layer of a level the territory lacks (a city's provinces): no file
		}
		return writeText(filepath.Join(dir, "tiles", layer+".pmtiles"), string(archive))
	})
	if err != nil {
		return fmt.Errorf("write tile archives: %w", err)
	}
	if n == 0 && latest {
		return fmt.Errorf("no tiles rendered for release %d (run abitare tiles render --audience public)", r.ID)
	}
	return nil
}
