package territory

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/abitare/abitare/postgres"
	"github.com/jackc/pgx/v5"
)

// Kinds of territory, as Description.Kind says them.
const (
	KindNone           = "none"           // no municipality stored yet
	KindMunicipality   = "municipality"   // one comune
	KindMunicipalities = "municipalities" // a few comuni, or comuni of several regions
	KindProvince       = "province"       // comuni of one province
	KindRegion         = "region"         // comuni of several provinces of one region
)

// listedAtMost is how many comuni a territory's name lists: a territory of more comuni of one
// province is named after the province, of one region after the region, else counted. Which
// comuni a province has is not stored (the boundary file's selection is not kept), so "the
// province" means "comuni of that province only, more than a handful": a union of four or more
// comuni of one province is named after it too.
const listedAtMost = 3

// Place is a municipality, province or region the territory is or covers.
type Place struct {
	Kind string `json:"kind"` // municipality, province or region
	Code string `json:"code"` // ISTAT code: six, three or two digits
	Name string `json:"name"`
}

// Description is how the map, the public site and the open-data catalog name the study area,
// from the municipalities stored (package territory's Store, or zones.LoadModena).
type Description struct {
	Kind string `json:"kind"`
	// Name and NameEN are the territory's name: the comune's ("Modena"), the province's
	// ("Provincia di Modena", "Province of Modena"), the region's ("Regione Emilia-Romagna"),
	// the comuni listed ("Carpi e Modena", "Carpi and Modena"), or counted ("12 comuni").
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	// Places is what the territory is: the comune, the province or the region when it is named
	// after one, else each comune (dct:spatial of the open-data catalog).
	Places         []Place `json:"places"`
	Municipalities []Place `json:"municipalities"`
	// Bounds is the territory's extent in WGS 84: west, south, east, north; zero without comuni.
	Bounds [4]float64 `json:"bounds"`
}

// Describe names the territory stored in db.
func Describe(ctx context.Context, db postgres.Querier) (Description, error) {
	rows, err := db.Query(ctx, `SELECT code, name, coalesce(province_code, substr(code, 1, 3)), coalesce(province_name, ''),
			coalesce(region_code, ''), coalesce(region_name, ''),
			ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)
		FROM municipalities ORDER BY name, code`)
	if err != nil {
		return Description{}, fmt.Errorf("describe the territory: %w", err)
	}
	type row struct {
		code, name, prov, provName, reg, regName string
		box                                      [4]float64
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		return x, r.Scan(&x.code, &x.name, &x.prov, &x.provName, &x.reg, &x.regName, &x.box[0], &x.box[1], &x.box[2], &x.box[3])
	})
	if err != nil {
		return Description{}, fmt.Errorf("describe the territory: %w", err)
	}
	d := Description{Kind: KindNone, Places: []Place{}, Municipalities: []Place{}}
	if len(list) == 0 {
		return d, nil
	}
	provinces, regions := map[string]bool{}, map[string]bool{}
	var names []string
	for i, m := range list {
		d.Municipalities = append(d.Municipalities, Place{Kind: KindMunicipality, Code: m.code, Name: m.name})
		provinces[m.prov] = true
		regions[m.reg] = true
		names = append(names, m.name)
		if i == 0 {
			d.Bounds = m.box
			continue
		}
		d.Bounds = [4]float64{min(d.Bounds[0], m.box[0]), min(d.Bounds[1], m.box[1]), max(d.Bounds[2], m.box[2]), max(d.Bounds[3], m.box[3])}
	}
	first := list[0]
	switch {
	case len(list) == 1:
		d.Kind, d.Name, d.NameEN = KindMunicipality, first.name, first.name
		d.Places = d.Municipalities
	case len(list) <= listedAtMost:
		d.Kind = KindMunicipalities
		d.Name, d.NameEN = joinNames(names, "e"), joinNames(names, "and")
		d.Places = d.Municipalities
	case len(provinces) == 1 && isCode(first.prov, 3):
		name := first.provName
		if name == "" {
			name = first.prov
		}
		d.Kind, d.Name, d.NameEN = KindProvince, "Provincia di "+name, "Province of "+name
		d.Places = []Place{{Kind: KindProvince, Code: first.prov, Name: name}}
	case len(regions) == 1 && isCode(first.reg, 2):
		name := first.regName
		if name == "" {
			name = first.reg
		}
		d.Kind, d.Name, d.NameEN = KindRegion, "Regione "+name, name+" region"
		d.Places = []Place{{Kind: KindRegion, Code: first.reg, Name: name}}
	default:
		d.Kind = KindMunicipalities
		n := strconv.Itoa(len(list))
		d.Name, d.NameEN = n+" comuni", n+" municipalities"
		d.Places = d.Municipalities
	}
	return d, nil
}

// joinNames lists names as a sentence: "Carpi, Modena e Soliera".
func joinNames(names []string, and string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + and + " " + names[len(names)-1]
}

func isCode(s string, digits int) bool {
	if len(s) != digits {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
