package dcat

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"
)

const nsXML = "http://www.w3.org/XML/1998/namespace"

// parseFlatRDFXML reads the flat RDF/XML CatalogRDFXML writes (rdf:Description elements
// with property elements) into N-Triples-like lines, blank nodes written as "_:".
func parseFlatRDFXML(t *testing.T, data []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var out []string
	var subject string
	var prop *xml.StartElement
	var text strings.Builder
	depth := 0
	attr := func(e xml.StartElement, space, local string) (string, bool) {
		for _, a := range e.Attr {
			if a.Name.Space == space && a.Name.Local == local {
				return a.Value, true
			}
		}
		return "", false
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("RDF/XML is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			switch depth {
			case 1:
				if tok.Name.Space != nsRDF || tok.Name.Local != "RDF" {
					t.Fatalf("root is %v, want rdf:RDF", tok.Name)
				}
			case 2:
				if tok.Name.Space != nsRDF || tok.Name.Local != "Description" {
					t.Fatalf("node element %v, want rdf:Description", tok.Name)
				}
				if v, ok := attr(tok, nsRDF, "about"); ok {
					subject = "<" + v + ">"
				} else if _, ok := attr(tok, nsRDF, "nodeID"); ok {
					subject = "_:"
				} else {
					t.Fatalf("rdf:Description without rdf:about or rdf:nodeID")
				}
			case 3:
				e := tok.Copy()
				prop = &e
				text.Reset()
			default:
				t.Fatalf("unexpected nesting at %v", tok.Name)
			}
		case xml.CharData:
			if depth == 3 {
				text.Write(tok)
			}
		case xml.EndElement:
			if depth == 3 {
				p := "<" + prop.Name.Space + prop.Name.Local + ">"
				var o string
				if v, ok := attr(*prop, nsRDF, "resource"); ok {
					o = "<" + v + ">"
				} else if _, ok := attr(*prop, nsRDF, "nodeID"); ok {
					o = "_:"
				} else if l, ok := attr(*prop, nsXML, "lang"); ok {
					o = fmt.Sprintf("%q@%s", text.String(), l)
				} else if dt, ok := attr(*prop, nsRDF, "datatype"); ok {
					o = fmt.Sprintf("%q^^<%s>", text.String(), dt)
				} else {
					o = fmt.Sprintf("%q^^<%sstring>", text.String(), NSXSD)
				}
				out = append(out, subject+" "+p+" "+o)
			}
			depth--
		}
	}
	sort.Strings(out)
	return out
}

// lines writes json-gold's triples the same way, blank nodes as "_:".
func lines(g graph) []string {
	var out []string
	str := func(n ld.Node) string {
		switch n := n.(type) {
		case ld.IRI:
			return "<" + n.Value + ">"
		case ld.BlankNode:
			return "_:"
		case ld.Literal:
			if n.Language != "" {
				return fmt.Sprintf("%q@%s", n.Value, n.Language)
			}
			dt := n.Datatype
			if dt == "" {
				dt = NSXSD + "string"
			}
			return fmt.Sprintf("%q^^<%s>", n.Value, dt)
		}
		return "?"
	}
	for _, q := range g {
		out = append(out, str(q.Subject)+" "+str(q.Predicate)+" "+str(q.Object))
	}
	sort.Strings(out)
	return out
}

// TestRDFXMLMatchesJSONLD checks that the RDF/XML output holds exactly the triples the
// JSON-LD processor reads from the JSON-LD output (blank node labels aside).
func TestRDFXMLMatchesJSONLD(t *testing.T) {
	pub, rels := testPublisher(), []Release{testRelease()}
	rels[0].Title["en"] = `Housing need <2025> & "more"`
	jsonld, err := Catalog(pub, base, rels)
	if err != nil {
		t.Fatal(err)
	}
	rdfxml, err := CatalogRDFXML(pub, base, rels)
	if err != nil {
		t.Fatal(err)
	}
	want, got := lines(toRDF(t, jsonld)), parseFlatRDFXML(t, rdfxml)
	if strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Errorf("RDF/XML and JSON-LD differ\nJSON-LD (%d):\n%s\n\nRDF/XML (%d):\n%s",
			len(want), strings.Join(want, "\n"), len(got), strings.Join(got, "\n"))
	}
	if len(want) < 50 {
		t.Errorf("only %d triples", len(want))
	}
	if _, err := CatalogRDFXML(Publisher{}, base, rels); err == nil {
		t.Error("CatalogRDFXML does not validate its input")
	}
}

// TestSeveralPlaces: a territory of several comuni is one dct:Location per comune, a province
// one of three digits; both outputs say the same.
func TestSeveralPlaces(t *testing.T) {
	pub, rels := testPublisher(), []Release{testRelease(), testRelease()}
	rels[0].Spatial = []Place{{ISTATCode: "036005", Name: "Carpi"}, {ISTATCode: "036023", Name: "Modena"}}
	rels[1].ID = 4
	rels[1].Spatial = []Place{{ISTATCode: "036", Name: "Modena"}}
	jsonld, err := Catalog(pub, base, rels)
	if err != nil {
		t.Fatal(err)
	}
	rdfxml, err := CatalogRDFXML(pub, base, rels)
	if err != nil {
		t.Fatal(err)
	}
	want, got := lines(toRDF(t, jsonld)), parseFlatRDFXML(t, rdfxml)
	if strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Errorf("RDF/XML and JSON-LD differ\nJSON-LD:\n%s\n\nRDF/XML:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
	ids := map[string]bool{}
	for _, l := range want {
		if strings.Contains(l, "<http://purl.org/dc/terms/identifier>") {
			for _, code := range []string{"036005", "036023", "036"} {
				if strings.Contains(l, `"`+code+`"`) {
					ids[code] = true
				}
			}
		}
	}
	if len(ids) != 3 {
		t.Errorf("places found: %v\n%s", ids, strings.Join(want, "\n"))
	}
	rels[1].Spatial = []Place{{ISTATCode: "0360", Name: "?"}}
	if _, err := Catalog(pub, base, rels); err == nil || !strings.Contains(err.Error(), "releases[1].Spatial[0].ISTATCode") {
		t.Errorf("a four-digit code: %v", err)
	}
}
