// Package territory reads the municipalities of a study area from ISTAT's boundary files and
// stores them: one comune, a union of comuni, a province or a region.
//
// ISTAT publishes the boundaries of every comune in "Confini delle unità amministrative a fini
// statistici" as a zipped shapefile (ComDDMMYYYY_g_WGS84.shp, EPSG:32632) with the fields
// COD_REG, COD_PROV, COD_UTS, PRO_COM, PRO_COM_T, COMUNE and CC_UTS. ReadFile takes that file,
// or a GeoPackage (ogr2ogr -f GPKG of it, read by ingest/gpkg) or GeoJSON with the same fields
// (or the names openpolis uses: com_istat_code, name, prov_istat_code, reg_istat_code,
// com_catasto_code), keeps the geometry in the file's CRS and says which it is (the .prj, the
// layer's gpkg_spatial_ref_sys row, the GeoJSON crs); Store reprojects in PostGIS. ReadLayer
// picks one layer of a GeoPackage or zip that holds several.
//
// Usage:
//
//	f, err := territory.ReadFile("Com01012024_g_WGS84.zip")
//	if err != nil {
//		return err // names the file, the record and the field
//	}
//	f, err = territory.Selection{Province: "036"}.Select(f)
//	if err != nil {
//		return err
//	}
//	sum, err := territory.Store(ctx, db, f, progress)
package territory

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/twpayne/go-geom"
)

// Municipality is one comune as a boundary file gives it. Codes keep ISTAT's leading zeros.
type Municipality struct {
	Code          string // six digits, e.g. 036023 (PRO_COM_T)
	Name          string
	ProvinceCode  string // three digits, e.g. 036 (COD_PROV)
	RegionCode    string // two digits, e.g. 08 (COD_REG)
	UTSCode       string // three digits (COD_UTS): province, metropolitan city or free consortium
	CadastralCode string // codice catastale, e.g. F257, when the file has it
	ProvinceName  string
	RegionName    string
	Geometry      *geom.MultiPolygon // in the file's CRS
}

// File is what a boundary file holds: its municipalities and the EPSG code of their CRS.
type File struct {
	Name           string
	SRID           int
	Municipalities []Municipality
	// Known are every comune the file names, selected or not (nil: the Municipalities): Store
	// keeps their codes and names, so that partner records of a comune outside the territory
	// are told from a misspelt one.
	Known []Municipality
}

// fieldNames lists, for each attribute, the names files use for it (upper case), the first
// found wins: ISTAT's layout, then openpolis'.
var fieldNames = struct {
	code, codeNum, name, province, region, uts, cadastral, provinceName, regionName []string
}{
	code:         []string{"PRO_COM_T", "COM_ISTAT_CODE", "COD_ISTAT", "CODICE_ISTAT"},
	codeNum:      []string{"PRO_COM", "COM_ISTAT_CODE_NUM"},
	name:         []string{"COMUNE", "NAME", "DENOMINAZIONE", "COMUNE_NAME"},
	province:     []string{"COD_PROV", "PROV_ISTAT_CODE"},
	region:       []string{"COD_REG", "REG_ISTAT_CODE"},
	uts:          []string{"COD_UTS"},
	cadastral:    []string{"COM_CATASTO_CODE", "COD_CATASTO", "CODICE_CATASTALE", "COD_CATAST"},
	provinceName: []string{"DEN_UTS", "DEN_PROV", "PROV_NAME"},
	regionName:   []string{"DEN_REG", "REG_NAME"},
}

// attributes is one record's fields, keyed by upper-case name.
type attributes map[string]string

func (a attributes) first(names []string) string {
	for _, n := range names {
		if v, ok := a[n]; ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

// municipalityOf reads one record; where names it in errors ("file.shp: record 3").
func municipalityOf(a attributes, g geom.T, where string) (Municipality, error) {
	m := Municipality{
		Name:          a.first(fieldNames.name),
		CadastralCode: strings.ToUpper(a.first(fieldNames.cadastral)),
		ProvinceName:  a.first(fieldNames.provinceName),
		RegionName:    a.first(fieldNames.regionName),
	}
	code, err := municipalityCode(a)
	if err != nil {
		return m, fmt.Errorf("%s: %w", where, err)
	}
	m.Code = code
	if m.Name == "" {
		return m, fmt.Errorf("%s (%s): no name (field COMUNE)", where, code)
	}
	if m.ProvinceCode, err = paddedCode(a.first(fieldNames.province), 3, "COD_PROV"); err != nil {
		return m, fmt.Errorf("%s (%s): %w", where, code, err)
	}
	if m.ProvinceCode == "" {
		m.ProvinceCode = code[:3]
	}
	if m.RegionCode, err = paddedCode(a.first(fieldNames.region), 2, "COD_REG"); err != nil {
		return m, fmt.Errorf("%s (%s): %w", where, code, err)
	}
	if m.UTSCode, err = paddedCode(a.first(fieldNames.uts), 3, "COD_UTS"); err != nil {
		return m, fmt.Errorf("%s (%s): %w", where, code, err)
	}
	if m.CadastralCode != "" && !regexp.MustCompile(`^[A-Z][0-9]{3}$`).MatchString(m.CadastralCode) {
		return m, fmt.Errorf("%s (%s): cadastral code %q is not a letter and three digits (e.g. F257)", where, code, m.CadastralCode)
	}
	if m.Geometry, err = multiPolygon(g); err != nil {
		return m, fmt.Errorf("%s (%s %s): %w", where, code, m.Name, err)
	}
	if m.RegionName == "" {
		m.RegionName = regionNames[m.RegionCode]
	}
	if m.ProvinceName == "" {
		m.ProvinceName = provinceNames[m.ProvinceCode]
	}
	return m, nil
}

// regionNames are ISTAT's regions by COD_REG: ISTAT's boundary file of comuni carries codes
// only, and the map names the region it shows.
var regionNames = map[string]string{
	"01": "Piemonte", "02": "Valle d'Aosta/Vallée d'Aoste", "03": "Lombardia", "04": "Trentino-Alto Adige/Südtirol",
	"05": "Veneto", "06": "Friuli-Venezia Giulia", "07": "Liguria", "08": "Emilia-Romagna", "09": "Toscana",
	"10": "Umbria", "11": "Marche", "12": "Lazio", "13": "Abruzzo", "14": "Molise", "15": "Campania", "16": "Puglia",
	"17": "Basilicata", "18": "Calabria", "19": "Sicilia", "20": "Sardegna",
}

// provinceNames are the provinces (COD_PROV) of Emilia-Romagna, whose names the bundled data
// carries (democity/province/data); elsewhere a file without DEN_UTS names a province by its
// code, and a province's boundary file (or the name field) gives the name.
var provinceNames = map[string]string{
	"033": "Piacenza", "034": "Parma", "035": "Reggio nell'Emilia", "036": "Modena", "037": "Bologna",
	"038": "Ferrara", "039": "Ravenna", "040": "Forlì-Cesena", "099": "Rimini",
}

// municipalityCode is PRO_COM_T (six digits as text) or, without it, PRO_COM (a number,
// padded to six digits).
func municipalityCode(a attributes) (string, error) {
	if v := a.first(fieldNames.code); v != "" {
		if !sixDigits.MatchString(v) {
			return "", fmt.Errorf("municipality code %q (PRO_COM_T) is not six digits", v)
		}
		return v, nil
	}
	v := a.first(fieldNames.codeNum)
	if v == "" {
		return "", fmt.Errorf("no municipality code: want a field PRO_COM_T or PRO_COM")
	}
	code, err := paddedCode(v, 6, "PRO_COM")
	if err != nil {
		return "", err
	}
	return code, nil
}

// paddedCode turns ISTAT's numeric codes (36, 36.0, "036") into text of width digits.
func paddedCode(v string, width int, field string) (string, error) {
	if v == "" {
		return "", nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f == float64(int64(f)) && f > 0 {
		s := strconv.FormatInt(int64(f), 10)
		if len(s) <= width {
			return strings.Repeat("0", width-len(s)) + s, nil
		}
	}
	return "", fmt.Errorf("%s %q is not a code of at most %d digits", field, v, width)
}

func multiPolygon(g geom.T) (*geom.MultiPolygon, error) {
	switch g := g.(type) {
	case *geom.MultiPolygon:
		if g.NumPolygons() == 0 {
			return nil, fmt.Errorf("empty geometry")
		}
		return g, nil
	case *geom.Polygon:
		mp := geom.NewMultiPolygon(g.Layout()).SetSRID(g.SRID())
		if err := mp.Push(g); err != nil {
			return nil, err
		}
		return mp, nil
	case nil:
		return nil, fmt.Errorf("no geometry")
	default:
		return nil, fmt.Errorf("geometry is a %T, want a polygon or multipolygon", g)
	}
}

// Selection picks the study area among a file's municipalities: a region, a province or a list
// of comuni; the zero Selection takes them all.
type Selection struct {
	Region         string   // two digits, e.g. 08
	Province       string   // three digits, e.g. 036 (COD_PROV or COD_UTS)
	Municipalities []string // six digits each
}

// Validate checks the codes' shape.
func (s Selection) Validate() error {
	set := 0
	if s.Region != "" {
		set++
		if !regexp.MustCompile(`^[0-9]{2}$`).MatchString(s.Region) {
			return fmt.Errorf("region %q: want two digits, e.g. 08", s.Region)
		}
	}
	if s.Province != "" {
		set++
		if !regexp.MustCompile(`^[0-9]{3}$`).MatchString(s.Province) {
			return fmt.Errorf("province %q: want three digits, e.g. 036", s.Province)
		}
	}
	if len(s.Municipalities) > 0 {
		set++
		for _, c := range s.Municipalities {
			if !sixDigits.MatchString(c) {
				return fmt.Errorf("municipality %q: want six digits, e.g. 036023", c)
			}
		}
	}
	if set > 1 {
		return fmt.Errorf("choose one of region, province or municipalities")
	}
	return nil
}

// Apply returns the selected municipalities, sorted by code. It fails when the selection names
// a comune the file lacks, or selects nothing.
func (s Selection) Apply(ms []Municipality) ([]Municipality, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	want, missing := map[string]bool{}, map[string]bool{}
	for _, c := range s.Municipalities {
		want[c], missing[c] = true, true
	}
	var out []Municipality
	for _, m := range ms {
		switch {
		case s.Region != "" && m.RegionCode != s.Region:
		case s.Province != "" && m.ProvinceCode != s.Province && m.UTSCode != s.Province:
		case len(want) > 0 && !want[m.Code]:
		default:
			out = append(out, m)
			delete(missing, m.Code)
		}
	}
	if len(missing) > 0 {
		codes := make([]string, 0, len(missing))
		for c := range missing {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		return nil, fmt.Errorf("municipalities %s are not in the file", strings.Join(codes, ", "))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the selection (%s) matches no municipality of the file", s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// Select narrows the file to the selected comuni, keeping every comune it names as Known.
func (s Selection) Select(f File) (File, error) {
	selected, err := s.Apply(f.Municipalities)
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", f.Name, err)
	}
	if f.Known == nil {
		f.Known = f.Municipalities
	}
	f.Municipalities = selected
	return f, nil
}

func (s Selection) String() string {
	switch {
	case s.Region != "":
		return "region " + s.Region
	case s.Province != "":
		return "province " + s.Province
	case len(s.Municipalities) > 0:
		return "municipalities " + strings.Join(s.Municipalities, ",")
	}
	return "all"
}

// checkUnique refuses a file that names a comune twice.
func checkUnique(ms []Municipality, file string) error {
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.Code] {
			return fmt.Errorf("%s: municipality %s (%s) appears twice", file, m.Code, m.Name)
		}
		seen[m.Code] = true
	}
	return nil
}
