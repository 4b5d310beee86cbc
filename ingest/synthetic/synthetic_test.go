package synthetic

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/abitare/abitare/geo/modena"
	"github.com/abitare/abitare/ingest/codicefiscale"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

var testCfg = Config{Seed: 42, Residents: 20000, Year: 2025}

var (
	genOnce sync.Once
	genDir  string
	genSum  Summary
	genErr  error
)

// generated returns the directory of a shared generation with testCfg.
func generated(t *testing.T) (string, Summary) {
	t.Helper()
	genOnce.Do(func() {
		genDir, genErr = os.MkdirTemp("", "abitare-synthetic-")
		if genErr == nil {
			genSum, genErr = Generate(testCfg, genDir)
		}
	})
	if genErr != nil {
		t.Fatalf("Generate: %v", genErr)
	}
	return genDir, genSum
}

func TestMain(m *testing.M) {
	code := m.Run()
	if genDir != "" {
		os.RemoveAll(genDir)
	}
	os.Exit(code)
}

var allFiles = []string{FileSezioni, FileAnagrafe, FileServiziSociali, FileUfficioCasa, FileAUSL}

// readTable reads a ';' file, checks its header and field counts, and returns the rows.
func readTable(t *testing.T, dir, name, header string) [][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if lines[0] != header {
		t.Fatalf("%s: header %q, want %q", name, lines[0], header)
	}
	want := strings.Count(header, ";") + 1
	rows := make([][]string, 0, len(lines)-1)
	for i, l := range lines[1:] {
		f := strings.Split(l, ";")
		if len(f) != want {
			t.Fatalf("%s line %d: %d fields, want %d", name, i+2, len(f), want)
		}
		rows = append(rows, f)
	}
	return rows
}

func TestDeterministic(t *testing.T) {
	dir, _ := generated(t)
	other := t.TempDir()
	if _, err := Generate(testCfg, other); err != nil {
		t.Fatal(err)
	}
	for _, name := range allFiles {
		a, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(other, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

func TestAnagrafe(t *testing.T) {
	dir, sum := generated(t)
	rows := readTable(t, dir, FileAnagrafe, HeaderAnagrafe)
	if len(rows) != sum.Residents || sum.Residents != testCfg.Residents {
		t.Fatalf("%d rows, summary %d residents, want %d", len(rows), sum.Residents, testCfg.Residents)
	}
	seen := map[string]bool{}
	families := map[string]string{}
	under15, over65, nonUE := 0, 0, 0
	ref := time.Date(testCfg.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, r := range rows {
		cf := r[0]
		if err := codicefiscale.Validate(cf); err != nil {
			t.Fatalf("invalid fiscal code: %v", err)
		}
		if seen[cf] {
			t.Fatalf("duplicate fiscal code %s", cf)
		}
		seen[cf] = true
		info, err := codicefiscale.DecodeAt(cf, time.Date(testCfg.Year, 12, 31, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		birth := parseDate(t, r[3])
		if !birth.Equal(info.BirthDate) || info.Female != (r[2] == "F") {
			t.Fatalf("fiscal code disagrees with sex/birth date %s %s", r[2], r[3])
		}
		if typ, ok := families[r[1]]; ok && typ != r[5] {
			t.Fatalf("family %s has types %s and %s", r[1], typ, r[5])
		}
		families[r[1]] = r[5]
		age := ref.Year() - birth.Year()
		if age < 15 {
			under15++
		}
		if age >= 65 {
			over65++
		}
		if r[4] == "NON_UE" {
			nonUE++
		}
		checkCAP(t, r[8])
	}
	if len(families) != sum.Households {
		t.Errorf("%d families, summary says %d", len(families), sum.Households)
	}
	n := float64(len(rows))
	checkShare(t, "under 15", float64(under15)/n, 0.10, 0.17)
	checkShare(t, "65 and over", float64(over65)/n, 0.19, 0.28)
	checkShare(t, "NON_UE", float64(nonUE)/n, 0.08, 0.17)
	checkShare(t, "persons per household", n/float64(len(families))/10, 0.20, 0.24)
	single := 0
	for _, typ := range families {
		if typ == "UNIPERSONALE" {
			single++
		}
	}
	checkShare(t, "UNIPERSONALE households", float64(single)/float64(len(families)), 0.33, 0.43)
}

func checkShare(t *testing.T, what string, got, lo, hi float64) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s: %.3f, want %.2f-%.2f", what, got, lo, hi)
	}
}

func checkCAP(t *testing.T, cap string) {
	t.Helper()
	if n, err := strconv.Atoi(cap); err != nil || n < 41121 || n > 41126 {
		t.Fatalf("CAP %q", cap)
	}
}

func parseDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse("02/01/2006", s)
	if err != nil {
		t.Fatalf("date %q: %v", s, err)
	}
	return d
}

func parseDecimal(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", "."), 64)
	if err != nil {
		t.Fatalf("decimal %q: %v", s, err)
	}
	return v
}

// agencyRows reads the three agency files and checks their rows: valid known fiscal codes,
// dates in the year and the kind-specific fields. It returns kind -> fiscal codes.
func agencyRows(t *testing.T) map[string][]string {
	dir, _ := generated(t)
	known := map[string]bool{}
	for _, r := range readTable(t, dir, FileAnagrafe, HeaderAnagrafe) {
		known[r[0]] = true
	}
	byKind := map[string][]string{}
	check := func(name, header string, dateCol int, extra func(r []string)) {
		for _, r := range readTable(t, dir, name, header) {
			if !known[r[0]] {
				t.Fatalf("%s: fiscal code not in the register", name)
			}
			if d := parseDate(t, r[dateCol]); d.Year() != testCfg.Year {
				t.Fatalf("%s: date %s outside %d", name, r[dateCol], testCfg.Year)
			}
			checkCAP(t, r[len(r)-3])
			extra(r)
			byKind[r[1]] = append(byKind[r[1]], r[0])
		}
	}
	check(FileServiziSociali, HeaderServiziSociali, 2, func(r []string) {
		if r[3] != "" && parseDate(t, r[3]).Before(parseDate(t, r[2])) {
			t.Fatalf("end %s before start %s", r[3], r[2])
		}
		if v := parseDecimal(t, r[4]); v < 300 || v > 6000 {
			t.Fatalf("amount %s", r[4])
		}
	})
	check(FileUfficioCasa, HeaderUfficioCasa, 2, func(r []string) {
		switch r[1] {
		case KindDomandaERP:
			if v := parseDecimal(t, r[3]); v < 5 || v > 40 || r[4] != "" {
				t.Fatalf("ERP score %q stage %q", r[3], r[4])
			}
		case KindSfratto:
			if r[3] != "" || (r[4] != "INTIMAZIONE" && r[4] != "CONVALIDA" && r[4] != "ESECUZIONE") {
				t.Fatalf("eviction score %q stage %q", r[3], r[4])
			}
		default:
			t.Fatalf("kind %q", r[1])
		}
	})
	check(FileAUSL, HeaderAUSL, 2, func([]string) {})
	return byKind
}

func TestVolumes(t *testing.T) {
	_, sum := generated(t)
	byKind := agencyRows(t)
	for _, base := range BaseVolumes {
		want := float64(base.Rows) * float64(testCfg.Residents) / ReferenceResidents
		got := float64(len(byKind[base.Kind]))
		if math.Abs(got-want) > 0.05*want {
			t.Errorf("%s: %v rows, want %.0f ±5%%", base.Kind, got, want)
		}
		unique := map[string]bool{}
		for _, cf := range byKind[base.Kind] {
			unique[cf] = true
		}
		if len(unique) != len(byKind[base.Kind]) {
			t.Errorf("%s: a person appears twice", base.Kind)
		}
	}
	for i, k := range sum.Kinds {
		if k.Kind != BaseVolumes[i].Kind || k.Rows != len(byKind[k.Kind]) {
			t.Errorf("summary %+v disagrees with the files", k)
		}
	}
}

func TestCoordinatesInsideModena(t *testing.T) {
	dir, _ := generated(t)
	boundary, err := modena.Boundary()
	if err != nil {
		t.Fatal(err)
	}
	files := []struct{ name, header string }{
		{FileAnagrafe, HeaderAnagrafe}, {FileServiziSociali, HeaderServiziSociali},
		{FileUfficioCasa, HeaderUfficioCasa}, {FileAUSL, HeaderAUSL},
	}
	for _, f := range files {
		for _, r := range readTable(t, dir, f.name, f.header) {
			lat, lon := r[len(r)-2], r[len(r)-1]
			if !strings.Contains(lat, ",") || len(lat[strings.Index(lat, ",")+1:]) != 6 {
				t.Fatalf("%s: latitude %q not in the documented format", f.name, lat)
			}
			p := orb.Point{parseDecimal(t, lon), parseDecimal(t, lat)}
			if !planar.MultiPolygonContains(boundary, p) {
				t.Fatalf("%s: point %v outside Modena", f.name, p)
			}
		}
	}
}

func TestSectionsGeoJSON(t *testing.T) {
	dir, sum := generated(t)
	data, err := os.ReadFile(filepath.Join(dir, FileSezioni))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != sum.Sections {
		t.Fatalf("%d features, summary says %d", len(fc.Features), sum.Sections)
	}
	ids := map[string]orb.Geometry{}
	p1, pf1 := 0, 0
	for _, f := range fc.Features {
		id := f.Properties.MustString("SEZ21_ID", "")
		if len(id) != 12 || !strings.HasPrefix(id, "36023") {
			t.Fatalf("SEZ21_ID %q", id)
		}
		if f.Properties.MustInt("PRO_COM", 0) != 36023 || !f.Properties.MustBool("SINTETICA", false) ||
			f.Properties.MustString("ZONA_OMI", "") == "" {
			t.Fatalf("section %s: properties %v", id, f.Properties)
		}
		switch f.Geometry.(type) {
		case orb.Polygon, orb.MultiPolygon:
		default:
			t.Fatalf("section %s: geometry %T", id, f.Geometry)
		}
		ids[id] = f.Geometry
		p1 += f.Properties.MustInt("P1", -1)
		pf1 += f.Properties.MustInt("PF1", -1)
	}
	if p1 != sum.Residents || pf1 != sum.Households {
		t.Errorf("P1 sum %d, PF1 sum %d; want %d, %d", p1, pf1, sum.Residents, sum.Households)
	}
	counts := map[string]int{}
	for _, r := range readTable(t, dir, FileAnagrafe, HeaderAnagrafe) {
		g, ok := ids[r[6]]
		if !ok {
			t.Fatalf("unknown section %s", r[6])
		}
		counts[r[6]]++
		p := orb.Point{parseDecimal(t, r[10]), parseDecimal(t, r[9])}
		if !contains(g, p) {
			t.Errorf("resident of %s placed outside it at %v", r[6], p)
		}
	}
	for _, f := range fc.Features {
		id := f.Properties.MustString("SEZ21_ID", "")
		if counts[id] != f.Properties.MustInt("P1", -1) {
			t.Errorf("section %s: %d residents in the register, P1 %d", id, counts[id], f.Properties.MustInt("P1", -1))
		}
	}
}

func contains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

// TestStructure checks that poverty and health go together across OMI zones and that cheap
// peripheral zones show higher rates than the historic centre.
func TestStructure(t *testing.T) {
	dir, _ := generated(t)
	zoneOfSection := map[string]string{}
	data, err := os.ReadFile(filepath.Join(dir, FileSezioni))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		zoneOfSection[f.Properties.MustString("SEZ21_ID", "")] = f.Properties.MustString("ZONA_OMI", "")
	}
	zoneOf := map[string]string{}
	pop := map[string]float64{}
	for _, r := range readTable(t, dir, FileAnagrafe, HeaderAnagrafe) {
		z := zoneOfSection[r[6]]
		zoneOf[r[0]] = z
		pop[z]++
	}
	byKind := agencyRows(t)
	rate := func(kinds ...string) map[string]float64 {
		out := map[string]float64{}
		for _, k := range kinds {
			for _, cf := range byKind[k] {
				out[zoneOf[cf]]++
			}
		}
		for z := range out {
			out[z] /= pop[z]
		}
		return out
	}
	poverty := rate(KindContributoEconomico)
	housing := rate(KindContributoAffitto, KindSfratto, KindDomandaERP)
	health := rate(KindCronicita, KindDisabilita, KindSaluteMentale)
	zones, err := modena.OMIZones()
	if err != nil {
		t.Fatal(err)
	}
	var xs, ys, hs []float64
	for _, z := range zones {
		xs = append(xs, poverty[z.Code])
		ys = append(ys, health[z.Code])
		hs = append(hs, housing[z.Code])
	}
	if r := pearson(xs, ys); r < 0.5 {
		t.Errorf("poverty-health correlation across zones %.2f, want >= 0.5", r)
	}
	if r := pearson(xs, hs); r < 0.5 {
		t.Errorf("poverty-housing correlation across zones %.2f, want >= 0.5", r)
	}
	for _, z := range []string{"D31", "D32", "D33"} {
		if poverty[z] <= 2*poverty["B3"] || housing[z] <= 2*housing["B3"] {
			t.Errorf("zone %s: poverty %.4f housing %.4f, not well above B3 (%.4f, %.4f)",
				z, poverty[z], housing[z], poverty["B3"], housing["B3"])
		}
	}
}

func pearson(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

func TestSummaryFiles(t *testing.T) {
	_, sum := generated(t)
	if len(sum.Files) != len(allFiles) {
		t.Fatalf("summary files %+v", sum.Files)
	}
	for i, f := range sum.Files {
		if f.Name != allFiles[i] || f.Rows <= 0 {
			t.Errorf("summary file %+v", f)
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	if _, err := Generate(Config{Residents: -1}, t.TempDir()); err == nil {
		t.Error("negative residents: want error")
	}
	if _, err := Generate(Config{Residents: 1000, Year: 1066}, t.TempDir()); err == nil {
		t.Error("year 1066: want error")
	}
}

func TestFormatting(t *testing.T) {
	tests := []struct{ got, want string }{
		{formatEuro(1250), "1.250,00"},
		{formatEuro(300), "300,00"},
		{formatEuro(1234567.5), "1.234.567,50"},
		{formatCoord(44.6465123), "44,646512"},
		{formatCoord(10.9), "10,900000"},
		{formatScore(23.45), "23,4"},
		{formatScore(5), "5,0"},
		{formatDate(time.Date(2025, 3, 7, 0, 0, 0, 0, time.UTC)), "07/03/2025"},
		{surnameBlock("ROSSI"), "RSS"},
		{surnameBlock("FO"), "FOX"},
		{surnameBlock("D'ANGELO"), "DNG"},
		{nameBlock("MARIO"), "MRA"},
		{nameBlock("GIANFRANCO"), "GFR"},
		{nameBlock("LI"), "LIX"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
