package kml

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/twpayne/go-geom"
)

// geoPOI is shaped like the Agenzia delle Entrate's GeoPOI export: a
// Document with a Folder of placemarks, CDATA descriptions in HTML,
// ExtendedData, Polygon and MultiGeometry.
const geoPOI = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document>
  <name>Zone OMI MODENA</name>
  <Style id="s"><PolyStyle><color>7f00ff00</color></PolyStyle></Style>
  <Folder>
    <name>F257</name>
    <Placemark>
      <name>B3</name>
      <description><![CDATA[<table><tr><td><b>Zona</b></td><td>B3</td></tr><tr><td>Descrizione</td><td>CENTRO STORICO: Via Emilia &amp; Piazza Grande</td></tr></table>]]></description>
      <styleUrl>#s</styleUrl>
      <ExtendedData>
        <Data name="CODCOM"><value>F257</value></Data>
        <Data name="LINKZONA"><value> F257/B3 </value></Data>
      </ExtendedData>
      <Polygon><outerBoundaryIs><LinearRing><coordinates>
        10.92,44.64,0 10.93,44.64,0 10.93,44.65,0 10.92,44.65,0 10.92,44.64,0
      </coordinates></LinearRing></outerBoundaryIs>
      <innerBoundaryIs><LinearRing><coordinates>10.924,44.644 10.926,44.644 10.926,44.646 10.924,44.644</coordinates></LinearRing></innerBoundaryIs>
      </Polygon>
    </Placemark>
    <Folder>
      <Placemark>
        <name>D2</name>
        <description>Periferia &lt;br&gt;nord</description>
        <ExtendedData><SchemaData schemaUrl="#z"><SimpleData name="FASCIA">D</SimpleData></SchemaData></ExtendedData>
        <MultiGeometry>
          <Point><coordinates>10.9,44.6</coordinates></Point>
          <Polygon><outerBoundaryIs><LinearRing><coordinates>10.90,44.60 10.91,44.60 10.91,44.61 10.90,44.61</coordinates></LinearRing></outerBoundaryIs></Polygon>
          <MultiGeometry>
            <Polygon><outerBoundaryIs><LinearRing><coordinates>10.95,44.60 10.96,44.60 10.96,44.61 10.95,44.60</coordinates></LinearRing></outerBoundaryIs></Polygon>
          </MultiGeometry>
        </MultiGeometry>
      </Placemark>
    </Folder>
    <Placemark><name>vuota</name></Placemark>
  </Folder>
</Document>
</kml>`

func readAll(t *testing.T, r *Reader) []Placemark {
	t.Helper()
	var out []Placemark
	for {
		p, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
}

func checkGeoPOI(t *testing.T, ps []Placemark) {
	t.Helper()
	if len(ps) != 3 {
		t.Fatalf("%d placemarks", len(ps))
	}
	b3 := ps[0]
	if b3.Name != "B3" || b3.Index != 1 || b3.Line != 8 {
		t.Errorf("B3: %+v", b3)
	}
	if want := "Zona B3\nDescrizione CENTRO STORICO: Via Emilia & Piazza Grande"; b3.Description != want {
		t.Errorf("description %q, want %q", b3.Description, want)
	}
	if b3.Data["CODCOM"] != "F257" || b3.Data["LINKZONA"] != "F257/B3" {
		t.Errorf("data %v", b3.Data)
	}
	g := b3.Geometry
	if g.SRID() != 4326 || g.Layout() != geom.XY || g.NumPolygons() != 1 || g.Polygon(0).NumLinearRings() != 2 {
		t.Fatalf("B3 geometry %v %v", g.FlatCoords(), g.Endss())
	}
	if !slices.Equal(g.Polygon(0).LinearRing(0).FlatCoords(), []float64{10.92, 44.64, 10.93, 44.64, 10.93, 44.65, 10.92, 44.65, 10.92, 44.64}) {
		t.Errorf("outer ring %v", g.Polygon(0).LinearRing(0).FlatCoords())
	}
	d2 := ps[1]
	if d2.Name != "D2" || d2.Description != "Periferia\nnord" || d2.Data["FASCIA"] != "D" {
		t.Errorf("D2: %+v", d2)
	}
	if d2.Geometry.NumPolygons() != 2 || d2.Geometry.Polygon(0).NumCoords() != 5 {
		t.Errorf("D2 geometry %v %v (the open ring is closed)", d2.Geometry.FlatCoords(), d2.Geometry.Endss())
	}
	if ps[2].Name != "vuota" || ps[2].Geometry != nil || ps[2].Index != 3 {
		t.Errorf("empty placemark %+v", ps[2])
	}
}

func TestGeoPOI(t *testing.T) {
	r := NewReader(strings.NewReader(geoPOI), "modena.kml")
	checkGeoPOI(t, readAll(t, r))
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after the end: %v", err)
	}
}

func TestOpenKMLAndKMZ(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "modena.kml")
	os.WriteFile(p, []byte(geoPOI), 0o644)
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	checkGeoPOI(t, readAll(t, r))
	if err := r.Close(); err != nil {
		t.Error(err)
	}

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("files/icon.png")
	w.Write([]byte("png"))
	w, _ = zw.Create("doc.kml")
	w.Write([]byte(geoPOI))
	zw.Close()
	p = filepath.Join(dir, "modena.kmz")
	os.WriteFile(p, buf.Bytes(), 0o644)
	r, err = Open(p)
	if err != nil {
		t.Fatal(err)
	}
	checkGeoPOI(t, readAll(t, r))
	r.Close()

	buf.Reset()
	zw = zip.NewWriter(&buf)
	zw.Create("a.txt")
	zw.Close()
	os.WriteFile(p, buf.Bytes(), 0o644)
	if _, err := Open(p); err == nil || err.Error() != "modena.kmz: the archive holds no .kml file" {
		t.Errorf("kmz without kml: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "none.kml")); err == nil || !strings.HasPrefix(err.Error(), "none.kml: cannot open") {
		t.Errorf("missing file: %v", err)
	}
}

func TestLatin1Declaration(t *testing.T) {
	doc := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><kml><Placemark><name>Citt\xe0</name></Placemark></kml>"
	ps := readAll(t, NewReader(strings.NewReader(doc), "x.kml"))
	if len(ps) != 1 || ps[0].Name != "Città" {
		t.Errorf("%+v", ps)
	}
}

func TestErrors(t *testing.T) {
	poly := func(coords string) string {
		return `<kml><Document><Placemark><name>A1</name></Placemark><Folder><Placemark><name>B3</name><Polygon><outerBoundaryIs><LinearRing><coordinates>` +
			coords + `</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Folder></Document></kml>`
	}
	for _, c := range []struct{ doc, want string }{
		{poly("10,44 11,44 11,45 x,44 10,44"), `z.kml: placemark 2 "B3": coordinate 4: "x" is not a number`},
		{poly("10,44 11,44 11,95 10,44"), `z.kml: placemark 2 "B3": coordinate 3: latitude 95 out of range`},
		{poly("10,44 11,44 181,45 10,44"), `z.kml: placemark 2 "B3": coordinate 3: longitude 181 out of range`},
		{poly("10,44 11,44 NaN,45 10,44"), `z.kml: placemark 2 "B3": coordinate 3: "NaN" is not a number`},
		{poly("10,44 11 11,45 10,44"), `z.kml: placemark 2 "B3": coordinate 2: "11" is not lon,lat[,alt]`},
		{poly("10,44 11,44 10,44"), `z.kml: placemark 2 "B3": polygon 1 outer boundary has 3 points, a ring needs at least 4`},
		{poly(""), `z.kml: placemark 2 "B3": polygon 1 outer boundary has 0 points`},
		{`<kml><Placemark><name>P</name><Point><coordinates>10,44</coordinates></Point></Placemark></kml>`, `z.kml: placemark 1 "P": geometry Point, expected Polygon`},
		{`<kml><Placemark><name>P</name><Polygon><outerBoundaryIs><LinearRing><coordinates>10,44 11,44`, `z.kml:1: XML syntax error: unexpected EOF`},
		{"<kml>\n<Placemark>\n<name>P</name></Placemrk></kml>", `z.kml:3: XML syntax error: element <Placemark> closed by </Placemrk>`},
		{`<?xml version="1.0" encoding="KOI9"?><kml/>`, `z.kml:1: cannot read: xml: opening charset "KOI9": unknown encoding "KOI9"`},
	} {
		r := NewReader(strings.NewReader(c.doc), "z.kml")
		var err error
		for err == nil {
			_, err = r.Next()
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: error %T %v", c.doc, err, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("error %q, want %q", err, c.want)
		}
	}
}

// FuzzReader: the reader never panics, ends, returns only *Error or io.EOF,
// and gives rings of at least 4 points in range.
func FuzzReader(f *testing.F) {
	f.Add(geoPOI)
	f.Add(`<kml><Placemark><name>B3</name><Polygon><outerBoundaryIs><LinearRing><coordinates>10,44 11,44 11,45 10,44</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>`)
	f.Add(`<kml><Placemark><description><![CDATA[<b>x</b>]]>&amp;<i>y</i></description></Placemark></kml>`)
	f.Add("")
	f.Fuzz(func(t *testing.T, doc string) {
		r := NewReader(strings.NewReader(doc), "f.kml")
		for i := 0; i <= len(doc)+1; i++ {
			p, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var e *Error
				if !errors.As(err, &e) || e.File != "f.kml" || e.Reason == "" {
					t.Fatalf("error %T %v", err, err)
				}
				return
			}
			if p.Index != i+1 {
				t.Fatalf("index %d at %d", p.Index, i)
			}
			if g := p.Geometry; g != nil {
				if g.SRID() != 4326 {
					t.Fatal("SRID")
				}
				for k := range g.NumPolygons() {
					for j := range g.Polygon(k).NumLinearRings() {
						if g.Polygon(k).LinearRing(j).NumCoords() < 4 {
							t.Fatal("short ring")
						}
					}
				}
				fc := g.FlatCoords()
				for k := 0; k+1 < len(fc); k += 2 {
					if !(fc[k] >= -180 && fc[k] <= 180 && fc[k+1] >= -90 && fc[k+1] <= 90) {
						t.Fatalf("coordinate %v,%v", fc[k], fc[k+1])
					}
				}
			}
		}
		t.Fatal("reader does not end")
	})
}
