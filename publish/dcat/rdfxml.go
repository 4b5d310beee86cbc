package dcat

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
)

const nsRDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

// triple is one RDF statement of the catalog. Subjects and IRI objects are absolute
// IRIs or, prefixed with "_:", blank node labels; literals carry a language or datatype.
type triple struct {
	s, p     string
	o        string
	literal  bool
	lang     string
	datatype string
}

// expand turns a compact IRI such as "dct:title" into its absolute IRI.
func expand(c string) string {
	if prefix, local, ok := strings.Cut(c, ":"); ok {
		if ns, ok := Context[prefix].(string); ok {
			return ns + local
		}
	}
	return c
}

// triples flattens the JSON-LD tree built by build into RDF statements. It understands
// only the shapes build writes: node objects, @id references, @value literals, strings
// and lists of these.
func triples(doc node) []triple {
	var out []triple
	blank := 0
	var subject func(n node) string
	var object func(s, p string, v any)
	subject = func(n node) string {
		s, ok := n["@id"].(string)
		if !ok {
			blank++
			s = fmt.Sprintf("_:b%d", blank)
		}
		switch t := n["@type"].(type) {
		case string:
			out = append(out, triple{s: s, p: nsRDF + "type", o: expand(t)})
		case []string:
			for _, c := range t {
				out = append(out, triple{s: s, p: nsRDF + "type", o: expand(c)})
			}
		}
		keys := make([]string, 0, len(n))
		for k := range n {
			if !strings.HasPrefix(k, "@") {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			object(s, expand(k), n[k])
		}
		return s
	}
	object = func(s, p string, v any) {
		switch v := v.(type) {
		case string:
			out = append(out, triple{s: s, p: p, o: v, literal: true})
		case []node:
			for _, e := range v {
				object(s, p, e)
			}
		case node:
			if val, ok := v["@value"].(string); ok {
				t := triple{s: s, p: p, o: val, literal: true}
				t.lang, _ = v["@language"].(string)
				if dt, ok := v["@type"].(string); ok {
					t.datatype = expand(dt)
				}
				out = append(out, t)
				return
			}
			if iri, ok := v["@id"].(string); ok && len(v) == 1 {
				out = append(out, triple{s: s, p: p, o: iri})
				return
			}
			out = append(out, triple{s: s, p: p, o: subject(v)})
		}
	}
	for _, n := range doc["@graph"].([]node) {
		subject(n)
	}
	return out
}

// CatalogRDFXML returns the same catalog as Catalog, serialised as RDF/XML: one
// rdf:Description per subject, in the order the JSON-LD lists them.
func CatalogRDFXML(pub Publisher, baseURL string, releases []Release) ([]byte, error) {
	doc, err := build(pub, baseURL, releases)
	if err != nil {
		return nil, err
	}
	ts := triples(doc)

	prefixes := make([]string, 0, len(Context))
	for p := range Context {
		prefixes = append(prefixes, p)
	}
	sort.Strings(prefixes)
	qname := func(iri string) string {
		for _, p := range prefixes {
			ns := Context[p].(string)
			if local, ok := strings.CutPrefix(iri, ns); ok && local != "" && !strings.ContainsAny(local, "/#:") {
				return p + ":" + local
			}
		}
		if local, ok := strings.CutPrefix(iri, nsRDF); ok {
			return "rdf:" + local
		}
		panic("dcat: no namespace prefix for predicate " + iri)
	}
	esc := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	ref := func(attr, iri string) string {
		if label, ok := strings.CutPrefix(iri, "_:"); ok {
			return fmt.Sprintf(`rdf:nodeID="%s"`, esc(label))
		}
		return fmt.Sprintf(`rdf:%s="%s"`, attr, esc(iri))
	}

	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<rdf:RDF xmlns:rdf="` + nsRDF + `"`)
	for _, p := range prefixes {
		fmt.Fprintf(&b, "\n    xmlns:%s=\"%s\"", p, esc(Context[p].(string)))
	}
	b.WriteString(">\n")
	var order []string
	bySubject := map[string][]triple{}
	for _, t := range ts {
		if _, ok := bySubject[t.s]; !ok {
			order = append(order, t.s)
		}
		bySubject[t.s] = append(bySubject[t.s], t)
	}
	for _, s := range order {
		fmt.Fprintf(&b, "  <rdf:Description %s>\n", ref("about", s))
		for _, t := range bySubject[s] {
			q := qname(t.p)
			switch {
			case !t.literal:
				fmt.Fprintf(&b, "    <%s %s/>\n", q, ref("resource", t.o))
			case t.lang != "":
				fmt.Fprintf(&b, "    <%s xml:lang=\"%s\">%s</%s>\n", q, esc(t.lang), esc(t.o), q)
			case t.datatype != "":
				fmt.Fprintf(&b, "    <%s rdf:datatype=\"%s\">%s</%s>\n", q, esc(t.datatype), esc(t.o), q)
			default:
				fmt.Fprintf(&b, "    <%s>%s</%s>\n", q, esc(t.o), q)
			}
		}
		b.WriteString("  </rdf:Description>\n")
	}
	b.WriteString("</rdf:RDF>\n")
	return b.Bytes(), nil
}
