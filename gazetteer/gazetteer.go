// Package gazetteer builds the search index of places the map offers: the streets of the
// address register with their civic numbers, the OMI zones, the census sections and the comuni, each with
// where to put the map. It holds public reference data only (the ANNCSU register and the
// zones' outlines), never a figure or anything about a person.
//
// Usage, with a connection as the public role:
//
//	g, err := gazetteer.Build(ctx, publicPool)
//	b, err := json.Marshal(g)
//
// The JSON, coordinates in WGS 84 rounded to 5 decimals (about 1 m), everything sorted:
//
//	{"streets":  [{"name": "VIA EMILIA EST", "numbers": [["12", 10.93421, 44.64712], ["12/A", ...]]}],
//	 "zones":    [{"id": "B1", "name": "CAPOLUOGO - CENTRO STORICO", "center": [lon, lat], "bbox": [w, s, e, n]}],
//	 "sections": [{"id": "360230000001", "center": [lon, lat], "bbox": [w, s, e, n]}],
//	 "municipalities": [{"id": "036023", "name": "Modena", "center": [lon, lat], "bbox": [w, s, e, n]}]}
//
// In a territory of several comuni each street also names its comune ("municipality": "Carpi").
//
// A street's name is as the register publishes it: the street type (DUG) and the name. A zone's
// or section's center is a point inside its outline (ST_PointOnSurface), where a label goes.
package gazetteer

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/abitare/abitare/postgres"
	"github.com/jackc/pgx/v5"
)

// Gazetteer is the index of places.
type Gazetteer struct {
	Streets        []Street `json:"streets"`
	Zones          []Place  `json:"zones"`
	Sections       []Place  `json:"sections"`
	Municipalities []Place  `json:"municipalities"`
}

// Street is a street of the address register with its civic numbers, in numeric order.
type Street struct {
	Name string `json:"name"`
	// Municipality is the comune's name when the territory has several (every comune has its
	// Via Roma), "" otherwise.
	Municipality string   `json:"municipality,omitempty"`
	Numbers      []Number `json:"numbers"`
}

// Number is a civic number ("12", "12/A") and its point, written as [label, lon, lat].
type Number struct {
	Label    string
	Lon, Lat float64
}

// MarshalJSON writes [label, lon, lat].
func (n Number) MarshalJSON() ([]byte, error) { return json.Marshal([]any{n.Label, n.Lon, n.Lat}) }

// UnmarshalJSON reads [label, lon, lat].
func (n *Number) UnmarshalJSON(b []byte) error {
	var v []any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	bad := fmt.Errorf("civic number %s: want [label, lon, lat]", b)
	if len(v) != 3 {
		return bad
	}
	label, ok1 := v[0].(string)
	lon, ok2 := v[1].(float64)
	lat, ok3 := v[2].(float64)
	if !ok1 || !ok2 || !ok3 {
		return bad
	}
	*n = Number{Label: label, Lon: lon, Lat: lat}
	return nil
}

// Place is a zone or a census section: its id, its name when it has one, a point inside it
// and its bounding box [west, south, east, north].
type Place struct {
	ID     string     `json:"id"`
	Name   string     `json:"name,omitempty"`
	Center [2]float64 `json:"center"`
	BBox   [4]float64 `json:"bbox"`
}

// Build reads the gazetteer from the database.
func Build(ctx context.Context, db postgres.Querier) (*Gazetteer, error) {
	g := &Gazetteer{}
	var err error
	if g.Streets, err = streets(ctx, db); err != nil {
		return nil, err
	}
	if g.Zones, err = places(ctx, db, "zones", `SELECT code, description, `+placeColumns+` FROM omi_zones`); err != nil {
		return nil, err
	}
	if g.Sections, err = places(ctx, db, "sections", `SELECT id, '', `+placeColumns+` FROM census_sections`); err != nil {
		return nil, err
	}
	if g.Municipalities, err = places(ctx, db, "municipalities", `SELECT code, name, `+placeColumns+` FROM municipalities`); err != nil {
		return nil, err
	}
	return g, nil
}

// streets reads the civic numbers street by street. A street is keyed by its municipality and
// register key, so that two towns' streets of the same name stay apart.
func streets(ctx context.Context, db postgres.Querier) ([]Street, error) {
	rows, err := db.Query(ctx, `SELECT p.municipality_code, p.street_key, s.street_type || ' ' || s.name,
			CASE WHEN (SELECT count(*) FROM municipalities) > 1 THEN coalesce(m.name, '') ELSE '' END,
			p.house_number, p.suffix, ST_X(p.geom), ST_Y(p.geom)
		FROM address_points p JOIN streets s USING (municipality_code, street_key)
		LEFT JOIN municipalities m ON m.code = p.municipality_code
		ORDER BY p.municipality_code, p.street_key, p.house_number, p.suffix`)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: read the address register: %w", err)
	}
	var out []Street
	var municipality, key, name, comune, suffix, lastKey string
	var number int
	var lon, lat float64
	_, err = pgx.ForEachRow(rows, []any{&municipality, &key, &name, &comune, &number, &suffix, &lon, &lat}, func() error {
		if k := municipality + "\x00" + key; k != lastKey || len(out) == 0 {
			out = append(out, Street{Name: name, Municipality: comune})
			lastKey = k
		}
		s := &out[len(out)-1]
		s.Numbers = append(s.Numbers, Number{Label: civic(number, suffix), Lon: round5(lon), Lat: round5(lat)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("gazetteer: read the address register: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Street) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Municipality, b.Municipality), cmp.Compare(a.Numbers[0].Lon, b.Numbers[0].Lon), cmp.Compare(a.Numbers[0].Lat, b.Numbers[0].Lat))
	})
	return out, nil
}

// civic writes a civic number as the register's addresses do: 12, 12/A, 12/BIS.
func civic(number int, suffix string) string {
	if suffix == "" {
		return strconv.Itoa(number)
	}
	return strconv.Itoa(number) + "/" + suffix
}

// placeColumns are a place's label point and bounding box.
const placeColumns = `ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)),
	ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)`

func places(ctx context.Context, db postgres.Querier, what, query string) ([]Place, error) {
	rows, err := db.Query(ctx, query+` ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: read the %s: %w", what, err)
	}
	var out []Place
	var p Place
	_, err = pgx.ForEachRow(rows, []any{&p.ID, &p.Name, &p.Center[0], &p.Center[1], &p.BBox[0], &p.BBox[1], &p.BBox[2], &p.BBox[3]},
		func() error {
			q := p
			for i := range q.Center {
				q.Center[i] = round5(q.Center[i])
			}
			// Outward, so that the rounded box still holds the whole outline.
			q.BBox = [4]float64{floor5(p.BBox[0]), floor5(p.BBox[1]), ceil5(p.BBox[2]), ceil5(p.BBox[3])}
			out = append(out, q)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("gazetteer: read the %s: %w", what, err)
	}
	return out, nil
}

func round5(v float64) float64 { return math.Round(v*1e5) / 1e5 }
func floor5(v float64) float64 { return math.Floor(v*1e5) / 1e5 }
func ceil5(v float64) float64  { return math.Ceil(v*1e5) / 1e5 }
