package territory

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/abitare/abitare/geo/zones"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	orbwkb "github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geom/encoding/wkb"
)

// Summary says what Store did.
type Summary struct {
	Municipalities int
	Provinces      int
	Regions        int
	AreaKm2        float64     // of the stored (reprojected) boundaries
	Removed        []string    // municipalities of the previous territory not in the new one
	Cells          map[int]int // H3 resolution -> cells covering the territory
	OwnDistrict    int         // comuni without districts of their own, each its own district
}

// Store replaces the territory with f's municipalities in one transaction: their boundaries
// reprojected from f.SRID to WGS 84 by PostGIS, the H3 cells that cover them, and every stored
// event and resident placed again. Every comune without districts becomes its own district
// (zones.CompleteDistricts). Municipalities of the previous territory that f lacks are
// removed with their census sections, districts and address register.
func Store(ctx context.Context, db *pgxpool.Pool, f File, log *slog.Logger) (Summary, error) {
	sum := Summary{}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := checkSRID(ctx, tx, f); err != nil {
			return err
		}
		step := stepLogger(log, f.Name)
		if err := stage(ctx, tx, f); err != nil {
			return err
		}
		step("boundaries reprojected")
		removed, err := removeOthers(ctx, tx)
		if err != nil {
			return err
		}
		sum.Removed = removed
		if err := upsert(ctx, tx); err != nil {
			return err
		}
		if err := storeKnown(ctx, tx, f); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*), count(DISTINCT province_code), count(DISTINCT region_code),
			coalesce(sum(ST_Area(geom::geography)) / 1e6, 0) FROM municipalities`).Scan(&sum.Municipalities, &sum.Provinces, &sum.Regions, &sum.AreaKm2); err != nil {
			return fmt.Errorf("summarise territory: %w", err)
		}
		step("municipalities stored")
		if sum.OwnDistrict, err = zones.CompleteDistricts(ctx, tx); err != nil {
			return err
		}
		area, err := union(ctx, tx)
		if err != nil {
			return err
		}
		if sum.Cells, err = zones.StoreCells(ctx, tx, area); err != nil {
			return err
		}
		step("H3 cells stored")
		if err := zones.PlacePoints(ctx, tx); err != nil {
			return err
		}
		step("events and residents placed")
		return nil
	})
	if err != nil {
		return Summary{}, fmt.Errorf("store territory from %s: %w", f.Name, err)
	}
	return sum, nil
}

func stepLogger(log *slog.Logger, file string) func(string) {
	start := time.Now()
	return func(step string) {
		if log != nil {
			log.Info("territory load", "file", file, "step", step, "elapsed", time.Since(start).Round(time.Millisecond))
		}
	}
}

func checkSRID(ctx context.Context, tx pgx.Tx, f File) error {
	var known bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM spatial_ref_sys WHERE srid = $1)`, f.SRID).Scan(&known); err != nil {
		return fmt.Errorf("look up CRS: %w", err)
	}
	if !known {
		return fmt.Errorf("%s: CRS EPSG:%d is unknown to PostGIS", f.Name, f.SRID)
	}
	return nil
}

// stage copies the file's municipalities into a temporary table, reprojected, and checks that
// they came out as longitude and latitude (a .prj that lies gives metres).
func stage(ctx context.Context, tx pgx.Tx, f File) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE territory_in (code text, name text, province_code text, region_code text,
		uts_code text, cadastral_code text, province_name text, region_name text, wkb bytea) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("stage territory: %w", err)
	}
	rows := make([][]any, len(f.Municipalities))
	for i, m := range f.Municipalities {
		b, err := wkb.Marshal(m.Geometry, wkb.NDR)
		if err != nil {
			return fmt.Errorf("%s %s: encode boundary: %w", m.Code, m.Name, err)
		}
		rows[i] = []any{m.Code, m.Name, m.ProvinceCode, nullIfEmpty(m.RegionCode), nullIfEmpty(m.UTSCode),
			nullIfEmpty(m.CadastralCode), nullIfEmpty(m.ProvinceName), nullIfEmpty(m.RegionName), b}
	}
	cols := []string{"code", "name", "province_code", "region_code", "uts_code", "cadastral_code", "province_name", "region_name", "wkb"}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"territory_in"}, cols, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy territory: %w", err)
	}
	if _, err := tx.Exec(ctx, `ALTER TABLE territory_in ADD COLUMN geom geometry(MultiPolygon, 4326)`); err != nil {
		return fmt.Errorf("stage territory: %w", err)
	}
	_, err := tx.Exec(ctx, `UPDATE territory_in SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(
		ST_Transform(ST_Force2D(ST_SetSRID(ST_GeomFromWKB(wkb), $1)), 4326)), 3))`, f.SRID)
	if err != nil {
		return fmt.Errorf("%s: reproject from EPSG:%d: %w", f.Name, f.SRID, err)
	}
	var code, name string
	err = tx.QueryRow(ctx, `SELECT code, name FROM territory_in
		WHERE ST_IsEmpty(geom) OR ST_XMin(geom) < -180 OR ST_XMax(geom) > 180 OR ST_YMin(geom) < -90 OR ST_YMax(geom) > 90
		ORDER BY code LIMIT 1`).Scan(&code, &name)
	switch {
	case err == pgx.ErrNoRows:
		return nil
	case err != nil:
		return fmt.Errorf("check territory: %w", err)
	}
	return fmt.Errorf("%s: municipality %s (%s) is empty or lies outside longitude/latitude after reprojection from EPSG:%d: is the CRS right?", f.Name, code, name, f.SRID)
}

// removeOthers deletes the municipalities the new territory lacks, with what belongs to them.
func removeOthers(ctx context.Context, tx pgx.Tx) ([]string, error) {
	var removed []string
	err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(code ORDER BY code), '{}') FROM municipalities
		WHERE code NOT IN (SELECT code FROM territory_in)`).Scan(&removed)
	if err != nil {
		return nil, fmt.Errorf("compare territories: %w", err)
	}
	if len(removed) == 0 {
		return nil, nil
	}
	for _, q := range []string{
		`DELETE FROM census_sections WHERE municipality_code = ANY($1)`,
		`DELETE FROM omi_zones WHERE municipality_code = ANY($1)`,
		`DELETE FROM address_points WHERE municipality_code = ANY($1)`,
		`DELETE FROM streets WHERE municipality_code = ANY($1)`,
		`DELETE FROM municipalities WHERE code = ANY($1)`,
	} {
		if _, err := tx.Exec(ctx, q, removed); err != nil {
			return nil, fmt.Errorf("remove municipalities %v: %w", removed, err)
		}
	}
	return removed, nil
}

func upsert(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO municipalities (code, name, geom, province_code, region_code, uts_code, cadastral_code, province_name, region_name)
		SELECT code, name, geom, province_code, region_code, uts_code, cadastral_code, province_name, region_name
		FROM territory_in ORDER BY code
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom, province_code = EXCLUDED.province_code,
			region_code = EXCLUDED.region_code, uts_code = EXCLUDED.uts_code, cadastral_code = EXCLUDED.cadastral_code,
			province_name = EXCLUDED.province_name, region_name = EXCLUDED.region_name`)
	if err != nil {
		return fmt.Errorf("store municipalities: %w", err)
	}
	return RefreshLevels(ctx, tx)
}

// RefreshLevels recomputes the provinces and regions of the map (territory_areas) from the
// municipalities stored; whoever changes municipalities calls it in the same transaction.
func RefreshLevels(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `REFRESH MATERIALIZED VIEW territory_areas`); err != nil {
		return fmt.Errorf("refresh provinces and regions: %w", err)
	}
	return nil
}

// storeKnown replaces the list of comuni partner records may name (see File.Known).
func storeKnown(ctx context.Context, tx pgx.Tx, f File) error {
	known := f.Known
	if known == nil {
		known = f.Municipalities
	}
	if _, err := tx.Exec(ctx, `DELETE FROM known_comuni`); err != nil {
		return fmt.Errorf("store known comuni: %w", err)
	}
	rows := make([][]any, len(known))
	for i, m := range known {
		rows[i] = []any{m.Code, m.Name, nullIfEmpty(m.CadastralCode)}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"known_comuni"}, []string{"code", "name", "cadastral_code"}, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("store known comuni: %w", err)
	}
	// The territory's own are known whatever the file said.
	_, err := tx.Exec(ctx, `INSERT INTO known_comuni (code, name, cadastral_code) SELECT code, name, cadastral_code FROM municipalities
		ON CONFLICT (code) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("store known comuni: %w", err)
	}
	return nil
}

// union reads back the territory's outline in WGS 84, for its H3 cover.
func union(ctx context.Context, tx pgx.Tx) (orb.MultiPolygon, error) {
	var b []byte
	if err := tx.QueryRow(ctx, `SELECT ST_AsBinary(ST_Multi(ST_Union(geom))) FROM municipalities`).Scan(&b); err != nil {
		return nil, fmt.Errorf("territory outline: %w", err)
	}
	g, err := orbwkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("territory outline: %w", err)
	}
	switch g := g.(type) {
	case orb.MultiPolygon:
		return g, nil
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	}
	return nil, fmt.Errorf("territory outline is a %T", g)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
