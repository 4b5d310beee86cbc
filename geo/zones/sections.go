package zones

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Section is one census section in ISTAT's published layout.
type Section struct {
	ID               string // SEZ21_ID (or SEZ2011 for 2011 boundaries)
	MunicipalityCode string // ISTAT code, six digits, e.g. 036023
	Residents        int    // P1
	Households       *int   // PF1, when given
	OMIZone          string // ZONA_OMI, when given; otherwise derived in the database
	Synthetic        bool   // SINTETICA: a stand-in made by the demo
	Geometry         orb.MultiPolygon
}

// Property names accepted for each field, in order of preference: ISTAT has used several.
var (
	idKeys           = []string{"SEZ21_ID", "SEZ2011", "SEZ_ID", "sez21_id", "sez2011"}
	municipalityKeys = []string{"PRO_COM_T", "PRO_COM", "COD_COM", "pro_com"}
	residentKeys     = []string{"P1", "POP21", "POP", "RESIDENTI", "p1"}
	householdKeys    = []string{"PF1", "FAMIGLIE", "pf1"}
)

// ReadSections parses census sections from a GeoJSON FeatureCollection in EPSG:4326 with ISTAT's
// property names. Every problem is reported as name:feature N:field:reason, all of them at once.
func ReadSections(r io.Reader, name string) ([]Section, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("%s: not a GeoJSON FeatureCollection: %w", name, err)
	}
	if len(fc.Features) == 0 {
		return nil, fmt.Errorf("%s: no features", name)
	}
	var problems []string
	seen := make(map[string]int, len(fc.Features))
	sections := make([]Section, 0, len(fc.Features))
	for i, f := range fc.Features {
		s, errs := parseSection(f)
		if prev, dup := seen[s.ID]; dup && s.ID != "" {
			errs = append(errs, fieldError{"SEZ21_ID", fmt.Sprintf("section %s repeats feature %d", s.ID, prev+1)})
		}
		seen[s.ID] = i
		for _, e := range errs {
			problems = append(problems, fmt.Sprintf("%s:feature %d:%s:%s", name, i+1, e.field, e.reason))
		}
		sections = append(sections, s)
	}
	if len(problems) > 0 {
		return nil, &InvalidSectionsError{Problems: problems}
	}
	return sections, nil
}

// InvalidSectionsError lists every problem found in a sections file.
type InvalidSectionsError struct{ Problems []string }

func (e *InvalidSectionsError) Error() string {
	return fmt.Sprintf("%d problems in census sections:\n%s", len(e.Problems), strings.Join(e.Problems, "\n"))
}

type fieldError struct{ field, reason string }

func parseSection(f *geojson.Feature) (Section, []fieldError) {
	var s Section
	var errs []fieldError
	fail := func(field, reason string) { errs = append(errs, fieldError{field, reason}) }

	if v, ok := firstProperty(f.Properties, idKeys); ok {
		s.ID = v
	} else {
		fail("SEZ21_ID", "missing section id")
	}
	if v, ok := firstProperty(f.Properties, municipalityKeys); ok {
		code, err := municipalityCode(v)
		if err != nil {
			fail("PRO_COM", err.Error())
		}
		s.MunicipalityCode = code
	} else {
		fail("PRO_COM", "missing municipality code")
	}
	if v, ok := firstProperty(f.Properties, residentKeys); ok {
		n, err := count(v)
		if err != nil {
			fail("P1", err.Error())
		}
		s.Residents = n
	} else {
		fail("P1", "missing resident population")
	}
	if v, ok := firstProperty(f.Properties, householdKeys); ok {
		n, err := count(v)
		if err != nil {
			fail("PF1", err.Error())
		}
		s.Households = &n
	}
	s.OMIZone, _ = firstProperty(f.Properties, []string{"ZONA_OMI"})
	s.Synthetic = f.Properties.MustBool("SINTETICA", false)

	mp, err := sectionGeometry(f.Geometry)
	if err != nil {
		fail("geometry", err.Error())
	}
	s.Geometry = mp
	return s, errs
}

func firstProperty(p geojson.Properties, keys []string) (string, bool) {
	for _, k := range keys {
		v, ok := p[k]
		if !ok || v == nil {
			continue
		}
		switch v := v.(type) {
		case string:
			if strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v), true
			}
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64), true
		case bool:
			return strconv.FormatBool(v), true
		}
	}
	return "", false
}

// municipalityCode normalises ISTAT's numeric PRO_COM (36023) to the six-digit code (036023).
func municipalityCode(v string) (string, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > 999999 {
		return "", fmt.Errorf("%q is not an ISTAT municipality code", v)
	}
	return fmt.Sprintf("%06d", n), nil
}

func count(v string) (int, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f != math.Trunc(f) || f > 1e7 {
		return 0, fmt.Errorf("%q is not a count", v)
	}
	return int(f), nil
}

func sectionGeometry(g orb.Geometry) (orb.MultiPolygon, error) {
	var mp orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	case nil:
		return nil, errors.New("missing geometry")
	default:
		return nil, fmt.Errorf("want a Polygon or MultiPolygon, got %s", g.GeoJSONType())
	}
	b := mp.Bound()
	if b.Min.X() < -180 || b.Max.X() > 180 || b.Min.Y() < -90 || b.Max.Y() > 90 {
		return nil, fmt.Errorf("coordinates %v are not longitude/latitude: reproject to EPSG:4326 (ogr2ogr -t_srs EPSG:4326)", b.Min)
	}
	return mp, nil
}

// StoreSections replaces, in one transaction, the census sections of every municipality present
// in secs, then places each stored event in its (new) section and, when the sections changed,
// each resident of the register. Sections outside the study area's municipalities are refused.
func StoreSections(ctx context.Context, db *pgxpool.Pool, secs []Section) error {
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		municipalities := map[string]bool{}
		for _, s := range secs {
			municipalities[s.MunicipalityCode] = true
		}
		codes := make([]string, 0, len(municipalities))
		for c := range municipalities {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		if err := checkMunicipalitiesKnown(ctx, tx, codes); err != nil {
			return err
		}
		before, err := sectionsFingerprint(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM census_sections WHERE municipality_code = ANY($1)`, codes); err != nil {
			return fmt.Errorf("clear sections: %w", err)
		}
		if err := copySections(ctx, tx, secs); err != nil {
			return err
		}
		if err := assignEventsToSections(ctx, tx); err != nil {
			return err
		}
		after, err := sectionsFingerprint(ctx, tx)
		if err != nil || after == before {
			return err // the same sections again: residents stay where the register put them
		}
		return assignResidentsToSections(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("store census sections: %w", err)
	}
	return nil
}

func checkMunicipalitiesKnown(ctx context.Context, tx pgx.Tx, codes []string) error {
	var missing []string
	err := tx.QueryRow(ctx, `
		SELECT coalesce(array_agg(c ORDER BY c), '{}') FROM unnest($1::text[]) c
		WHERE c NOT IN (SELECT code FROM municipalities)`, codes).Scan(&missing)
	if err != nil {
		return fmt.Errorf("check municipalities: %w", err)
	}
	if len(missing) > 0 {
		return fmt.Errorf("sections of municipalities %v, which are not in the study area (run abitare zones first)", missing)
	}
	return nil
}

func copySections(ctx context.Context, tx pgx.Tx, secs []Section) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE sections_in (id text, municipality_code text, residents int, households int, omi_zone text, synthetic bool, wkb bytea) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("stage sections: %w", err)
	}
	rows := make([][]any, len(secs))
	for i, s := range secs {
		rows[i] = []any{s.ID, s.MunicipalityCode, s.Residents, s.Households, nullIfEmpty(s.OMIZone), s.Synthetic, wkbOf(s.Geometry)}
	}
	cols := []string{"id", "municipality_code", "residents", "households", "omi_zone", "synthetic", "wkb"}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"sections_in"}, cols, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy sections: %w", err)
	}
	// A section's OMI zone, when the file does not give it, is the zone holding its interior point.
	_, err := tx.Exec(ctx, `
		INSERT INTO census_sections (id, municipality_code, residents, households, omi_zone, synthetic, geom)
		SELECT s.id, s.municipality_code, s.residents, s.households,
		       coalesce(s.omi_zone, (SELECT z.code FROM omi_zones z
		                             WHERE ST_Intersects(z.geom, ST_PointOnSurface(g.geom)) ORDER BY z.code LIMIT 1)),
		       s.synthetic, g.geom
		FROM sections_in s, LATERAL (SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_GeomFromWKB(s.wkb, 4326)), 3)) AS geom) g
		ORDER BY s.id`)
	if err != nil {
		return fmt.Errorf("store sections: %w", err)
	}
	return nil
}

// PlacePoints places every stored event and every resident of the register again in the
// sections that hold them: what a changed boundary (of the territory or of its sections) needs.
func PlacePoints(ctx context.Context, tx pgx.Tx) error {
	if err := assignEventsToSections(ctx, tx); err != nil {
		return err
	}
	return assignResidentsToSections(ctx, tx)
}

// assignEventsToSections (re)places every event in the section holding its point.
func assignEventsToSections(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `
		UPDATE events e SET section_id = (
			SELECT s.id FROM census_sections s WHERE ST_Intersects(s.geom, e.geom) ORDER BY s.id LIMIT 1)`)
	if err != nil {
		return fmt.Errorf("place events in sections: %w", err)
	}
	return nil
}

// sectionsFingerprint summarises every section's id and boundary.
func sectionsFingerprint(ctx context.Context, tx pgx.Tx) (string, error) {
	var fp string
	err := tx.QueryRow(ctx, `SELECT coalesce(md5(string_agg(id || ':' || md5(ST_AsBinary(geom)), ',' ORDER BY id)), '')
		FROM census_sections`).Scan(&fp)
	if err != nil {
		return "", fmt.Errorf("compare sections: %w", err)
	}
	return fp, nil
}

// assignResidentsToSections places each resident of the register in the section holding the
// centre of their resolution-10 cell. The register keeps no exact point (data minimisation), so
// a resident of a cell that straddles a new boundary goes with the cell's centre.
func assignResidentsToSections(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `
		UPDATE residents r SET section_id = (
			SELECT s.id FROM census_sections s WHERE ST_Intersects(s.geom, ST_Centroid(c.geom)) ORDER BY s.id LIMIT 1)
		FROM h3_cells c WHERE c.cell = r.h3_cell`)
	if err != nil {
		return fmt.Errorf("place residents in sections: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE residents SET section_id = NULL WHERE h3_cell IS NULL AND section_id IS NOT NULL
		AND section_id NOT IN (SELECT id FROM census_sections)`)
	if err != nil {
		return fmt.Errorf("place residents in sections: %w", err)
	}
	return nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
