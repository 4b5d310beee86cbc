package dcat

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/piprate/json-gold/ld"
)

const (
	rdfType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	base    = "https://abitare.example.it/modena/"
)

func testPublisher() Publisher {
	return Publisher{Name: "Comune di Modena", IPACode: "c_f257", Email: "opendata@comune.modena.it", Homepage: "https://www.comune.modena.it/"}
}

func testRelease() Release {
	return Release{
		ID:          3,
		Title:       map[string]string{"it": "Fabbisogno abitativo 2025", "en": "Housing need 2025"},
		Description: map[string]string{"it": "Indicatori del fabbisogno abitativo per sezione.", "en": "Housing-need indicators by census section."},
		Modified:    time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC),
		Periods:     []string{"2025-Q3", "2025"},
		Frequency:   "QUARTERLY",
		Spatial:     []Place{{ISTATCode: "036023", Name: "Modena"}},
		Distributions: []Distribution{
			{Title: "Indicatori (GeoPackage)", Format: "GPKG", URL: "releases/3/abitare.gpkg", Bytes: 1048576, SHA256: strings.Repeat("ab", 32)},
			{Title: "Indicatori (GeoJSON)", Format: "GEOJSON", URL: "https://cdn.example.it/r3/abitare.geojson", Bytes: 2048},
			{Title: "Indicatori (CSV)", Format: "csv", URL: "/modena/releases/3/abitare.csv"},
			{Title: "Mappa", Format: "PMTILES", URL: "releases/3/abitare.pmtiles"},
		},
	}
}

// graph is the RDF graph of a document, as quads read back from N-Quads.
type graph []*ld.Quad

// toRDF runs the document through the json-gold JSON-LD processor, serialises the default
// graph as N-Quads and parses those back, so the assertions see real RDF terms.
func toRDF(t *testing.T, doc []byte) graph {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	opts := ld.NewJsonLdOptions("")
	opts.Format = "application/n-quads"
	nq, err := ld.NewJsonLdProcessor().ToRDF(v, opts)
	if err != nil {
		t.Fatalf("JSON-LD to RDF: %v", err)
	}
	ds, err := ld.ParseNQuads(nq.(string))
	if err != nil {
		t.Fatalf("parse N-Quads: %v\n%s", err, nq)
	}
	if len(ds.Graphs) != 1 || len(ds.Graphs["@default"]) == 0 {
		t.Fatalf("want one non-empty default graph, got %d graphs", len(ds.Graphs))
	}
	return ds.Graphs["@default"]
}

func term(n ld.Node) string {
	switch n := n.(type) {
	case ld.IRI:
		return n.Value
	case ld.BlankNode:
		return n.Attribute
	case ld.Literal:
		return n.Value
	}
	return ""
}

// objects returns the objects of subject s and predicate p.
func (g graph) objects(s, p string) []ld.Node {
	var out []ld.Node
	for _, q := range g {
		if term(q.Subject) == s && term(q.Predicate) == p {
			out = append(out, q.Object)
		}
	}
	return out
}

func (g graph) subjectsOfType(class string) []string {
	var out []string
	for _, q := range g {
		if term(q.Predicate) == rdfType && term(q.Object) == class {
			out = append(out, term(q.Subject))
		}
	}
	return out
}

func (g graph) hasType(s string, classes ...string) error {
	for _, c := range classes {
		found := false
		for _, o := range g.objects(s, rdfType) {
			if _, ok := o.(ld.IRI); ok && term(o) == c {
				found = true
			}
		}
		if !found {
			return errors.New(s + " is not a " + c)
		}
	}
	return nil
}

// one returns the single object of s p, failing the test otherwise.
func (g graph) one(t *testing.T, s, p string) ld.Node {
	t.Helper()
	os := g.objects(s, p)
	if len(os) == 0 {
		t.Fatalf("%s has no %s", s, p)
	}
	return os[0]
}

func (g graph) iri(t *testing.T, s, p string) string {
	t.Helper()
	o := g.one(t, s, p)
	if _, ok := o.(ld.IRI); !ok {
		t.Fatalf("%s %s: want an IRI, got %#v", s, p, o)
	}
	return term(o)
}

func (g graph) literal(t *testing.T, s, p string) ld.Literal {
	t.Helper()
	o := g.one(t, s, p)
	l, ok := o.(ld.Literal)
	if !ok {
		t.Fatalf("%s %s: want a literal, got %#v", s, p, o)
	}
	return l
}

func (g graph) langs(s, p string) map[string]string {
	out := map[string]string{}
	for _, o := range g.objects(s, p) {
		if l, ok := o.(ld.Literal); ok && l.Language != "" {
			out[l.Language] = l.Value
		}
	}
	return out
}

func TestCatalogRDF(t *testing.T) {
	rel2 := testRelease()
	rel2.ID = 4
	rel2.Title = map[string]string{"it": "Fabbisogno abitativo 2026"}
	rel2.Description = map[string]string{"it": "Solo in italiano."}
	rel2.Frequency = ""
	rel2.Spatial = nil
	rel2.Periods = nil
	rel2.Modified = time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC)
	rel2.Distributions = rel2.Distributions[2:3]
	doc, err := Catalog(testPublisher(), base, []Release{testRelease(), rel2})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), `"@context"`) {
		t.Fatal("no @context")
	}
	g := toRDF(t, doc)
	const (
		dcat  = NSDCAT
		dct   = NSDCT
		it    = NSDCATAPIT
		foaf  = NSFOAF
		vcard = NSVCARD
		spdx  = NSSPDX
		xsd   = NSXSD
		eu    = "http://publications.europa.eu/resource/authority/"
	)

	// Catalog.
	cats := g.subjectsOfType(it + "Catalog")
	if len(cats) != 1 {
		t.Fatalf("want one dcatapit:Catalog, got %v", cats)
	}
	cat := cats[0]
	if err := g.hasType(cat, dcat+"Catalog"); err != nil {
		t.Error(err)
	}
	if l := g.langs(cat, dct+"title"); l["it"] == "" || l["en"] == "" {
		t.Errorf("catalog title not in it and en: %v", l)
	}
	if l := g.langs(cat, dct+"description"); l["it"] == "" || l["en"] == "" {
		t.Errorf("catalog description not in it and en: %v", l)
	}
	if got := g.iri(t, cat, foaf+"homepage"); got != "https://www.comune.modena.it/" {
		t.Errorf("homepage %s", got)
	}
	if m := g.literal(t, cat, dct+"modified"); m.Value != "2026-04-15" || m.Datatype != xsd+"date" {
		t.Errorf("catalog modified %+v, want the latest release's 2026-04-15", m)
	}
	langs := map[string]bool{}
	for _, o := range g.objects(cat, dct+"language") {
		langs[term(o)] = true
	}
	if !langs[eu+"language/ITA"] || !langs[eu+"language/ENG"] {
		t.Errorf("catalog languages %v", langs)
	}
	pubIRI := g.iri(t, cat, dct+"publisher")
	if err := g.hasType(pubIRI, it+"Agent", foaf+"Agent"); err != nil {
		t.Error(err)
	}
	if id := g.literal(t, pubIRI, dct+"identifier"); id.Value != "c_f257" {
		t.Errorf("publisher identifier %q", id.Value)
	}
	if n := g.literal(t, pubIRI, foaf+"name"); n.Value != "Comune di Modena" {
		t.Errorf("publisher name %q", n.Value)
	}
	datasets := g.objects(cat, dcat+"dataset")
	if len(datasets) != 2 {
		t.Fatalf("catalog lists %d datasets, want 2", len(datasets))
	}
	if got := g.subjectsOfType(it + "Dataset"); len(got) != 2 {
		t.Fatalf("want 2 dcatapit:Dataset, got %v", got)
	}

	nDist := 0
	for _, dsNode := range datasets {
		ds := term(dsNode)
		if err := g.hasType(ds, it+"Dataset", dcat+"Dataset"); err != nil {
			t.Error(err)
		}
		ident := g.literal(t, ds, dct+"identifier").Value
		if ident != "c_f257:abitare-r3" && ident != "c_f257:abitare-r4" {
			t.Errorf("dataset identifier %q", ident)
		}
		r3 := ident == "c_f257:abitare-r3"
		titles, descs := g.langs(ds, dct+"title"), g.langs(ds, dct+"description")
		if titles["it"] == "" || descs["it"] == "" {
			t.Errorf("%s: no Italian title/description: %v %v", ds, titles, descs)
		}
		if r3 {
			if titles["it"] != "Fabbisogno abitativo 2025" || titles["en"] != "Housing need 2025" {
				t.Errorf("titles %v", titles)
			}
			if descs["en"] == "" {
				t.Errorf("no English description: %v", descs)
			}
		}
		if m := g.literal(t, ds, dct+"modified"); m.Datatype != xsd+"date" || m.Value == "" {
			t.Errorf("modified %+v", m)
		}
		if got := g.iri(t, ds, dcat+"theme"); got != eu+"data-theme/SOCI" {
			t.Errorf("theme %s", got)
		}
		freq := g.iri(t, ds, dct+"accrualPeriodicity")
		if want := map[bool]string{true: eu + "frequency/QUARTERLY", false: eu + "frequency/UNKNOWN"}[r3]; freq != want {
			t.Errorf("frequency %s, want %s", freq, want)
		}
		if got := g.iri(t, ds, dct+"publisher"); got != pubIRI {
			t.Errorf("dataset publisher %s", got)
		}
		holder := g.iri(t, ds, dct+"rightsHolder")
		if err := g.hasType(holder, it+"Agent"); err != nil {
			t.Error(err)
		}
		if g.literal(t, holder, dct+"identifier").Value != "c_f257" || g.literal(t, holder, foaf+"name").Value == "" {
			t.Error("rights holder lacks IPA identifier or name")
		}
		cp := g.iri(t, ds, dcat+"contactPoint")
		if err := g.hasType(cp, it+"Organization", vcard+"Organization"); err != nil {
			t.Error(err)
		}
		if g.literal(t, cp, vcard+"fn").Value == "" {
			t.Error("contact point has no vcard:fn")
		}
		if got := g.iri(t, cp, vcard+"hasEmail"); got != "mailto:opendata@comune.modena.it" {
			t.Errorf("contact e-mail %s", got)
		}
		if r3 {
			temporal := g.objects(ds, dct+"temporal")
			if len(temporal) != 2 {
				t.Fatalf("want 2 periods, got %d", len(temporal))
			}
			spans := map[string]bool{}
			for _, p := range temporal {
				if err := g.hasType(term(p), dct+"PeriodOfTime"); err != nil {
					t.Error(err)
				}
				spans[g.literal(t, term(p), dcat+"startDate").Value+"/"+g.literal(t, term(p), dcat+"endDate").Value] = true
			}
			if !spans["2025-07-01/2025-09-30"] || !spans["2025-01-01/2025-12-31"] {
				t.Errorf("periods %v", spans)
			}
			sp := term(g.one(t, ds, dct+"spatial"))
			if g.literal(t, sp, dct+"identifier").Value != "036023" {
				t.Error("spatial ISTAT code missing")
			}
		}

		// Distributions.
		wantFmt := map[string][2]string{
			"GPKG":    {eu + "file-type/GPKG", "http://www.iana.org/assignments/media-types/application/geopackage+sqlite3"},
			"GEOJSON": {eu + "file-type/GEOJSON", "http://www.iana.org/assignments/media-types/application/geo+json"},
			"CSV":     {eu + "file-type/CSV", "http://www.iana.org/assignments/media-types/text/csv"},
			"PMTILES": {eu + "file-type/OCTET", "http://www.iana.org/assignments/media-types/application/vnd.pmtiles"},
		}
		wantURL := map[string]string{
			"GPKG":    base + "releases/3/abitare.gpkg",
			"GEOJSON": "https://cdn.example.it/r3/abitare.geojson",
			"CSV":     base + "releases/3/abitare.csv",
			"PMTILES": base + "releases/3/abitare.pmtiles",
		}
		dists := g.objects(ds, dcat+"distribution")
		if want := map[bool]int{true: 4, false: 1}[r3]; len(dists) != want {
			t.Fatalf("%s has %d distributions, want %d", ds, len(dists), want)
		}
		for _, dn := range dists {
			nDist++
			d := term(dn)
			if err := g.hasType(d, it+"Distribution", dcat+"Distribution"); err != nil {
				t.Error(err)
			}
			if l := g.langs(d, dct+"title"); l["it"] == "" {
				t.Errorf("%s: no Italian title", d)
			}
			format, media := g.iri(t, d, dct+"format"), g.iri(t, d, dcat+"mediaType")
			var kind string
			for k, v := range wantFmt {
				if v[0] == format && v[1] == media {
					kind = k
				}
			}
			if kind == "" {
				t.Fatalf("%s: unexpected format/media type %s %s", d, format, media)
			}
			if got := g.iri(t, d, dcat+"accessURL"); got != wantURL[kind] {
				t.Errorf("%s accessURL %s, want %s", kind, got, wantURL[kind])
			}
			if got := g.iri(t, d, dcat+"downloadURL"); got != wantURL[kind] {
				t.Errorf("%s downloadURL %s, want %s", kind, got, wantURL[kind])
			}
			lic := g.iri(t, d, dct+"license")
			if lic != DefaultLicense {
				t.Errorf("license %s", lic)
			}
			if err := g.hasType(lic, dct+"LicenseDocument"); err != nil {
				t.Error(err)
			}
			if got := g.iri(t, lic, dct+"type"); got != "http://purl.org/adms/licencetype/Attribution" {
				t.Errorf("licence type %s", got)
			}
			if kind == "GPKG" {
				if b := g.literal(t, d, dcat+"byteSize"); b.Value != "1048576" || b.Datatype != xsd+"decimal" {
					t.Errorf("byteSize %+v", b)
				}
				ck := term(g.one(t, d, spdx+"checksum"))
				if g.iri(t, ck, spdx+"algorithm") != spdx+"checksumAlgorithm_sha256" {
					t.Error("checksum algorithm is not sha256")
				}
				if v := g.literal(t, ck, spdx+"checksumValue"); v.Value != strings.Repeat("ab", 32) || v.Datatype != xsd+"hexBinary" {
					t.Errorf("checksum value %+v", v)
				}
			}
			if kind == "CSV" && len(g.objects(d, dcat+"byteSize"))+len(g.objects(d, spdx+"checksum")) != 0 {
				t.Error("CSV has a size or checksum it was not given")
			}
		}
	}
	if nDist != 5 {
		t.Errorf("saw %d distributions, want 5", nDist)
	}
}

func TestCatalogValidation(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(p *Publisher, base *string, r *Release)
		field string
	}{
		{"no IPA code", func(p *Publisher, _ *string, _ *Release) { p.IPACode = "" }, "publisher.IPACode"},
		{"bad IPA code", func(p *Publisher, _ *string, _ *Release) { p.IPACode = "c f257!" }, "publisher.IPACode"},
		{"no name", func(p *Publisher, _ *string, _ *Release) { p.Name = "" }, "publisher.Name"},
		{"bad email", func(p *Publisher, _ *string, _ *Release) { p.Email = "not-an-address" }, "publisher.Email"},
		{"relative homepage", func(p *Publisher, _ *string, _ *Release) { p.Homepage = "www.comune.modena.it" }, "publisher.Homepage"},
		{"relative base", func(_ *Publisher, b *string, _ *Release) { *b = "/modena/" }, "baseURL"},
		{"ftp base", func(_ *Publisher, b *string, _ *Release) { *b = "ftp://example.it/" }, "baseURL"},
		{"no Italian title", func(_ *Publisher, _ *string, r *Release) { r.Title = map[string]string{"en": "Housing need"} }, "releases[0].Title[it]"},
		{"no Italian description", func(_ *Publisher, _ *string, r *Release) { delete(r.Description, "it") }, "releases[0].Description[it]"},
		{"no modified", func(_ *Publisher, _ *string, r *Release) { r.Modified = time.Time{} }, "releases[0].Modified"},
		{"bad frequency", func(_ *Publisher, _ *string, r *Release) { r.Frequency = "SOMETIMES" }, "releases[0].Frequency"},
		{"bad period", func(_ *Publisher, _ *string, r *Release) { r.Periods = []string{"2025-Q5"} }, "releases[0].Periods[0]"},
		{"bad ISTAT code", func(_ *Publisher, _ *string, r *Release) { r.Spatial[0].ISTATCode = "36023" }, "releases[0].Spatial[0].ISTATCode"},
		{"no distributions", func(_ *Publisher, _ *string, r *Release) { r.Distributions = nil }, "releases[0].Distributions"},
		{"bad format", func(_ *Publisher, _ *string, r *Release) { r.Distributions[1].Format = "SHP" }, "releases[0].Distributions[1].Format"},
		{"missing URL", func(_ *Publisher, _ *string, r *Release) { r.Distributions[2].URL = "" }, "releases[0].Distributions[2].URL"},
		{"bad URL", func(_ *Publisher, _ *string, r *Release) { r.Distributions[0].URL = "http://[::1" }, "releases[0].Distributions[0].URL"},
		{"mailto URL", func(_ *Publisher, _ *string, r *Release) { r.Distributions[0].URL = "mailto:x@example.it" }, "releases[0].Distributions[0].URL"},
		{"bad checksum", func(_ *Publisher, _ *string, r *Release) { r.Distributions[0].SHA256 = "abc" }, "releases[0].Distributions[0].SHA256"},
		{"bad license", func(_ *Publisher, _ *string, r *Release) { r.License = "CC-BY" }, "releases[0].License"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, b, r := testPublisher(), base, testRelease()
			c.edit(&p, &b, &r)
			_, err := Catalog(p, b, []Release{r})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("want *Error, got %v", err)
			}
			if e.Field != c.field || !strings.Contains(err.Error(), c.field) {
				t.Errorf("error %q names %q, want %q", err, e.Field, c.field)
			}
		})
	}
	if _, err := Catalog(testPublisher(), base, nil); err == nil || !strings.Contains(err.Error(), "releases") {
		t.Errorf("no releases: %v", err)
	}
	r := testRelease()
	if _, err := Catalog(testPublisher(), base, []Release{r, r}); err == nil || !strings.Contains(err.Error(), "releases[1].ID") {
		t.Errorf("duplicate release: %v", err)
	}
}

func TestCatalogDeterministic(t *testing.T) {
	a, err := Catalog(testPublisher(), base, []Release{testRelease()})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Catalog(testPublisher(), base, []Release{testRelease()})
	if string(a) != string(b) {
		t.Error("two runs differ")
	}
}
