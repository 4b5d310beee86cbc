package districts

import (
	"context"
	"fmt"
	"strings"

	"github.com/abitare/abitare/geo/zones"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Summary says what Store did.
type Summary struct {
	Municipality string
	Name         string  // the comune's
	Stored       int     // districts of the comune
	ClippedKm2   float64 // of the file's districts outside the comune, cut off
	Sections     int     // sections of the comune placed again
	Unplaced     int     // of which in no district
	OwnDistrict  int     // comuni of the territory that are their own district
}

// Store replaces the districts of the comune with f's, in one transaction: each clipped to the
// comune's boundary and stored under its id (036023/B3), the comune's sections placed in them
// again (a section's district is the one holding its interior point), and every comune left
// without districts made its own (zones.CompleteDistricts). The comune must be in the territory.
// A district that lies outside the comune is a located error; on any error nothing is stored.
func Store(ctx context.Context, db *pgxpool.Pool, municipality string, f File) (Summary, error) {
	sum := Summary{Municipality: municipality}
	if len(municipality) != 6 || strings.Trim(municipality, "0123456789") != "" {
		return sum, fmt.Errorf("municipality %q: want its six-digit ISTAT code, e.g. 036023", municipality)
	}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT name FROM municipalities WHERE code = $1`, municipality).Scan(&sum.Name)
		if err == pgx.ErrNoRows {
			return fmt.Errorf("municipality %s is %w: load it first (abitare territory load)", municipality, errNoTerritory)
		}
		if err != nil {
			return fmt.Errorf("read the territory: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE districts_in (n int, code text, name text, band text, wkb bytea) ON COMMIT DROP`); err != nil {
			return fmt.Errorf("stage districts: %w", err)
		}
		rows := make([][]any, len(f.Districts))
		for i, d := range f.Districts {
			rows[i] = []any{i, d.Code, d.Name, nullIfEmpty(d.Band), d.WKB}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"districts_in"}, []string{"n", "code", "name", "band", "wkb"}, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy districts: %w", err)
		}
		// Clipped to the comune: what lies outside it belongs to no district of it.
		if _, err := tx.Exec(ctx, `ALTER TABLE districts_in ADD COLUMN raw geometry, ADD COLUMN geom geometry`); err != nil {
			return fmt.Errorf("clip districts to the comune: %w", err)
		}
		for _, q := range []string{
			`UPDATE districts_in SET raw = ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_Force2D(ST_GeomFromWKB(wkb)), 4326), 'method=structure'), 3)
			WHERE $1::text IS NOT NULL`,
			`UPDATE districts_in d SET geom = ST_Multi(ST_CollectionExtract(ST_Intersection(d.raw, m.geom), 3))
			FROM municipalities m WHERE m.code = $1`,
		} {
			if _, err := tx.Exec(ctx, q, municipality); err != nil {
				return fmt.Errorf("clip districts to the comune: %w", err)
			}
		}
		var problems []Problem
		outside, err := tx.Query(ctx, `SELECT n FROM districts_in WHERE geom IS NULL OR ST_IsEmpty(geom) OR ST_Area(geom::geography) < 1 ORDER BY n`)
		if err != nil {
			return fmt.Errorf("clip districts to the comune: %w", err)
		}
		ns, err := pgx.CollectRows(outside, pgx.RowTo[int32])
		if err != nil {
			return fmt.Errorf("clip districts to the comune: %w", err)
		}
		for _, n := range ns {
			problems = append(problems, Problem{File: f.Name, At: f.Districts[n].At, Field: "geometry",
				Reason: fmt.Sprintf("lies outside the comune %s %s", municipality, sum.Name)})
		}
		if len(problems) > 0 {
			return &InvalidError{Problems: problems}
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(sum(ST_Area(raw::geography) - ST_Area(geom::geography)), 0) / 1e6 FROM districts_in`).Scan(&sum.ClippedKm2); err != nil {
			return fmt.Errorf("clip districts to the comune: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM omi_zones WHERE municipality_code = $1`, municipality); err != nil {
			return fmt.Errorf("clear the districts of %s: %w", municipality, err)
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO omi_zones (code, zone, kind, municipality_code, band, description, semester, geom)
			SELECT $1 || '/' || code, code, $2, $1, band, name, '', geom FROM districts_in ORDER BY n`, municipality, f.Kind)
		if err != nil {
			return fmt.Errorf("store the districts of %s: %w", municipality, err)
		}
		sum.Stored = int(tag.RowsAffected())
		if sum.Sections, err = zones.PlaceSectionsInDistricts(ctx, tx, municipality); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM census_sections WHERE municipality_code = $1 AND omi_zone IS NULL`,
			municipality).Scan(&sum.Unplaced); err != nil {
			return fmt.Errorf("count sections in no district: %w", err)
		}
		sum.OwnDistrict, err = zones.CompleteDistricts(ctx, tx)
		return err
	})
	if err != nil {
		if _, ok := err.(*InvalidError); ok {
			return Summary{}, err
		}
		return Summary{}, fmt.Errorf("load the districts of %s from %s: %w", municipality, f.Name, err)
	}
	return sum, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
