package customarea

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The audit trail records the whole of every custom-area query (docs/privacy.md, "Custom
// areas"): its geography and every id, or a polygon's GeoJSON, with the period and a digest, so
// that the data-protection officer can see two selections that differ by one unit
// (audit.CustomAreas reads them back).

// AuditSelection is a custom-area query as the audit trail records it: the target of the
// entry, as JSON with its keys in this order.
type AuditSelection struct {
	Geography string `json:"geography"` // section, h3_7 to h3_10, or polygon
	Period    string `json:"period"`    // a year or a quarter, as abitare.ParsePeriod labels it
	// Digest is "sha256:" and the hex SHA-256 of the selection's canonical form (Canonical),
	// without the period: the same selection asked for in two periods has the same digest.
	Digest  string          `json:"digest"`
	IDs     []string        `json:"ids,omitempty"`     // the units, sorted, without repeats (H3 ids in lower-case hex)
	Polygon json.RawMessage `json:"polygon,omitempty"` // a drawn area: canonical GeoJSON MultiPolygon, WGS84, no altitude
}

// ErrNotAuditTarget says that an audit target is not a custom-area selection: an entry written
// before the whole selection was recorded, or of another action.
var ErrNotAuditTarget = errors.New("not a custom-area selection")

// AuditTarget checks the query as far as it can without the database and returns what the
// audit trail records of it: the JSON of its AuditSelection. The period must be set (the caller
// puts in the latest year when the user gave none).
func (q Query) AuditTarget() (string, error) {
	s, err := q.AuditSelection()
	if err != nil {
		return "", err
	}
	return s.Target(), nil
}

// AuditSelection is the query's selection in its canonical form, with the period and digest.
func (q Query) AuditSelection() (AuditSelection, error) {
	period, err := parsePeriod(q.Period)
	if err != nil {
		return AuditSelection{}, err
	}
	sel, err := newSelection(q)
	if err != nil {
		return AuditSelection{}, err
	}
	return auditSelection(sel, period.Label), nil
}

func auditSelection(sel *selection, period string) AuditSelection {
	s := AuditSelection{Geography: sel.geography, Period: period}
	if sel.geography == polygonGeography {
		s.Polygon = json.RawMessage(sel.geojson)
	} else {
		s.IDs = sel.ids
	}
	s.Digest = digest(s.Canonical())
	return s
}

// Canonical is the form the digest is taken of: the geography, then each id in order, each
// followed by a line feed; for a polygon, "polygon", a line feed and its canonical GeoJSON.
func (s AuditSelection) Canonical() []byte {
	var b bytes.Buffer
	b.WriteString(s.Geography)
	b.WriteByte('\n')
	if s.Geography == polygonGeography {
		b.Write(s.Polygon)
		return b.Bytes()
	}
	for _, id := range s.IDs {
		b.WriteString(id)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func digest(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Target is the selection as an audit target: compact JSON.
func (s AuditSelection) Target() string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // strings and checked JSON always encode
	return strings.TrimSuffix(b.String(), "\n")
}

// ParseAuditTarget reads back a target written by AuditTarget. The selection is checked again
// and put in canonical form, and the digest must match it. A target in another form (the short
// label of entries written before, another action's) is ErrNotAuditTarget.
func ParseAuditTarget(target string) (AuditSelection, error) {
	if !strings.HasPrefix(target, `{"geography":`) {
		return AuditSelection{}, ErrNotAuditTarget
	}
	var s AuditSelection
	dec := json.NewDecoder(strings.NewReader(target))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return AuditSelection{}, fmt.Errorf("%w: %v", ErrNotAuditTarget, err)
	}
	q := Query{Period: s.Period}
	if s.Geography == polygonGeography {
		q.Polygon = s.Polygon
	} else {
		q.Areas = &Areas{Geography: s.Geography, IDs: s.IDs}
	}
	again, err := q.AuditSelection()
	if err != nil {
		return AuditSelection{}, fmt.Errorf("%w: %v", ErrNotAuditTarget, err)
	}
	if again.Digest != s.Digest {
		return AuditSelection{}, fmt.Errorf("%w: digest %s does not match the selection (%s)", ErrNotAuditTarget, s.Digest, again.Digest)
	}
	return again, nil
}

// Units are the units the selection adds up, as Compute answers it: its own ids, or for a
// polygon the H3 resolution-10 cells whose centre lies inside it (resolvePolygon's rule), so
// that a polygon compares with selections of H3 10 cells. An invalid polygon, which Compute
// refuses, has no units.
func (s AuditSelection) Units(ctx context.Context, db DB) (geography string, ids []string, err error) {
	if s.Geography != polygonGeography {
		return s.Geography, s.IDs, nil
	}
	const geom = `ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326)`
	rows, err := db.Query(ctx, `WITH g AS (SELECT `+geom+` AS geom)
		SELECT c.cell FROM g JOIN h3_cells c ON c.resolution = 10 AND c.geom && g.geom AND ST_Contains(g.geom, ST_Centroid(c.geom))
		WHERE ST_IsValid(g.geom) ORDER BY c.cell`, string(s.Polygon))
	if err != nil {
		return "", nil, fmt.Errorf("polygon %s: find its H3 10 cells: %w", s.Digest, err)
	}
	cells, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return "", nil, fmt.Errorf("polygon %s: find its H3 10 cells: %w", s.Digest, err)
	}
	ids = make([]string, len(cells))
	for i, c := range cells {
		ids[i] = strconv.FormatUint(uint64(c), 16)
	}
	slices.Sort(ids) // as strings, as resolvePolygon and newAreas sort them
	return "h3_10", ids, nil
}
