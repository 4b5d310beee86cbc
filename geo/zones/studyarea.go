// Package zones stores the observatory's geography in PostGIS: the municipality, the OMI market
// zones, the census sections and the H3 cells that cover them.
package zones

import (
	"context"
	"fmt"

	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/geo/modena"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/uber/h3-go/v4"
)

// StudyAreaSummary says what LoadModena stored.
type StudyAreaSummary struct {
	OMIZones int
	Cells    map[int]int // resolution -> cells stored
}

// LoadModena stores the bundled boundary of Modena and its OMI zones, replacing what was there,
// and the H3 cells at resolutions 7 to 10 that cover the municipality. It runs in one
// transaction and can be re-run.
func LoadModena(ctx context.Context, db *pgxpool.Pool) (StudyAreaSummary, error) {
	boundary, err := modena.Boundary()
	if err != nil {
		return StudyAreaSummary{}, err
	}
	omi, err := modena.OMIZones()
	if err != nil {
		return StudyAreaSummary{}, err
	}
	sum := StudyAreaSummary{OMIZones: len(omi), Cells: map[int]int{}}
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := storeMunicipality(ctx, tx, modena.MunicipalityCode, "Modena", boundary); err != nil {
			return err
		}
		if err := storeOMIZones(ctx, tx, modena.MunicipalityCode, omi); err != nil {
			return err
		}
		if _, err := CompleteDistricts(ctx, tx); err != nil {
			return err
		}
		cells, err := StoreCells(ctx, tx, boundary)
		sum.Cells = cells
		return err
	})
	if err != nil {
		return StudyAreaSummary{}, fmt.Errorf("load study area: %w", err)
	}
	return sum, nil
}

func storeMunicipality(ctx context.Context, tx pgx.Tx, code, name string, geom orb.MultiPolygon) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO municipalities (code, name, geom, province_code, region_code, uts_code, cadastral_code, province_name, region_name)
		VALUES ($1, $2, ST_GeomFromWKB($3, 4326), '036', '08', '036', 'F257', 'Modena', 'Emilia-Romagna')
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom, province_code = EXCLUDED.province_code,
			region_code = EXCLUDED.region_code, uts_code = EXCLUDED.uts_code, cadastral_code = EXCLUDED.cadastral_code,
			province_name = EXCLUDED.province_name, region_name = EXCLUDED.region_name`,
		code, name, wkbOf(geom))
	if err != nil {
		return fmt.Errorf("store municipality %s: %w", code, err)
	}
	// Provinces and regions of the map follow the municipalities (as territory.RefreshLevels).
	if _, err := tx.Exec(ctx, `REFRESH MATERIALIZED VIEW territory_areas`); err != nil {
		return fmt.Errorf("refresh provinces and regions: %w", err)
	}
	return nil
}

// storeOMIZones replaces the districts of the comune (and any of no comune) with its bundled OMI
// zones, whose ids carry the comune: 036023/B3.
func storeOMIZones(ctx context.Context, tx pgx.Tx, municipality string, zones []modena.OMIZone) error {
	if _, err := tx.Exec(ctx, `DELETE FROM omi_zones WHERE municipality_code = $1 OR municipality_code IS NULL`, municipality); err != nil {
		return fmt.Errorf("clear OMI zones: %w", err)
	}
	for _, z := range zones {
		_, err := tx.Exec(ctx, `
			INSERT INTO omi_zones (code, zone, kind, municipality_code, band, description, semester, rent_min, rent_max, geom)
			VALUES ($1, $2, 'omi', $3, $4, $5, '2018-2', NULLIF($6, 0), NULLIF($7, 0), ST_Multi(ST_MakeValid(ST_GeomFromWKB($8, 4326))))`,
			DistrictID(municipality, z.Code), z.Code, municipality, z.Band, z.Description, z.RentMin, z.RentMax, wkbOf(z.Geometry))
		if err != nil {
			return fmt.Errorf("store OMI zone %s: %w", z.Code, err)
		}
	}
	return nil
}

// StoreCells replaces the H3 cells and the lineage table with the cover of area.
func StoreCells(ctx context.Context, tx pgx.Tx, area orb.MultiPolygon) (map[int]int, error) {
	finest := hexgrid.Cover(area, hexgrid.FinestResolution)
	lineage := make([][]any, 0, len(finest))
	all := make(map[h3.Cell]bool, len(finest)*8/7)
	for _, c := range finest {
		l, err := hexgrid.LineageOf(c)
		if err != nil {
			return nil, err
		}
		lineage = append(lineage, []any{int64(l.Cell10), int64(l.Cell9), int64(l.Cell8), int64(l.Cell7)})
		for _, a := range []h3.Cell{l.Cell10, l.Cell9, l.Cell8, l.Cell7} {
			all[a] = true
		}
	}
	counts := map[int]int{}
	rows := make([][]any, 0, len(all))
	for c := range all {
		counts[c.Resolution()]++
		rows = append(rows, []any{int64(c), int16(c.Resolution()), wkbOf(hexgrid.Polygon(c))})
	}
	if _, err := tx.Exec(ctx, `TRUNCATE h3_cells, h3_lineage`); err != nil {
		return nil, fmt.Errorf("clear H3 cells: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE h3_cells_in (cell bigint, resolution smallint, wkb bytea) ON COMMIT DROP`); err != nil {
		return nil, fmt.Errorf("stage H3 cells: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"h3_cells_in"}, []string{"cell", "resolution", "wkb"}, pgx.CopyFromRows(rows)); err != nil {
		return nil, fmt.Errorf("copy H3 cells: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO h3_cells (cell, resolution, geom) SELECT cell, resolution, ST_GeomFromWKB(wkb, 4326) FROM h3_cells_in ORDER BY cell`); err != nil {
		return nil, fmt.Errorf("store H3 cells: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"h3_lineage"}, []string{"cell10", "cell9", "cell8", "cell7"}, pgx.CopyFromRows(lineage)); err != nil {
		return nil, fmt.Errorf("store H3 lineage: %w", err)
	}
	return counts, nil
}

func wkbOf(g orb.Geometry) []byte {
	b, err := wkb.Marshal(g)
	if err != nil {
		// Marshal only fails on geometry types orb does not define.
		panic(fmt.Sprintf("wkb marshal %T: %v", g, err))
	}
	return b
}

// DistrictsSummary says what LoadModenaDistricts stored.
type DistrictsSummary struct {
	OMIZones  int // Modena's
	Comuni    int // other comuni of the territory, each its own district
	Territory int // comuni in the territory
}

// LoadModenaDistricts stores the districts of a territory that holds Modena without touching
// the territory itself (its comuni, H3 cells, sections): Modena's bundled OMI zones (036023/B3...),
// and every other comune of the territory as its own district (CompleteDistricts), its id the
// comune's ISTAT code (036005), named after the comune. It replaces every stored district, in one transaction. This is what
// `abitare zones --omi-only` runs after `abitare territory load` in the province demo.
func LoadModenaDistricts(ctx context.Context, db *pgxpool.Pool) (DistrictsSummary, error) {
	omi, err := modena.OMIZones()
	if err != nil {
		return DistrictsSummary{}, err
	}
	var sum DistrictsSummary
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var hasModena bool
		if err := tx.QueryRow(ctx, `SELECT count(*), coalesce(bool_or(code = $1), false) FROM municipalities`,
			modena.MunicipalityCode).Scan(&sum.Territory, &hasModena); err != nil {
			return fmt.Errorf("read territory: %w", err)
		}
		if !hasModena {
			return fmt.Errorf("Modena (%s) is not in the territory (run abitare territory load first)", modena.MunicipalityCode)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM omi_zones`); err != nil {
			return fmt.Errorf("clear districts: %w", err)
		}
		if err := storeOMIZones(ctx, tx, modena.MunicipalityCode, omi); err != nil {
			return err
		}
		n, err := CompleteDistricts(ctx, tx)
		if err != nil {
			return err
		}
		sum.OMIZones, sum.Comuni = len(omi), n
		return nil
	})
	if err != nil {
		return DistrictsSummary{}, fmt.Errorf("load districts: %w", err)
	}
	return sum, nil
}

// AddMissingCells adds to h3_cells and h3_lineage the resolution-10 cells that hold an event
// or a resident but lie outside the stored cover (the corner of a cell that the boundary barely
// crosses, or a cover stored by an older version), with their ancestors, so that every placed
// record rolls up to every resolution. It returns how many cells it added.
func AddMissingCells(ctx context.Context, db *pgxpool.Pool) (int, error) {
	rows, err := db.Query(ctx, `
		SELECT DISTINCT c FROM (SELECT h3_cell AS c FROM events UNION ALL SELECT h3_cell FROM residents) x
		WHERE c IS NOT NULL AND NOT EXISTS (SELECT 1 FROM h3_lineage l WHERE l.cell10 = x.c)`)
	if err != nil {
		return 0, fmt.Errorf("find cells outside the cover: %w", err)
	}
	missing, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(missing) == 0 {
		return 0, err
	}
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		for _, m := range missing {
			l, err := hexgrid.LineageOf(h3.Cell(m))
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO h3_lineage (cell10, cell9, cell8, cell7) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
				int64(l.Cell10), int64(l.Cell9), int64(l.Cell8), int64(l.Cell7)); err != nil {
				return fmt.Errorf("add the lineage of %s: %w", l.Cell10, err)
			}
			for _, c := range []h3.Cell{l.Cell10, l.Cell9, l.Cell8, l.Cell7} {
				if _, err := tx.Exec(ctx, `INSERT INTO h3_cells (cell, resolution, geom) VALUES ($1, $2, ST_GeomFromWKB($3, 4326)) ON CONFLICT DO NOTHING`,
					int64(c), int16(c.Resolution()), wkbOf(hexgrid.Polygon(c))); err != nil {
					return fmt.Errorf("add cell %s: %w", c, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("add cells outside the cover: %w", err)
	}
	return len(missing), nil
}
