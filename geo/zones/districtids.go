package zones

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// District kinds: omi_zones.kind.
const (
	KindOMI          = "omi"          // a zone of the Osservatorio del Mercato Immobiliare
	KindQuartieri    = "quartieri"    // any other zoning of a city: quartieri, circoscrizioni...
	KindMunicipality = "municipality" // a comune without districts, its own district
)

// DistrictID is the id of a district: the ISTAT code of its comune, a slash and its code within
// the comune (036023/B3), since every comune has its own B1, C3, D2... A comune that is its own
// district (local code = the comune's code) has its code alone: 036005.
func DistrictID(municipality, local string) string {
	if local == municipality || municipality == "" {
		return local
	}
	return municipality + "/" + local
}

// SplitDistrictID returns the comune and local code of a district id: 036023/B3 gives 036023
// and B3, 036005 gives 036005 twice; an id of neither form gives "" and the id.
func SplitDistrictID(id string) (municipality, local string) {
	if m, l, ok := strings.Cut(id, "/"); ok {
		return m, l
	}
	if isMunicipalityCode(id) {
		return id, id
	}
	return "", id
}

func isMunicipalityCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// CompleteDistricts makes the district level complete across the territory: every comune without
// districts gets one, itself (id and local code its ISTAT code, kind municipality, its name and
// boundary), a comune-district of a comune that now has districts of its own or left the
// territory is removed, and one whose boundary changed follows it. The sections of comuni that are
// their own district are placed in it. It returns how many comuni are their own district.
func CompleteDistricts(ctx context.Context, tx pgx.Tx) (int, error) {
	for _, q := range []string{
		`DELETE FROM omi_zones z WHERE z.kind = 'municipality' AND (
			NOT EXISTS (SELECT 1 FROM municipalities m WHERE m.code = z.municipality_code)
			OR EXISTS (SELECT 1 FROM omi_zones o WHERE o.municipality_code = z.municipality_code AND o.kind <> 'municipality'))`,
		`UPDATE omi_zones z SET geom = m.geom, description = m.name FROM municipalities m
			WHERE z.kind = 'municipality' AND m.code = z.municipality_code
			AND (NOT ST_Equals(z.geom, m.geom) OR z.description <> m.name)`,
		`INSERT INTO omi_zones (code, zone, kind, band, description, semester, geom, municipality_code)
			SELECT m.code, m.code, 'municipality', NULL, m.name, '', m.geom, m.code FROM municipalities m
			WHERE NOT EXISTS (SELECT 1 FROM omi_zones z WHERE z.municipality_code = m.code) ORDER BY m.code`,
		`UPDATE census_sections s SET omi_zone = s.municipality_code FROM omi_zones z
			WHERE z.code = s.municipality_code AND z.kind = 'municipality' AND s.omi_zone IS DISTINCT FROM s.municipality_code`,
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return 0, fmt.Errorf("complete the districts: %w", err)
		}
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM omi_zones WHERE kind = 'municipality'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("complete the districts: %w", err)
	}
	return n, nil
}

// PlaceSectionsInDistricts places every section of the comune in the district of that comune
// holding its interior point (none when no district holds it).
func PlaceSectionsInDistricts(ctx context.Context, tx pgx.Tx, municipality string) (int, error) {
	tag, err := tx.Exec(ctx, `
		UPDATE census_sections s SET omi_zone = (
			SELECT z.code FROM omi_zones z WHERE z.municipality_code = s.municipality_code
			AND ST_Intersects(z.geom, ST_PointOnSurface(s.geom)) ORDER BY z.code LIMIT 1)
		WHERE s.municipality_code = $1`, municipality)
	if err != nil {
		return 0, fmt.Errorf("place the sections of %s in its districts: %w", municipality, err)
	}
	return int(tag.RowsAffected()), nil
}
