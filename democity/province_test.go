package democity

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/abitare/abitare/democity/province"
	"github.com/abitare/abitare/democity/tessellate"
	"github.com/abitare/abitare/ingest/source"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// provCfg is the province at 2% of its 2011 population (about 13,700 residents).
var provCfg = Config{Seed: 3, Province: true, Scale: 0.02, HistoryYears: DefaultHistoryYears}

var provinceGeneration = &generation{cfg: provCfg, prefix: "abitare-province-"}

func provinceGenerated(t *testing.T) (string, Summary) { return provinceGeneration.files(t) }

func withComune(fs fileSpec) fileSpec {
	sep := ";COMUNE"
	if fs.sep == "\t" {
		sep = "\tComune"
	}
	fs.header += sep
	return fs
}

// provinceSections reads the province's sections by comune.
func provinceSections(t *testing.T, dir string) map[string][]*geojson.Feature {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, FileSezioni))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*geojson.Feature{}
	for _, f := range fc.Features {
		code := f.Properties["PRO_COM"].(float64)
		out["0"+strconv.Itoa(int(code))] = append(out["0"+strconv.Itoa(int(code))], f)
	}
	return out
}

func asMP(g orb.Geometry) orb.MultiPolygon {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

// TestProvinceSections: every comune has sections, ids carry its code, its residents are its
// 2011 population times the scale, and its sections tile it: points drawn in the comune fall in
// exactly one section (no overlaps), and the sections' area is the comune's within 1% (no gaps).
func TestProvinceSections(t *testing.T) {
	dir, sum := provinceGenerated(t)
	comuni, err := province.Comuni()
	if err != nil {
		t.Fatal(err)
	}
	if len(comuni) != 47 {
		t.Fatalf("%d comuni, want 47", len(comuni))
	}
	bySec := provinceSections(t, dir)
	rng := rand.New(rand.NewPCG(1, 2))
	total := 0
	for _, cm := range comuni {
		secs := bySec[cm.Code]
		if len(secs) == 0 {
			t.Fatalf("comune %s %s: no sections", cm.Code, cm.Name)
		}
		residents, area := 0, 0.0
		var geoms []orb.MultiPolygon
		for _, f := range secs {
			id := f.Properties["SEZ21_ID"].(string)
			if !strings.HasPrefix(id, strings.TrimLeft(cm.Code, "0")) {
				t.Fatalf("section %s of comune %s", id, cm.Code)
			}
			if z := f.Properties["ZONA_OMI"].(string); cm.Code != istatComune && z != cm.Code {
				t.Fatalf("section %s: district %q, want the comune %s", id, z, cm.Code)
			}
			residents += int(f.Properties["P1"].(float64))
			g := asMP(f.Geometry)
			geoms = append(geoms, g)
			area += tessellate.AreaM2(g)
		}
		want := max(1, int(math.Round(provCfg.Scale*float64(cm.Population))))
		if residents != want {
			t.Errorf("comune %s %s: %d residents, want %d", cm.Code, cm.Name, residents, want)
		}
		total += residents
		if ca := tessellate.AreaM2(cm.Geometry); math.Abs(area-ca) > 0.01*ca {
			t.Errorf("comune %s %s: sections cover %.2f km², the comune %.2f km²", cm.Code, cm.Name, area/1e6, ca/1e6)
		}
		b := cm.Geometry.Bound()
		for k := 0; k < 400; k++ {
			p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
			n := 0
			for _, g := range geoms {
				if planar.MultiPolygonContains(g, p) {
					n++
				}
			}
			if n > 1 {
				t.Fatalf("comune %s: point %v in %d sections", cm.Code, p, n)
			}
		}
	}
	// the register holds the sections' residents (a tiny section may miss a few at this scale)
	if math.Abs(float64(total-sum.Residents)) > 0.002*float64(total) {
		t.Fatalf("sections hold %d residents, the register %d", total, sum.Residents)
	}
}

// TestProvinceFiles: the register repeats the common street names across comuni (and the same
// street and number), the partner files carry COMUNE written in the three ways, some records are
// in another comune than the person's register address (moves), and the files pass the source
// contract.
func TestProvinceFiles(t *testing.T) {
	dir, _ := provinceGenerated(t)
	comuni, _ := province.Comuni()
	known := map[string]string{} // any way of writing -> ISTAT code
	way := map[string]int{}
	for _, cm := range comuni {
		known[cm.Code], known[cm.Cadastral], known[strings.ToUpper(cm.Name)] = cm.Code, cm.Code, cm.Code
		way[cm.Code], way[cm.Cadastral], way[strings.ToUpper(cm.Name)] = comuneByCode, comuneByCadastral, comuneByName
	}
	reg := readText(t, dir, specStradario)
	streetComuni := map[string]map[string]bool{}
	civicComuni := map[string]map[string]bool{}
	for _, r := range reg.rows {
		st := r[2] + " " + r[3]
		if streetComuni[st] == nil {
			streetComuni[st] = map[string]bool{}
		}
		streetComuni[st][r[0]] = true
		cv := st + " " + r[4] + r[5]
		if civicComuni[cv] == nil {
			civicComuni[cv] = map[string]bool{}
		}
		civicComuni[cv][r[0]] = true
	}
	for _, st := range []string{"VIA ROMA", "VIA GIUSEPPE GARIBALDI", "VIA GIUSEPPE MAZZINI", "PIAZZA MARTIRI"} {
		if n := len(streetComuni[st]); n < 30 {
			t.Errorf("%s in %d comuni, want most of the 47", st, n)
		}
	}
	same := 0 // civic numbers of VIA ROMA found in two comuni or more
	for cv, ms := range civicComuni {
		if strings.HasPrefix(cv, "VIA ROMA ") && len(ms) > 1 {
			same++
		}
	}
	if same == 0 {
		t.Errorf("no civic number of VIA ROMA in two comuni")
	}
	register := readText(t, dir, specAnagrafe)
	home := map[string]string{} // fiscal code -> comune of the register address
	secMun := map[string]string{}
	for code, fs := range provinceSections(t, dir) {
		for _, f := range fs {
			secMun[f.Properties["SEZ21_ID"].(string)] = code
		}
	}
	for _, r := range register.rows {
		home[r[0]] = secMun[r[6]]
	}
	files := map[string]table{
		"social_services":   readText(t, dir, withComune(specServizi)),
		"housing_office":    readText(t, dir, withComune(specCasa)),
		"health_authority":  readText(t, dir, withComune(specAUSL)),
		"employment_agency": canonical(readText(t, dir, withComune(specLavoro))),
		"injury_insurer":    canonical(readINAILWith(t, dir, append(slices.Clone(HeaderINAIL), "Comune"))),
	}
	elsewhere := 0
	for name, tb := range files {
		col := tb.col(t, source.MunicipalityColumn)
		ways := map[int]int{}
		for _, r := range tb.rows {
			v := strings.ToUpper(r[col])
			code, ok := known[v]
			if !ok {
				t.Fatalf("%s: COMUNE %q", name, r[col])
			}
			ways[way[v]]++
			if h, ok := home[r[0]]; ok && h != code {
				elsewhere++
			}
		}
		if len(ways) != 3 {
			t.Errorf("%s: COMUNE written %v ways, want all three", name, ways)
		}
	}
	if elsewhere == 0 {
		t.Errorf("no record in another comune than the person's register address")
	}
	t.Logf("records in another comune than the register's: %d", elsewhere)
	checkSourceContract(t, provCfg.withDefaults(), register, files, func(t *testing.T, cap string) {
		if n, err := strconv.Atoi(cap); err != nil || n < 41011 || n > 41126 {
			t.Fatalf("CAP %q", cap)
		}
	})
}
