package shapefile

import (
	"fmt"
	"strconv"
	"strings"
)

// crsNames maps the normalised names of the PROJCS or GEOGCS of a .prj
// (lower case, runs of other characters than letters and digits as one
// "_") to EPSG codes, in their EPSG and ESRI spellings.
var crsNames = map[string]int{
	// projected
	"wgs_84_utm_zone_32n":                    32632,
	"wgs_1984_utm_zone_32n":                  32632,
	"wgs_84_utm_zone_33n":                    32633,
	"wgs_1984_utm_zone_33n":                  32633,
	"etrs89_utm_zone_32n":                    25832,
	"etrs_1989_utm_zone_32n":                 25832,
	"etrs89_utm_zone_33n":                    25833,
	"etrs_1989_utm_zone_33n":                 25833,
	"rdn2008_utm_zone_32n":                   7791,
	"rdn2008_utm_zone_33n":                   7792,
	"rdn2008_utm_zone_32n_n_e":               6707,
	"rdn2008_utm_zone_33n_n_e":               6708,
	"rdn2008_tm32":                           6707,
	"rdn2008_tm33":                           6708,
	"monte_mario_italy_zone_1":               3003,
	"monte_mario_italy_1":                    3003,
	"monte_mario_gauss_boaga_fuso_1":         3003,
	"monte_mario_italy_zone_2":               3004,
	"monte_mario_italy_2":                    3004,
	"monte_mario_gauss_boaga_fuso_2":         3004,
	"wgs_84_pseudo_mercator":                 3857,
	"wgs_1984_web_mercator_auxiliary_sphere": 3857,
	// geographic
	"wgs_84":        4326,
	"wgs84":         4326,
	"gcs_wgs_1984":  4326,
	"wgs_1984":      4326,
	"etrs89":        4258,
	"gcs_etrs_1989": 4258,
	"etrs_1989":     4258,
	"rdn2008":       6706,
	"gcs_rdn2008":   6706,
}

// EPSGOfWKT returns the EPSG code of a CRS given as WKT (1 or 2), as the reader takes it from a
// .prj: the top-level AUTHORITY["EPSG",n] or ID["EPSG",n] when there is one, else the name of
// the PROJCS or GEOGCS among the systems Italian data come in. A GeoPackage's
// gpkg_spatial_ref_sys definition is read the same way (ingest/gpkg).
func EPSGOfWKT(text string) (int, error) { return parsePRJ(text) }

// parsePRJ reads the EPSG code of a .prj: the top-level authority when
// there is one, else the top-level name.
func parsePRJ(text string) (int, error) {
	w, err := parseWKT(strings.TrimSpace(strings.TrimPrefix(text, "\uFEFF")))
	if err != nil {
		return 0, err
	}
	kw := strings.ToUpper(w.keyword)
	switch kw {
	case "PROJCS", "GEOGCS", "PROJCRS", "GEOGCRS", "GEODCRS", "BASEGEOGCRS":
	case "COMPD_CS", "COMPOUNDCRS":
		return 0, fmt.Errorf("compound CRS %q: only 2D CRS are supported", w.name)
	default:
		return 0, fmt.Errorf("%s[%q...]: not a projected or geographic CRS", w.keyword, w.name)
	}
	if w.epsg > 0 {
		return w.epsg, nil
	}
	name := normaliseCRSName(w.name)
	if code, ok := crsNames[name]; ok {
		projected := code != 4326 && code != 4258 && code != 6706
		if projected == (kw == "PROJCS" || kw == "PROJCRS") {
			return code, nil
		}
	}
	return 0, fmt.Errorf("unrecognised CRS %s[%q] (known: WGS 84 and ETRS89 / UTM 32N and 33N, RDN2008 / UTM 32N, Monte Mario / Italy 1 and 2, WGS 84, ETRS89, or any WKT with AUTHORITY[\"EPSG\",n])", w.keyword, w.name)
}

func normaliseCRSName(s string) string {
	var b strings.Builder
	sep := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(c)
		} else {
			sep = true
		}
	}
	return b.String()
}

// wkt is what parsePRJ needs of a WKT: the top-level keyword, its name and
// its EPSG authority code, if any.
type wkt struct {
	keyword string
	name    string
	epsg    int
}

// parseWKT scans a WKT 1 or 2 string: KEYWORD["name", ..., AUTHORITY["EPSG","n"]]
// or ID["EPSG",n] at the top level.
func parseWKT(s string) (wkt, error) {
	var w wkt
	i := 0
	for i < len(s) && (s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9' || s[i] == '_') {
		i++
	}
	w.keyword = s[:i]
	if w.keyword == "" || i >= len(s) || (s[i] != '[' && s[i] != '(') {
		return w, fmt.Errorf("not a WKT coordinate reference system: %q", clip(s, 60))
	}
	i++
	name, j, ok := quoted(s, i)
	if !ok {
		return w, fmt.Errorf("not a WKT coordinate reference system: %s without a name", w.keyword)
	}
	w.name = name
	i = j
	// Walk the rest at depth 1, looking for AUTHORITY[ or ID[.
	depth := 1
	for i < len(s) && depth > 0 {
		c := s[i]
		switch {
		case c == '"':
			_, j, ok := quoted(s, i)
			if !ok {
				return w, fmt.Errorf("WKT %s[%q]: unterminated quoted string", w.keyword, w.name)
			}
			i = j
			continue
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			depth--
		case depth == 1 && (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'):
			k := i
			for k < len(s) && (s[k] >= 'A' && s[k] <= 'Z' || s[k] >= 'a' && s[k] <= 'z' || s[k] == '_') {
				k++
			}
			kw := strings.ToUpper(s[i:k])
			if (kw == "AUTHORITY" || kw == "ID") && k < len(s) && (s[k] == '[' || s[k] == '(') {
				if code, ok := authority(s[k+1:]); ok {
					w.epsg = code
				}
			}
			i = k
			continue
		}
		i++
	}
	if depth > 0 {
		return w, fmt.Errorf("WKT %s[%q]: unbalanced brackets", w.keyword, w.name)
	}
	return w, nil
}

// authority reads `"EPSG","4326"]` or `"EPSG",4326]`.
func authority(s string) (int, bool) {
	s = strings.TrimSpace(s)
	auth, i, ok := quoted(s, 0)
	if !ok || !strings.EqualFold(auth, "EPSG") {
		return 0, false
	}
	s = strings.TrimLeft(s[i:], " ")
	if !strings.HasPrefix(s, ",") {
		return 0, false
	}
	s = strings.TrimSpace(s[1:])
	end := strings.IndexAny(s, ",])")
	if end < 0 {
		return 0, false
	}
	code, err := strconv.Atoi(strings.Trim(strings.TrimSpace(s[:end]), `"`))
	if err != nil || code <= 0 {
		return 0, false
	}
	return code, true
}

// quoted reads the quoted string starting at s[i] (after spaces), with ""
// as an escaped quote; it returns the string and the index after it.
func quoted(s string, i int) (string, int, bool) {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) || s[i] != '"' {
		return "", i, false
	}
	var b strings.Builder
	for i++; i < len(s); i++ {
		if s[i] == '"' {
			if i+1 < len(s) && s[i+1] == '"' {
				b.WriteByte('"')
				i++
				continue
			}
			return b.String(), i + 1, true
		}
		b.WriteByte(s[i])
	}
	return "", i, false
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
