// Package dcat writes the DCAT-AP_IT 2.0 metadata of Abitare's open-data releases as
// JSON-LD, ready to be harvested by dati.gov.it (and, through it, data.europa.eu).
//
// The output is one JSON-LD document with an inline @context: a dcatapit:Catalog of the
// publisher, one dcatapit:Dataset per release and one dcatapit:Distribution per file of
// the release. Every node carries both its DCAT-AP_IT class and the DCAT class it
// specialises (dcatapit:Dataset and dcat:Dataset, and so on).
//
// Usage:
//
//	pub := dcat.Publisher{
//		Name:     "Comune di Modena",
//		IPACode:  "c_f257",
//		Email:    "opendata@comune.modena.it",
//		Homepage: "https://www.comune.modena.it",
//	}
//	rel := dcat.Release{
//		ID:          3,
//		Title:       map[string]string{"it": "Fabbisogno abitativo 2025", "en": "Housing need 2025"},
//		Description: map[string]string{"it": "…", "en": "…"},
//		Modified:    time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC),
//		Periods:     []string{"2025-Q3", "2025-Q4"},
//		Frequency:   "QUARTERLY",
//		Spatial:     []dcat.Place{{ISTATCode: "036023", Name: "Modena"}},
//		Distributions: []dcat.Distribution{
//			{Title: "Indicatori per sezione", Format: "GPKG", URL: "releases/3/abitare.gpkg", Bytes: 1 << 20, SHA256: "…"},
//			{Title: "Tessere della mappa", Format: "PMTILES", URL: "releases/3/abitare.pmtiles"},
//		},
//	}
//	doc, err := dcat.Catalog(pub, "https://abitare.comune.modena.it/", []dcat.Release{rel})
//
// CatalogRDFXML takes the same arguments and writes the same triples as RDF/XML (one
// rdf:Description per subject) for harvesters that do not read JSON-LD.
//
// Controlled vocabularies used (the IRIs the national catalogue expects):
//
//   - dcat:theme: EU data-theme SOCI (population and society);
//   - dct:accrualPeriodicity: EU frequency authority table (QUARTERLY, ANNUAL, …);
//     an empty Release.Frequency is written as UNKNOWN;
//   - dct:format: EU file-type authority table: GPKG, GEOJSON, CSV. The table has no
//     PMTiles entry, so PMTiles archives are written as OCTET (octet stream) and are
//     told apart by dcat:mediaType application/vnd.pmtiles;
//   - dcat:mediaType: IANA media-type IRIs (application/geopackage+sqlite3,
//     application/geo+json, text/csv, application/vnd.pmtiles);
//   - dct:language: EU language authority table (ITA, ENG);
//   - dct:license: a dcatapit:LicenseDocument (CC BY 4.0 by default) whose dct:type is
//     the ADMS licence type Attribution, linked with skos:exactMatch to the EU licence
//     authority table (licence/CC_BY_4_0) and the Italian licence vocabulary (A21_CCBY40).
//
// The publisher and the rights holder are the same dcatapit:Agent, identified by its IPA
// code (Indice delle Pubbliche Amministrazioni); dataset identifiers are the IPA code, a
// colon and "abitare-r<release id>", e.g. "c_f257:abitare-r3". The contact point is a
// dcatapit:Organization (vcard:Organization) with vcard:fn and vcard:hasEmail.
//
// Catalog validates its input and returns an *Error naming the first offending field
// (for example "releases[0].Title[it]") when a mandatory value is missing or malformed.
package dcat

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/abitare/abitare"
)

// Namespace IRIs used by the output.
const (
	NSDCAT     = "http://www.w3.org/ns/dcat#"
	NSDCATAPIT = "http://dati.gov.it/onto/dcatapit#"
	NSDCT      = "http://purl.org/dc/terms/"
	NSFOAF     = "http://xmlns.com/foaf/0.1/"
	NSVCARD    = "http://www.w3.org/2006/vcard/ns#"
	NSSPDX     = "http://spdx.org/rdf/terms#"
	NSXSD      = "http://www.w3.org/2001/XMLSchema#"
	NSSKOS     = "http://www.w3.org/2004/02/skos/core#"
	NSLOCN     = "http://www.w3.org/ns/locn#"

	euAuthority = "http://publications.europa.eu/resource/authority/"
	ianaMedia   = "http://www.iana.org/assignments/media-types/"

	// ThemeSOCI is the EU data theme "Population and society" every release is filed under.
	ThemeSOCI = euAuthority + "data-theme/SOCI"
	// DefaultLicense is the licence of a release that names none: CC BY 4.0.
	DefaultLicense = "https://creativecommons.org/licenses/by/4.0/"
)

// Publisher is the public body that publishes the releases: it is the catalog's and the
// datasets' dct:publisher, the datasets' dct:rightsHolder and their contact point.
type Publisher struct {
	Name     string // e.g. "Comune di Modena"
	IPACode  string // the body's code in the IPA index, e.g. "c_f257"
	Email    string // contact e-mail address
	Homepage string // absolute http(s) URL of the body or of the observatory
}

// Place is an area a release covers, written as a dct:Location of dct:spatial.
type Place struct {
	ISTATCode string // ISTAT code of a municipality ("036023"), province ("036") or region ("08")
	Name      string // e.g. "Modena"
}

// Release is one open-data release, written as a dcatapit:Dataset.
type Release struct {
	ID            int64
	Title         map[string]string // language tag -> text; "it" is mandatory
	Description   map[string]string // language tag -> text; "it" is mandatory
	Modified      time.Time
	Periods       []string // "2025" or "2025-Q2", written as dct:temporal
	Frequency     string   // EU frequency code such as "QUARTERLY", or its full IRI; "" means UNKNOWN
	License       string   // licence IRI; "" means DefaultLicense (CC BY 4.0)
	Spatial       []Place  // optional: the comune, the province or the region, or each comune
	Distributions []Distribution
}

// Distribution is one file of a release.
type Distribution struct {
	Title  string // Italian title of the file
	Format string // GPKG, GEOJSON, CSV or PMTILES
	URL    string // absolute, or relative to the catalog's base URL
	Bytes  int64  // size in bytes; 0 means unknown
	SHA256 string // hex SHA-256 of the file; "" means unknown
}

// Error is a validation error; Field names the offending input, e.g. "publisher.IPACode"
// or "releases[1].Distributions[0].URL".
type Error struct {
	Field string
	Msg   string
}

func (e *Error) Error() string { return "dcat: " + e.Field + ": " + e.Msg }

func invalid(field, format string, args ...any) error {
	return &Error{Field: field, Msg: fmt.Sprintf(format, args...)}
}

type format struct {
	fileType  string // code in the EU file-type authority table
	mediaType string // IANA media type
}

var formats = map[string]format{
	"GPKG":    {"GPKG", "application/geopackage+sqlite3"},
	"GEOJSON": {"GEOJSON", "application/geo+json"},
	"CSV":     {"CSV", "text/csv"},
	// The EU file-type table has no PMTiles entry: OCTET is its generic binary type.
	"PMTILES": {"OCTET", "application/vnd.pmtiles"},
}

// frequencies are the codes of the EU frequency authority table.
var frequencies = map[string]bool{
	"TRIENNIAL": true, "BIENNIAL": true, "ANNUAL": true, "ANNUAL_2": true, "ANNUAL_3": true,
	"QUARTERLY": true, "BIMONTHLY": true, "MONTHLY": true, "MONTHLY_2": true, "MONTHLY_3": true,
	"BIWEEKLY": true, "WEEKLY": true, "WEEKLY_2": true, "WEEKLY_3": true, "DAILY": true,
	"DAILY_2": true, "CONT": true, "IRREG": true, "UNKNOWN": true, "OTHER": true, "NEVER": true,
	"UPDATE_CONT": true, "HOURLY": true, "QUADRENNIAL": true, "QUINQUENNIAL": true,
	"DECENNIAL": true, "BIHOURLY": true, "TRIHOURLY": true, "TRIDECENNIAL": true,
	"OP_DATPRO": true,
}

// licenses describes the licences Catalog knows; others are written with their IRI only.
var licenses = map[string]struct {
	name     string
	admsType string
	same     []string
}{
	DefaultLicense: {
		name:     "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)",
		admsType: "http://purl.org/adms/licencetype/Attribution",
		same: []string{
			euAuthority + "licence/CC_BY_4_0",
			"https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40",
		},
	},
	"https://creativecommons.org/publicdomain/zero/1.0/": {
		name:     "Creative Commons CC0 1.0 Universale - Public Domain Dedication (CC0 1.0)",
		admsType: "http://purl.org/adms/licencetype/PublicDomain",
		same: []string{
			euAuthority + "licence/CC0",
			"https://w3id.org/italia/controlled-vocabulary/licences/A11_CCO10",
		},
	},
}

var (
	ipaCodeRE = regexp.MustCompile(`^[A-Za-z0-9_]{2,32}$`)
	sha256RE  = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
	istatRE   = regexp.MustCompile(`^([0-9]{6}|[0-9]{3}|[0-9]{2})$`)
)

// Context is the JSON-LD @context of the output.
var Context = map[string]any{
	"dcat":     NSDCAT,
	"dcatapit": NSDCATAPIT,
	"dct":      NSDCT,
	"foaf":     NSFOAF,
	"vcard":    NSVCARD,
	"spdx":     NSSPDX,
	"xsd":      NSXSD,
	"skos":     NSSKOS,
	"locn":     NSLOCN,
}

type node = map[string]any

func id(iri string) node                { return node{"@id": iri} }
func lang(text, tag string) node        { return node{"@value": text, "@language": tag} }
func typed(value, datatype string) node { return node{"@value": value, "@type": datatype} }
func date(t time.Time) node             { return typed(t.UTC().Format("2006-01-02"), "xsd:date") }

// langMap writes a language map as language-tagged literals, in tag order.
func langMap(m map[string]string) []node {
	tags := make([]string, 0, len(m))
	for t, s := range m {
		if strings.TrimSpace(s) != "" {
			tags = append(tags, t)
		}
	}
	sort.Strings(tags)
	out := make([]node, len(tags))
	for i, t := range tags {
		out[i] = lang(m[t], t)
	}
	return out
}

// absURL parses an absolute http(s) URL.
func absURL(field, s string) (*url.URL, error) {
	if strings.TrimSpace(s) == "" {
		return nil, invalid(field, "missing URL")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, invalid(field, "bad URL %q: %v", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, invalid(field, "bad URL %q: want an absolute http or https URL", s)
	}
	return u, nil
}

// DatasetID is the dct:identifier of a release: the IPA code, ":" and "abitare-r<ID>".
func DatasetID(ipaCode string, releaseID int64) string {
	return ipaCode + ":" + localID(releaseID)
}

func localID(releaseID int64) string { return "abitare-r" + strconv.FormatInt(releaseID, 10) }

// Catalog returns the DCAT-AP_IT catalog of the releases as a JSON-LD document. baseURL is
// the absolute http(s) URL the catalog is published under: the node IRIs are minted under
// it and relative distribution URLs are resolved against it.
func Catalog(pub Publisher, baseURL string, releases []Release) ([]byte, error) {
	doc, err := build(pub, baseURL, releases)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(doc, "", "  ")
}

func build(pub Publisher, baseURL string, releases []Release) (node, error) {
	base, err := absURL("baseURL", baseURL)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	base.RawQuery, base.Fragment = "", ""
	mint := func(path string) string { return base.ResolveReference(&url.URL{Path: path}).String() }

	if strings.TrimSpace(pub.Name) == "" {
		return nil, invalid("publisher.Name", "missing")
	}
	if pub.IPACode == "" {
		return nil, invalid("publisher.IPACode", "missing IPA code")
	}
	if !ipaCodeRE.MatchString(pub.IPACode) {
		return nil, invalid("publisher.IPACode", "bad IPA code %q", pub.IPACode)
	}
	if pub.Email == "" {
		return nil, invalid("publisher.Email", "missing")
	}
	if a, err := mail.ParseAddress(pub.Email); err != nil || a.Address != pub.Email {
		return nil, invalid("publisher.Email", "bad e-mail address %q", pub.Email)
	}
	home, err := absURL("publisher.Homepage", pub.Homepage)
	if err != nil {
		return nil, err
	}
	if len(releases) == 0 {
		return nil, invalid("releases", "a catalog needs at least one release")
	}

	agentIRI := mint("dcat/agent/" + url.PathEscape(pub.IPACode))
	agent := node{
		"@id":            agentIRI,
		"@type":          []string{"dcatapit:Agent", "foaf:Agent", "foaf:Organization"},
		"dct:identifier": pub.IPACode,
		"foaf:name":      pub.Name,
	}
	contact := node{
		"@id":            mint("dcat/contact-point"),
		"@type":          []string{"dcatapit:Organization", "vcard:Organization", "vcard:Kind"},
		"vcard:fn":       pub.Name,
		"vcard:hasEmail": id("mailto:" + pub.Email),
	}
	licenseNodes := map[string]node{}

	var datasets []node
	var modified time.Time
	seen := map[int64]bool{}
	for i, r := range releases {
		field := fmt.Sprintf("releases[%d]", i)
		if r.ID <= 0 {
			return nil, invalid(field+".ID", "want a positive release id, got %d", r.ID)
		}
		if seen[r.ID] {
			return nil, invalid(field+".ID", "duplicate release id %d", r.ID)
		}
		seen[r.ID] = true
		if strings.TrimSpace(r.Title["it"]) == "" {
			return nil, invalid(field+".Title[it]", "missing Italian title")
		}
		if strings.TrimSpace(r.Description["it"]) == "" {
			return nil, invalid(field+".Description[it]", "missing Italian description")
		}
		if r.Modified.IsZero() {
			return nil, invalid(field+".Modified", "missing modification date")
		}
		if r.Modified.After(modified) {
			modified = r.Modified
		}
		freq := r.Frequency
		if freq == "" {
			freq = "UNKNOWN"
		}
		freq = strings.TrimPrefix(freq, euAuthority+"frequency/")
		if !frequencies[freq] {
			return nil, invalid(field+".Frequency", "%q is not a code of the EU frequency table (e.g. QUARTERLY)", r.Frequency)
		}
		lic := r.License
		if lic == "" {
			lic = DefaultLicense
		}
		if _, err := absURL(field+".License", lic); err != nil {
			return nil, err
		}
		if licenseNodes[lic] == nil {
			ln := node{"@id": lic, "@type": []string{"dcatapit:LicenseDocument", "dct:LicenseDocument"}}
			if known, ok := licenses[lic]; ok {
				ln["foaf:name"] = known.name
				ln["dct:type"] = id(known.admsType)
				var same []node
				for _, s := range known.same {
					same = append(same, id(s))
				}
				ln["skos:exactMatch"] = same
			}
			licenseNodes[lic] = ln
		}
		if len(r.Distributions) == 0 {
			return nil, invalid(field+".Distributions", "a release needs at least one distribution")
		}

		dsIRI := mint("dcat/dataset/" + localID(r.ID))
		ds := node{
			"@id":                    dsIRI,
			"@type":                  []string{"dcatapit:Dataset", "dcat:Dataset"},
			"dct:identifier":         DatasetID(pub.IPACode, r.ID),
			"dct:title":              langMap(r.Title),
			"dct:description":        langMap(r.Description),
			"dct:modified":           date(r.Modified),
			"dcat:theme":             id(ThemeSOCI),
			"dct:rightsHolder":       id(agentIRI),
			"dct:publisher":          id(agentIRI),
			"dct:accrualPeriodicity": id(euAuthority + "frequency/" + freq),
			"dcat:contactPoint":      id(contact["@id"].(string)),
			"dct:language":           []node{id(euAuthority + "language/ITA")},
		}
		if _, ok := r.Title["en"]; ok {
			ds["dct:language"] = []node{id(euAuthority + "language/ITA"), id(euAuthority + "language/ENG")}
		}

		var temporal []node
		for j, p := range r.Periods {
			ps, err := abitare.ParsePeriod(p)
			if err != nil {
				return nil, invalid(fmt.Sprintf("%s.Periods[%d]", field, j), "%v", err)
			}
			temporal = append(temporal, node{
				"@type":          "dct:PeriodOfTime",
				"dcat:startDate": date(ps[0].Start),
				"dcat:endDate":   date(ps[0].End.AddDate(0, 0, -1)),
				"skos:prefLabel": ps[0].Label,
			})
		}
		if len(temporal) > 0 {
			ds["dct:temporal"] = temporal
		}
		var places []node
		for j, p := range r.Spatial {
			if !istatRE.MatchString(p.ISTATCode) {
				return nil, invalid(fmt.Sprintf("%s.Spatial[%d].ISTATCode", field, j),
					"want an ISTAT code of a municipality (six digits), province (three) or region (two), got %q", p.ISTATCode)
			}
			loc := node{"@type": "dct:Location", "dct:identifier": p.ISTATCode}
			if p.Name != "" {
				loc["locn:geographicName"] = p.Name
			}
			places = append(places, loc)
		}
		switch len(places) {
		case 0:
		case 1:
			ds["dct:spatial"] = places[0]
		default:
			ds["dct:spatial"] = places
		}

		var dists []node
		for j, d := range r.Distributions {
			df := fmt.Sprintf("%s.Distributions[%d]", field, j)
			f, ok := formats[strings.ToUpper(d.Format)]
			if !ok {
				return nil, invalid(df+".Format", "unknown format %q: want GPKG, GEOJSON, CSV or PMTILES", d.Format)
			}
			if strings.TrimSpace(d.URL) == "" {
				return nil, invalid(df+".URL", "missing URL")
			}
			ref, err := url.Parse(d.URL)
			if err != nil {
				return nil, invalid(df+".URL", "bad URL %q: %v", d.URL, err)
			}
			abs := base.ResolveReference(ref)
			if _, err := absURL(df+".URL", abs.String()); err != nil {
				return nil, err
			}
			if d.Bytes < 0 {
				return nil, invalid(df+".Bytes", "negative size %d", d.Bytes)
			}
			title := d.Title
			if strings.TrimSpace(title) == "" {
				title = r.Title["it"] + " (" + strings.ToUpper(d.Format) + ")"
			}
			dn := node{
				"@id":              fmt.Sprintf("%s/distribution/%d", dsIRI, j+1),
				"@type":            []string{"dcatapit:Distribution", "dcat:Distribution"},
				"dct:title":        lang(title, "it"),
				"dct:format":       id(euAuthority + "file-type/" + f.fileType),
				"dcat:mediaType":   id(ianaMedia + f.mediaType),
				"dcat:accessURL":   id(abs.String()),
				"dcat:downloadURL": id(abs.String()),
				"dct:license":      id(lic),
				"dct:modified":     date(r.Modified),
			}
			if d.Bytes > 0 {
				dn["dcat:byteSize"] = typed(strconv.FormatInt(d.Bytes, 10), "xsd:decimal")
			}
			if d.SHA256 != "" {
				if !sha256RE.MatchString(d.SHA256) {
					return nil, invalid(df+".SHA256", "want 64 hex digits, got %q", d.SHA256)
				}
				dn["spdx:checksum"] = node{
					"@type":              "spdx:Checksum",
					"spdx:algorithm":     id(NSSPDX + "checksumAlgorithm_sha256"),
					"spdx:checksumValue": typed(strings.ToLower(d.SHA256), "xsd:hexBinary"),
				}
			}
			dists = append(dists, dn)
		}
		ds["dcat:distribution"] = dists
		datasets = append(datasets, ds)
	}

	catalogIRI := mint("dcat/catalog")
	catalog := node{
		"@id":   catalogIRI,
		"@type": []string{"dcatapit:Catalog", "dcat:Catalog"},
		"dct:title": []node{
			lang("Abitare - catalogo dei dati aperti sul fabbisogno abitativo ("+pub.Name+")", "it"),
			lang("Abitare - open data catalogue on housing need ("+pub.Name+")", "en"),
		},
		"dct:description": []node{
			lang("Rilasci di dati aperti dell'osservatorio Abitare sul fabbisogno abitativo, pubblicati da "+pub.Name+".", "it"),
			lang("Open-data releases of the Abitare housing-need observatory, published by "+pub.Name+".", "en"),
		},
		"dct:publisher": id(agentIRI),
		"dct:modified":  date(modified),
		"foaf:homepage": id(home.String()),
		"dct:language":  []node{id(euAuthority + "language/ITA"), id(euAuthority + "language/ENG")},
		"dcat:dataset":  datasets,
	}

	graph := []node{catalog, agent, contact}
	lics := make([]string, 0, len(licenseNodes))
	for l := range licenseNodes {
		lics = append(lics, l)
	}
	sort.Strings(lics)
	for _, l := range lics {
		graph = append(graph, licenseNodes[l])
	}
	return node{"@context": Context, "@graph": graph}, nil
}
