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

// StoreOptions tune StoreSections.
type StoreOptions struct {
	// SRID is the EPSG code of the sections' coordinates (0 means 4326); PostGIS reprojects.
	SRID   int
	Tiling Tiling
}

// Tiling says how far a comune's sections may stray from tiling it: overlapping each other,
// leaving gaps, or reaching outside it. Census sections partition their comune; residents
// spread by areal interpolation are counted twice where sections overlap.
type Tiling struct {
	// ReportM2: an overlap of two sections, or a comune's gap, larger than this is reported
	// with the section ids. 0 means DefaultReportM2.
	ReportM2 float64
	// RefusePercent: a comune whose overlaps, gaps or spill outside exceed this share of its
	// area is refused, and nothing is stored. 0 means DefaultRefusePercent.
	RefusePercent float64
}

// Defaults of Tiling.
const (
	DefaultReportM2      = 100
	DefaultRefusePercent = 1.0
)

func (t Tiling) withDefaults() Tiling {
	if t.ReportM2 == 0 {
		t.ReportM2 = DefaultReportM2
	}
	if t.RefusePercent == 0 {
		t.RefusePercent = DefaultRefusePercent
	}
	return t
}

// StoreResult says what StoreSections stored and how well the sections tile their comuni.
type StoreResult struct {
	Stored    int
	Residents int
	// Skipped counts sections of comuni outside the territory, by comune.
	Skipped map[string]int
	Tiling  []TilingReport // one per comune stored, by code
}

// TilingReport is how a comune's sections cover it.
type TilingReport struct {
	Municipality string
	AreaKm2      float64 // the comune's
	OverlapKm2   float64 // covered by two sections or more, counted once per extra section
	GapKm2       float64 // in the comune, in no section
	OutsideKm2   float64 // in a section, outside the comune
	Overlaps     []Overlap
}

// Overlap is two sections that overlap by more than the reported tolerance.
type Overlap struct {
	A, B string
	M2   float64
}

// maxListed bounds the overlapping pairs listed per comune.
const maxListed = 20

// StoreSections replaces, in one transaction, the census sections of every municipality present
// in secs, checks that they tile their comune (Tiling), then places each stored event in its
// (new) section and, when the sections changed, each resident of the register. Sections of
// comuni outside the territory are skipped and counted.
func StoreSections(ctx context.Context, db *pgxpool.Pool, secs []Section, opt StoreOptions) (StoreResult, error) {
	res := StoreResult{Skipped: map[string]int{}}
	tiling := opt.Tiling.withDefaults()
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		inside, err := territoryCodes(ctx, tx)
		if err != nil {
			return err
		}
		kept := secs[:0:0]
		municipalities := map[string]bool{}
		for _, s := range secs {
			if !inside[s.MunicipalityCode] {
				res.Skipped[s.MunicipalityCode]++
				continue
			}
			kept = append(kept, s)
			municipalities[s.MunicipalityCode] = true
			res.Residents += s.Residents
		}
		if len(kept) == 0 {
			return fmt.Errorf("no section lies in a comune of the territory (%d skipped): load the territory first (abitare territory load, or abitare zones)", len(secs))
		}
		codes := make([]string, 0, len(municipalities))
		for c := range municipalities {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		before, err := sectionsFingerprint(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM census_sections WHERE municipality_code = ANY($1)`, codes); err != nil {
			return fmt.Errorf("clear sections: %w", err)
		}
		if err := copySections(ctx, tx, kept, opt.SRID); err != nil {
			return err
		}
		res.Stored = len(kept)
		if res.Tiling, err = checkTiling(ctx, tx, codes, tiling); err != nil {
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
		return StoreResult{}, fmt.Errorf("store census sections: %w", err)
	}
	return res, nil
}

func territoryCodes(ctx context.Context, tx pgx.Tx) (map[string]bool, error) {
	rows, err := tx.Query(ctx, `SELECT code FROM municipalities`)
	if err != nil {
		return nil, fmt.Errorf("read the territory: %w", err)
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read the territory: %w", err)
	}
	set := make(map[string]bool, len(codes))
	for _, c := range codes {
		set[c] = true
	}
	return set, nil
}

// checkTiling measures, per comune, the overlaps between its sections, the gaps they leave
// and what they cover outside it, and refuses a comune beyond the tolerance.
func checkTiling(ctx context.Context, tx pgx.Tx, codes []string, t Tiling) ([]TilingReport, error) {
	reports := make([]TilingReport, 0, len(codes))
	for _, code := range codes {
		r := TilingReport{Municipality: code}
		err := tx.QueryRow(ctx, `
			WITH s AS (SELECT ST_Union(geom) AS u, sum(ST_Area(geom::geography)) AS total FROM census_sections WHERE municipality_code = $1)
			SELECT ST_Area(m.geom::geography) / 1e6,
			       greatest(s.total - ST_Area(s.u::geography), 0) / 1e6,
			       ST_Area(ST_Difference(m.geom, s.u)::geography) / 1e6,
			       ST_Area(ST_Difference(s.u, m.geom)::geography) / 1e6
			FROM municipalities m, s WHERE m.code = $1`, code).Scan(&r.AreaKm2, &r.OverlapKm2, &r.GapKm2, &r.OutsideKm2)
		if err != nil {
			return nil, fmt.Errorf("check how the sections of %s tile it: %w", code, err)
		}
		rows, err := tx.Query(ctx, `
			SELECT a.id, b.id, ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS m2
			FROM census_sections a JOIN census_sections b
			  ON b.municipality_code = a.municipality_code AND a.id < b.id AND ST_Intersects(a.geom, b.geom)
			WHERE a.municipality_code = $1 AND ST_Area(ST_Intersection(a.geom, b.geom)::geography) > $2
			ORDER BY m2 DESC, a.id, b.id LIMIT $3`, code, t.ReportM2, maxListed)
		if err != nil {
			return nil, fmt.Errorf("list overlapping sections of %s: %w", code, err)
		}
		r.Overlaps, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Overlap, error) {
			var o Overlap
			return o, row.Scan(&o.A, &o.B, &o.M2)
		})
		if err != nil {
			return nil, fmt.Errorf("list overlapping sections of %s: %w", code, err)
		}
		if err := r.refuse(t); err != nil {
			return nil, err
		}
		reports = append(reports, r)
	}
	return reports, nil
}

// refuse fails when the comune's sections stray beyond the tolerance.
func (r TilingReport) refuse(t Tiling) error {
	limit := r.AreaKm2 * t.RefusePercent / 100
	var faults []string
	if r.OverlapKm2 > limit {
		faults = append(faults, fmt.Sprintf("sections overlap by %.3f km²", r.OverlapKm2))
	}
	if r.GapKm2 > limit {
		faults = append(faults, fmt.Sprintf("%.3f km² of the comune lie in no section", r.GapKm2))
	}
	if r.OutsideKm2 > limit {
		faults = append(faults, fmt.Sprintf("sections reach %.3f km² outside the comune", r.OutsideKm2))
	}
	if len(faults) == 0 {
		return nil
	}
	msg := fmt.Sprintf("the sections of %s do not tile it (%s; the limit is %.1f%% of its %.1f km²)", r.Municipality,
		strings.Join(faults, ", "), t.RefusePercent, r.AreaKm2)
	if len(r.Overlaps) > 0 {
		var pairs []string
		for _, o := range r.Overlaps {
			pairs = append(pairs, fmt.Sprintf("%s/%s %.0f m²", o.A, o.B, o.M2))
		}
		msg += ": largest overlaps " + strings.Join(pairs, ", ")
	}
	return errors.New(msg)
}

func copySections(ctx context.Context, tx pgx.Tx, secs []Section, srid int) error {
	if srid == 0 {
		srid = 4326
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE sections_in (id text, municipality_code text, residents int, households int, omi_zone text, synthetic bool, wkb bytea) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("stage sections: %w", err)
	}
	rows := make([][]any, len(secs))
	for i, s := range secs {
		rows[i] = []any{s.ID, s.MunicipalityCode, s.Residents, s.Households, nullIfEmpty(sectionDistrict(s)), s.Synthetic, wkbOf(s.Geometry)}
	}
	cols := []string{"id", "municipality_code", "residents", "households", "omi_zone", "synthetic", "wkb"}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"sections_in"}, cols, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy sections: %w", err)
	}
	// A section's district, when the file does not give it, is the district of its comune holding
	// its interior point.
	// MakeValid's structure method reads rings as area boundaries (the union of outer rings minus
	// that of holes): a hole touching its outer ring, as polygon clipping leaves them, is then
	// cut out, where the default method keeps its area and the section overlaps its neighbour.
	_, err := tx.Exec(ctx, `
		INSERT INTO census_sections (id, municipality_code, residents, households, omi_zone, synthetic, geom)
		SELECT s.id, s.municipality_code, s.residents, s.households,
		       coalesce(s.omi_zone, (SELECT z.code FROM omi_zones z WHERE z.municipality_code = s.municipality_code
		                             AND ST_Intersects(z.geom, ST_PointOnSurface(g.geom)) ORDER BY z.code LIMIT 1)),
		       s.synthetic, g.geom
		FROM sections_in s, LATERAL (SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(
			ST_Transform(ST_SetSRID(ST_Force2D(ST_GeomFromWKB(s.wkb)), $1::int), 4326), 'method=structure'), 3)) AS geom) g
		ORDER BY s.id`, srid)
	if err != nil {
		return fmt.Errorf("store sections: %w", err)
	}
	return nil
}

// sectionDistrict is the id of the district a file gives a section (ZONA_OMI): a local code
// (B3) is read in the section's comune (036023/B3); an id (036023/B3, or the comune's own code)
// is kept.
func sectionDistrict(s Section) string {
	if s.OMIZone == "" || strings.Contains(s.OMIZone, "/") || isMunicipalityCode(s.OMIZone) {
		return s.OMIZone
	}
	return DistrictID(s.MunicipalityCode, s.OMIZone)
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
