package democity

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/abitare/abitare/geo/modena"
	"github.com/abitare/abitare/ingest/codicefiscale"
	"github.com/abitare/abitare/ingest/source"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

var testCfg = Config{Seed: 42, Residents: 20000, Year: 2025, HistoryYears: DefaultHistoryYears}

// firstYear is the first year of testCfg's agency files.
var firstYear = testCfg.Year - testCfg.HistoryYears

// generation is one Generate shared by the tests that read its files, made on first use.
type generation struct {
	cfg    Config
	prefix string // of the temporary directory
	once   sync.Once
	dir    string
	sum    Summary
	err    error
}

func (g *generation) files(t *testing.T) (string, Summary) {
	t.Helper()
	g.once.Do(func() {
		g.dir, g.err = os.MkdirTemp("", g.prefix)
		if g.err == nil {
			g.sum, g.err = Generate(g.cfg, g.dir)
		}
	})
	if g.err != nil {
		t.Fatalf("Generate: %v", g.err)
	}
	return g.dir, g.sum
}

var cityGeneration = &generation{cfg: testCfg, prefix: "abitare-synthetic-"}

// generated returns the directory of a shared generation with testCfg.
func generated(t *testing.T) (string, Summary) { return cityGeneration.files(t) }

func TestMain(m *testing.M) {
	code := m.Run()
	for _, g := range []*generation{cityGeneration, provinceGeneration} {
		if g.dir != "" {
			os.RemoveAll(g.dir)
		}
	}
	os.Exit(code)
}

var allFiles = []string{FileSezioni, FileStradario, FileAnagrafe, FileServiziSociali, FileUfficioCasa,
	FileAUSL, FileAgenziaLavoro, FileINAIL, FileDynamics}

// table is a decoded delimited file.
type table struct {
	header []string
	rows   [][]string
}

// col returns the index of a header cell.
func (tb table) col(t *testing.T, name string) int {
	t.Helper()
	i := slices.Index(tb.header, name)
	if i < 0 {
		t.Fatalf("no column %q in %v", name, tb.header)
	}
	return i
}

// fileSpec is a text file's declared layout.
type fileSpec struct {
	name, header string
	sep          string
	bom, crlf    bool
	cp1252       bool
}

var (
	specAnagrafe  = fileSpec{name: FileAnagrafe, header: HeaderAnagrafe, sep: ";"}
	specStradario = fileSpec{name: FileStradario, header: HeaderStradario, sep: ";"}
	specServizi   = fileSpec{name: FileServiziSociali, header: HeaderServiziSociali, sep: ";", bom: true}
	specCasa      = fileSpec{name: FileUfficioCasa, header: HeaderUfficioCasa, sep: ";"}
	specAUSL      = fileSpec{name: FileAUSL, header: HeaderAUSL, sep: ";"}
	specLavoro    = fileSpec{name: FileAgenziaLavoro, header: HeaderAgenziaLavoro, sep: "\t", crlf: true, cp1252: true}
	textSpecs     = []fileSpec{specAnagrafe, specStradario, specServizi, specCasa, specAUSL, specLavoro}
)

// readText decodes a text file with its declared encoding, line ending and delimiter, and
// checks its header and field counts.
func readText(t *testing.T, dir string, fs fileSpec) table {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, fs.name))
	if err != nil {
		t.Fatal(err)
	}
	hasBOM := bytes.HasPrefix(data, []byte("\ufeff"))
	if hasBOM != fs.bom {
		t.Fatalf("%s: BOM %v, want %v", fs.name, hasBOM, fs.bom)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var text string
	if fs.cp1252 {
		dec, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			t.Fatalf("%s: not Windows-1252: %v", fs.name, err)
		}
		text = string(dec)
	} else {
		if !utf8.Valid(data) {
			t.Fatalf("%s: not valid UTF-8", fs.name)
		}
		text = string(data)
	}
	eol := "\n"
	if fs.crlf {
		eol = "\r\n"
	}
	if !strings.HasSuffix(text, eol) || strings.Count(text, "\n") != strings.Count(text, eol) {
		t.Fatalf("%s: lines not ended by %q", fs.name, eol)
	}
	if !fs.crlf && strings.Contains(text, "\r") {
		t.Fatalf("%s: carriage return in an LF file", fs.name)
	}
	lines := strings.Split(strings.TrimSuffix(text, eol), eol)
	if lines[0] != fs.header {
		t.Fatalf("%s: header %q, want %q", fs.name, lines[0], fs.header)
	}
	tb := table{header: strings.Split(fs.header, fs.sep)}
	for i, l := range lines[1:] {
		f := strings.Split(l, fs.sep)
		if len(f) != len(tb.header) {
			t.Fatalf("%s line %d: %d fields, want %d", fs.name, i+2, len(f), len(tb.header))
		}
		tb.rows = append(tb.rows, f)
	}
	return tb
}

// readINAIL reads the injury workbook's only sheet as strings.
func readINAIL(t *testing.T, dir string) table {
	t.Helper()
	return readINAILWith(t, dir, HeaderINAIL)
}

// readINAILWith reads the injury workbook whose header is header.
func readINAILWith(t *testing.T, dir string, header []string) table {
	t.Helper()
	f, err := excelize.OpenFile(filepath.Join(dir, FileINAIL))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != SheetINAIL {
		t.Fatalf("sheets %v, want [%s]", sheets, SheetINAIL)
	}
	rows, err := f.GetRows(SheetINAIL)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], header) {
		t.Fatalf("header %q", rows[0])
	}
	tb := table{header: rows[0]}
	for i, r := range rows[1:] {
		if len(r) != len(header) {
			t.Fatalf("row %d: %d cells", i+2, len(r))
		}
		tb.rows = append(tb.rows, r)
	}
	return tb
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
	// the workbook is byte-identical too; should a future excelize break that, its cells must
	// still agree
	if a, b := readINAIL(t, dir), readINAIL(t, other); !slices.EqualFunc(a.rows, b.rows, slices.Equal) {
		t.Errorf("%s: cells differ between two runs", FileINAIL)
	}
}

func TestEncodings(t *testing.T) {
	dir, _ := generated(t)
	for _, fs := range textSpecs {
		readText(t, dir, fs) // checks BOM, encoding, line ending, delimiter
	}
	raw, err := os.ReadFile(filepath.Join(dir, FileAgenziaLavoro))
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(raw) {
		t.Errorf("%s is valid UTF-8: want Windows-1252 with accented letters", FileAgenziaLavoro)
	}
	tb := readText(t, dir, specLavoro)
	accented := 0
	for _, r := range tb.rows {
		if hasAccent(r[tb.col(t, "Indirizzo")]) {
			accented++
		}
	}
	if accented == 0 {
		t.Errorf("%s: no address with an accented letter", FileAgenziaLavoro)
	}
	for _, h := range tb.header {
		if source.NormaliseHeader(h) == "" {
			t.Errorf("header cell %q does not normalise", h)
		}
	}
}

func TestAnagrafe(t *testing.T) {
	dir, sum := generated(t)
	tb := readText(t, dir, specAnagrafe)
	rows := tb.rows
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

// registerEntry is one civic number of the address register.
type registerEntry struct {
	cap      string
	lon, lat float64
}

// readRegister checks the address register and returns it keyed by "DUG DENOMINAZIONE N[/E]".
func readRegister(t *testing.T) (map[string]registerEntry, map[string]bool) {
	t.Helper()
	dir, sum := generated(t)
	tb := readText(t, dir, specStradario)
	dugs := map[string]bool{dugVia: true, dugViale: true, dugPiazza: true, dugCorso: true, dugStrada: true,
		dugLargo: true, dugPiazzale: true, dugVicolo: true, dugStradello: true}
	exps := map[string]bool{"": true, "A": true, "B": true, "C": true, "BIS": true, "TER": true}
	coord := regexp.MustCompile(`^\d+\.\d{7}$`)
	byAddr := map[string]registerEntry{}
	streets := map[string]bool{}
	progr := map[string]string{}
	for _, r := range tb.rows {
		if r[0] != "036023" || !dugs[r[2]] || r[3] == "" || !exps[r[5]] {
			t.Fatalf("register row %q", r)
		}
		if n, err := strconv.Atoi(r[4]); err != nil || n < 1 {
			t.Fatalf("civic %q", r[4])
		}
		street := r[2] + " " + r[3]
		if s, ok := progr[r[1]]; ok && s != street {
			t.Fatalf("progressive %s names %s and %s", r[1], s, street)
		}
		progr[r[1]] = street
		streets[street] = true
		checkCAP(t, r[6])
		if !coord.MatchString(r[7]) || !coord.MatchString(r[8]) {
			t.Fatalf("register coordinates %q %q", r[7], r[8])
		}
		lon, _ := strconv.ParseFloat(r[7], 64)
		lat, _ := strconv.ParseFloat(r[8], 64)
		addr := street + " " + r[4]
		if r[5] != "" {
			addr += "/" + r[5]
		}
		if _, dup := byAddr[addr]; dup {
			t.Fatalf("address %s twice in the register", addr)
		}
		byAddr[addr] = registerEntry{cap: r[6], lon: lon, lat: lat}
	}
	if len(progr) != len(streets) || len(streets) != sum.Streets || len(byAddr) != sum.Civics {
		t.Fatalf("%d progressives, %d streets, %d civics; summary %d streets %d civics",
			len(progr), len(streets), len(byAddr), sum.Streets, sum.Civics)
	}
	return byAddr, streets
}

func TestRegister(t *testing.T) {
	byAddr, streets := readRegister(t)
	_, sum := generated(t)
	perHH := float64(len(byAddr)) / float64(sum.Households)
	checkShare(t, "civic numbers per household", perHH, 0.35, 0.8)
	withExp := 0
	for a := range byAddr {
		if strings.Contains(a, "/") {
			withExp++
		}
	}
	checkShare(t, "civic numbers with an esponente", float64(withExp)/float64(len(byAddr)), 0.03, 0.15)
	if len(streets) < 50 {
		t.Errorf("%d streets", len(streets))
	}
	for _, l := range landmarks {
		if !streets[l.full()] {
			t.Errorf("landmark %s missing", l.full())
		}
	}
}

// TestHouseholdAddresses checks that every address written with coordinates is a civic number
// of the register, with its CAP and the same point.
func TestHouseholdAddresses(t *testing.T) {
	dir, _ := generated(t)
	byAddr, _ := readRegister(t)
	check := func(name string, tb table) {
		ia, ic, ilat, ilon := tb.col(t, "INDIRIZZO"), tb.col(t, "CAP"), tb.col(t, "LATITUDINE"), tb.col(t, "LONGITUDINE")
		for _, r := range tb.rows {
			e, ok := byAddr[r[ia]]
			if !ok {
				t.Fatalf("%s: address %q not in the register", name, r[ia])
			}
			lat, lon := parseDecimal(t, r[ilat]), parseDecimal(t, r[ilon])
			if r[ic] != e.cap || math.Abs(lat-e.lat) > 1e-9 || math.Abs(lon-e.lon) > 1e-9 {
				t.Fatalf("%s: %s at %s %v,%v; register %s %v,%v", name, r[ia], r[ic], lat, lon, e.cap, e.lat, e.lon)
			}
		}
	}
	for _, fs := range []fileSpec{specAnagrafe, specServizi, specCasa, specAUSL} {
		check(fs.name, readText(t, dir, fs))
	}
	check(FileINAIL, canonical(readINAIL(t, dir)))
}

// canonical renames a table's header cells to the canonical column names of ingest/source.
func canonical(tb table) table {
	out := table{rows: tb.rows}
	for _, h := range tb.header {
		out.header = append(out.header, source.NormaliseHeader(h))
	}
	return out
}

// sourceFiles maps each source to its table, with canonical column names (read once).
func sourceFiles(t *testing.T) map[string]table {
	dir, _ := generated(t)
	if cachedSourceFiles == nil {
		cachedSourceFiles = map[string]table{
			"social_services":   readText(t, dir, specServizi),
			"housing_office":    readText(t, dir, specCasa),
			"health_authority":  readText(t, dir, specAUSL),
			"employment_agency": canonical(readText(t, dir, specLavoro)),
			"injury_insurer":    canonical(readINAIL(t, dir)),
		}
	}
	return cachedSourceFiles
}

var cachedSourceFiles map[string]table

// eventDate is the event date of row r of source name's table tb.
func eventDate(t *testing.T, name string, tb table, r []string) time.Time {
	t.Helper()
	src, err := source.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	s := r[tb.col(t, src.DateColumn)]
	if name == "employment_agency" {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatalf("%s: date %q", name, s)
		}
		return d
	}
	return parseDate(t, s)
}

var temporaryPattern = regexp.MustCompile(`^(STP|ENI)080113\d{7}$`)

// TestSourceContract checks every file against ingest/source: required and optional columns
// present, known kinds and codes, identifiers valid, dates in the year, numbers in range.
func TestSourceContract(t *testing.T) {
	dir, _ := generated(t)
	checkSourceContract(t, testCfg, readText(t, dir, specAnagrafe), sourceFiles(t), checkCAP)
}

// checkSourceContract checks the agency files against ingest/source: dates in the years of cfg,
// end dates in the year of the start; register is the population register their fiscal codes
// must be in.
func checkSourceContract(t *testing.T, cfg Config, register table, files map[string]table, checkPostcode func(*testing.T, string)) {
	t.Helper()
	known := map[string]bool{}
	for _, r := range register.rows {
		known[r[0]] = true
	}
	for name, tb := range files {
		src, err := source.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		cols := append(src.Required(), source.AddressColumn, source.PostcodeColumn)
		for _, c := range []string{src.EndDateColumn, src.AmountColumn, src.ScoreColumn, src.IncomeColumn,
			src.HouseholdSizeColumn, src.DaysLostColumn, src.Stage.Column, src.Status.Column, src.Severity.Column} {
			if c != "" {
				cols = append(cols, c)
			}
		}
		idx := map[string]int{}
		for _, c := range cols {
			idx[c] = tb.col(t, c)
		}
		iso := name == "employment_agency"
		date := func(s string) time.Time {
			if iso {
				d, err := time.Parse(time.DateOnly, s)
				if err != nil {
					t.Fatalf("%s: date %q", name, s)
				}
				return d
			}
			return parseDate(t, s)
		}
		for _, r := range tb.rows {
			id := r[idx[source.IDColumn]]
			switch {
			case known[id]:
			case src.TemporaryCodes && temporaryPattern.MatchString(id):
			default:
				t.Fatalf("%s: identifier %q neither a known fiscal code nor a temporary code", name, id)
			}
			kind := r[idx[src.KindColumn]]
			if _, ok := src.Kinds[kind]; !ok {
				t.Fatalf("%s: kind %q", name, kind)
			}
			start := date(r[idx[src.DateColumn]])
			if start.Year() < cfg.Year-cfg.HistoryYears || start.Year() > cfg.Year {
				t.Fatalf("%s: date %v outside %d-%d", name, start, cfg.Year-cfg.HistoryYears, cfg.Year)
			}
			if c := src.EndDateColumn; c != "" && r[idx[c]] != "" {
				if end := date(r[idx[c]]); end.Before(start) || end.Year() != start.Year() {
					t.Fatalf("%s: end %s, start %s", name, r[idx[c]], r[idx[src.DateColumn]])
				}
			}
			checkPostcode(t, r[idx[source.PostcodeColumn]])
			for _, cd := range []source.Coded{src.Stage, src.Status, src.Severity} {
				if cd.Column != "" && r[idx[cd.Column]] != "" && !slices.Contains(cd.Values, r[idx[cd.Column]]) {
					t.Fatalf("%s: %s %q", name, cd.Column, r[idx[cd.Column]])
				}
			}
			checkKindFields(t, name, kind, r, idx)
		}
	}
}

// checkKindFields checks the optional fields each kind fills.
func checkKindFields(t *testing.T, name, kind string, r []string, idx map[string]int) {
	t.Helper()
	get := func(c string) string { return r[idx[c]] }
	filled := func(c string, want bool) {
		if (get(c) != "") != want {
			t.Fatalf("%s %s: %s %q, want filled %v", name, kind, c, get(c), want)
		}
	}
	inRange := func(c string, lo, hi float64) {
		if v := parseDecimal(t, get(c)); v < lo || v > hi {
			t.Fatalf("%s %s: %s %s outside %v-%v", name, kind, c, get(c), lo, hi)
		}
	}
	switch kind {
	case KindContributoEconomico, KindContributoAffitto, KindEmergenzaAbitativa:
		inRange("IMPORTO_EURO", 300, 6000)
		inRange("ISEE_EURO", 0, 60000)
		inRange("NUM_COMPONENTI", 1, maxHouseholdSize)
		if kind == KindContributoEconomico {
			inRange("ISEE_EURO", 0, iseeEconomic)
		}
	case KindSostegnoEducativo:
		filled("IMPORTO_EURO", false)
		filled("ISEE_EURO", false)
	case KindDomandaERP, KindAssegnazioneERP:
		inRange("PUNTEGGIO", 5, 40)
		inRange("ISEE_EURO", 0, iseeERP)
		inRange("NUM_COMPONENTI", 1, maxHouseholdSize)
		filled("FASE_SFRATTO", false)
	case KindSfratto:
		filled("FASE_SFRATTO", true)
		filled("PUNTEGGIO", false)
	case KindIscrizioneCPI:
		filled("STATO", true)
	case KindFormazione, KindInserimento:
		filled("STATO", false)
	case KindInfortunio, KindMalattiaProf:
		filled("GRAVITA", true)
		if n, err := strconv.Atoi(get("GIORNI_PERSI")); err != nil || n < 0 || n > 365 {
			t.Fatalf("%s: days lost %q", name, get("GIORNI_PERSI"))
		}
	}
}

// TestVolumes checks every year's volume of every kind: one row per unit and year (evictions
// one or two), the base volume of the kinds no effect of dynamics.json multiplies, within 15% of
// it in the last year and 30% in the others for the kinds the effects modulate (at 20,000
// residents a district's effect moves the city's totals by a few units); and the summary.
func TestVolumes(t *testing.T) {
	dir, sum := generated(t)
	d, err := ReadDynamics(filepath.Join(dir, FileDynamics))
	if err != nil {
		t.Fatal(err)
	}
	planted := map[string]bool{}
	for _, e := range d.Effects {
		if e.Scope != ScopeCity {
			for _, k := range append(slices.Clone(e.EventKinds), e.LedEventKinds...) {
				planted[k] = true
			}
		}
	}
	type kindYear struct {
		kind string
		year int
	}
	units := map[kindYear]map[string]bool{}
	rows := map[string]int{}
	for name, tb := range sourceFiles(t) {
		src, _ := source.Lookup(name)
		ik, id := tb.col(t, src.KindColumn), tb.col(t, source.IDColumn)
		for _, r := range tb.rows {
			k := kindYear{r[ik], eventDate(t, name, tb, r).Year()}
			if units[k] == nil {
				units[k] = map[string]bool{}
			}
			if units[k][r[id]] && r[ik] != KindSfratto {
				t.Errorf("%s %d: %s twice", k.kind, k.year, r[id])
			}
			units[k][r[id]] = true
			rows[r[ik]]++
		}
	}
	for y := firstYear; y <= testCfg.Year; y++ {
		for _, base := range BaseVolumes {
			want := float64(base.Rows) * float64(testCfg.Residents) / ReferenceResidents
			got := float64(len(units[kindYear{base.Kind, y}]))
			tol := 0.05
			switch {
			case planted[base.Kind] && y == testCfg.Year:
				tol = 0.15
			case planted[base.Kind]:
				tol = 0.30
			}
			if math.Abs(got-want) > tol*want+0.5 {
				t.Errorf("%s %d: %v units, want %.0f ±%.0f%%", base.Kind, y, got, want, 100*tol)
			}
		}
	}
	for i, k := range sum.Kinds {
		if k.Kind != BaseVolumes[i].Kind || k.Rows != rows[k.Kind] {
			t.Errorf("summary %+v disagrees with the files (%d rows)", k, rows[k.Kind])
		}
	}
	evictions := 0
	for y := firstYear; y <= testCfg.Year; y++ {
		evictions += len(units[kindYear{KindSfratto, y}])
	}
	if rows[KindSfratto] <= evictions {
		t.Errorf("no household with two eviction stages")
	}
}

// TestTemporaryCodes checks the STP/ENI people: well-formed, stable codes, both kinds present,
// residents among them also named by fiscal code in other files, the rest in no other file.
func TestTemporaryCodes(t *testing.T) {
	dir, sum := generated(t)
	tb := readText(t, dir, specAUSL)
	codes := map[string]int{}
	for _, r := range tb.rows {
		id := r[0]
		if strings.HasPrefix(id, "STP") || strings.HasPrefix(id, "ENI") {
			if !temporaryPattern.MatchString(id) || !isTemporaryCode(id) {
				t.Fatalf("malformed temporary code %q", id)
			}
			codes[id]++
		}
	}
	stp, eni, rows := 0, 0, 0
	for c, n := range codes {
		rows += n
		if c[:3] == "STP" {
			stp++
		} else {
			eni++
		}
	}
	want := float64(scaledVolume(BaseTemporaryPersons, testCfg.Residents))
	if math.Abs(float64(len(codes))-want) > 0.05*want || len(codes) != sum.TemporaryCodes {
		t.Errorf("%d temporary codes (summary %d), want %.0f", len(codes), sum.TemporaryCodes, want)
	}
	if stp == 0 || eni == 0 || eni > stp {
		t.Errorf("%d STP and %d ENI codes", stp, eni)
	}
	if rows <= len(codes) {
		t.Errorf("no temporary code on two rows")
	}
	// the people behind the codes, from the generator itself
	cfg := testCfg.withDefaults()
	c, err := buildFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ev := buildEvents(rand.New(rand.NewPCG(cfg.Seed, streamEvents)), c, cfg)
	elsewhere := map[string]bool{}
	for name, tb := range sourceFiles(t) {
		if name == "health_authority" {
			continue
		}
		id := tb.col(t, source.IDColumn)
		for _, r := range tb.rows {
			elsewhere[r[id]] = true
		}
	}
	healthCF := map[string]bool{}
	for _, r := range tb.rows {
		healthCF[r[0]] = true
	}
	nonRes := 0
	for _, tp := range ev.temporary {
		if codes[tp.code] == 0 {
			t.Fatalf("temporary code %s not in the file", tp.code)
		}
		if tp.resident < 0 {
			nonRes++
			continue
		}
		p := c.people[tp.resident]
		if !elsewhere[p.cf] || healthCF[p.cf] {
			t.Errorf("resident with %s: in other files %v, in health under the fiscal code %v", tp.code, elsewhere[p.cf], healthCF[p.cf])
		}
		cit := c.hh[p.hh].cit
		if (tp.code[:3] == "STP") != (cit == nonUE) || (tp.code[:3] == "ENI") != (cit == ue) {
			t.Errorf("%s given to a %s citizen", tp.code, citizenshipNames[cit])
		}
	}
	if wantNR := scaledVolume(BaseTemporaryNonResidents, testCfg.Residents); nonRes != wantNR {
		t.Errorf("%d temporary codes of people in no other file, want %d", nonRes, wantNR)
	}
}

// TestLinkage checks that people appear in several sources.
func TestLinkage(t *testing.T) {
	sources := map[string]uint8{}
	bit := uint8(1)
	for _, name := range source.Names() {
		tb := sourceFiles(t)[name]
		id := tb.col(t, source.IDColumn)
		for _, r := range tb.rows {
			if !temporaryPattern.MatchString(r[id]) {
				sources[r[id]] |= bit
			}
		}
		bit <<= 1
	}
	dist := make([]int, 6)
	for _, b := range sources {
		n := 0
		for ; b != 0; b &= b - 1 {
			n++
		}
		dist[n]++
	}
	multi := len(sources) - dist[1]
	t.Logf("people by number of sources: %v", dist[1:])
	if share := float64(multi) / float64(len(sources)); share < 0.10 {
		t.Errorf("people in 2+ sources: %.3f of %d, want >= 0.10", share, len(sources))
	}
	if dist[3]+dist[4]+dist[5] == 0 {
		t.Errorf("nobody in 3+ sources")
	}
}

// TestEventLinks checks the stories linking kinds: emergency housing after evictions,
// allocations after applications, educational support for children.
func TestEventLinks(t *testing.T) {
	files := sourceFiles(t)
	dir, _ := generated(t)
	birth := map[string]time.Time{}
	for _, r := range readText(t, dir, specAnagrafe).rows {
		birth[r[0]] = parseDate(t, r[3])
	}
	// every year tells its own stories: keys are a person and a year
	type personYear struct {
		cf   string
		year int
	}
	lastEviction := map[personYear]time.Time{}
	application := map[personYear]time.Time{}
	appScores := map[int][]float64{}
	for _, r := range files["housing_office"].rows {
		d := parseDate(t, r[2])
		k := personYear{r[0], d.Year()}
		switch r[1] {
		case KindSfratto:
			if d.After(lastEviction[k]) {
				lastEviction[k] = d
			}
		case KindDomandaERP:
			application[k] = d
			appScores[d.Year()] = append(appScores[d.Year()], parseDecimal(t, r[3]))
		}
	}
	for _, scores := range appScores {
		slices.Sort(scores)
	}
	for _, r := range files["housing_office"].rows {
		if r[1] != KindAssegnazioneERP {
			continue
		}
		d := parseDate(t, r[2])
		app, ok := application[personYear{r[0], d.Year()}]
		if !ok || !d.After(app) {
			t.Fatalf("allocation to %s without an earlier application in the year", r[0])
		}
		if scores := appScores[d.Year()]; parseDecimal(t, r[3]) < scores[len(scores)/2] {
			t.Errorf("allocation with a score below the year's median application")
		}
	}
	emergencies, afterEviction := 0, 0
	for _, r := range files["social_services"].rows {
		d := parseDate(t, r[2])
		switch r[1] {
		case KindEmergenzaAbitativa:
			emergencies++
			if ev, ok := lastEviction[personYear{r[0], d.Year()}]; ok {
				if d.Before(ev) {
					t.Errorf("emergency housing before the eviction")
				}
				afterEviction++
			}
		case KindSostegnoEducativo:
			age := time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC).Sub(birth[r[0]]).Hours() / 24 / 365.25
			if age < 3 || age >= 18 {
				t.Errorf("educational support for someone aged %.1f", age)
			}
		}
	}
	checkShare(t, "emergency housing after an eviction", float64(afterEviction)/float64(emergencies), 0.6, 0.9)
}

// TestEmploymentAddresses checks the agency's messy addresses: most match the register as
// written, many more after normalisation, a few never.
func TestEmploymentAddresses(t *testing.T) {
	dir, _ := generated(t)
	_, streets := readRegister(t)
	tb := readText(t, dir, specLavoro)
	is, ic := tb.col(t, "Indirizzo"), tb.col(t, "Civico")
	civic := regexp.MustCompile(`^\d+(( |/)?([A-Ca-c]|BIS|TER|bis|ter))?$`)
	people := map[string]bool{}
	exact, abbrev, lower := 0, 0, 0
	for _, r := range tb.rows {
		if !civic.MatchString(r[ic]) {
			t.Fatalf("civico %q", r[ic])
		}
		if people[r[0]] {
			continue
		}
		people[r[0]] = true
		s := r[is]
		switch {
		case streets[s]:
			exact++
		case strings.Contains(s, "."):
			abbrev++
		case strings.ToUpper(s) != s:
			lower++
		}
	}
	n := float64(len(people))
	checkShare(t, "addresses as in the register", float64(exact)/n, 0.50, 0.68)
	checkShare(t, "abbreviated addresses", float64(abbrev)/n, 0.18, 0.32)
	checkShare(t, "lower-case addresses", float64(lower)/n, 0.005, 0.06)
}

func TestINAIL(t *testing.T) {
	dir, _ := generated(t)
	tb := canonical(readINAIL(t, dir))
	coord := regexp.MustCompile(`^\d+,\d{6}$`)
	others := map[string]bool{}
	for name, ft := range sourceFiles(t) {
		if name == "injury_insurer" {
			continue
		}
		id := ft.col(t, source.IDColumn)
		for _, r := range ft.rows {
			others[r[id]] = true
		}
	}
	men, fatal := 0, 0
	for _, r := range tb.rows {
		if !coord.MatchString(r[tb.col(t, "LATITUDINE")]) || !coord.MatchString(r[tb.col(t, "LONGITUDINE")]) {
			t.Fatalf("coordinates %q", r)
		}
		if r[tb.col(t, "TIPO_EVENTO")] == KindInfortunio {
			info, err := codicefiscale.DecodeAt(r[0], time.Date(testCfg.Year, 12, 31, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			if !info.Female {
				men++
			}
		}
		if r[tb.col(t, "GRAVITA")] == gravitaMortale {
			fatal++
			if d := parseDate(t, r[tb.col(t, "DATA_EVENTO")]); others[r[0]] || d.Month() != time.December || d.Year() != testCfg.Year {
				t.Errorf("fatal injury of someone in other files or before December of the last year")
			}
		}
	}
	if fatal > 3 {
		t.Errorf("%d fatal injuries", fatal)
	}
	want := scaledVolume(baseVolume(KindInfortunio), testCfg.Residents) * (testCfg.HistoryYears + 1)
	checkShare(t, "injuries to men", float64(men)/float64(want), 0.55, 0.85)
	// the cells are typed as documented: dates and coordinates text, days and CAP numbers
	f, err := excelize.OpenFile(filepath.Join(dir, FileINAIL))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for cell, want := range map[string]excelize.CellType{"C2": excelize.CellTypeInlineString,
		"E2": excelize.CellTypeUnset, "G2": excelize.CellTypeUnset, "H2": excelize.CellTypeInlineString} {
		if typ, err := f.GetCellType(SheetINAIL, cell); err != nil || typ != want {
			t.Errorf("cell %s type %v, want %v (%v)", cell, typ, want, err)
		}
	}
}

func TestCoordinatesInsideModena(t *testing.T) {
	dir, _ := generated(t)
	boundary, err := modena.Boundary()
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, lat, lon float64) {
		if !planar.MultiPolygonContains(boundary, orb.Point{lon, lat}) {
			t.Fatalf("%s: point %v,%v outside Modena", name, lat, lon)
		}
	}
	for _, fs := range []fileSpec{specAnagrafe, specServizi, specCasa, specAUSL} {
		tb := readText(t, dir, fs)
		ilat, ilon := tb.col(t, "LATITUDINE"), tb.col(t, "LONGITUDINE")
		for _, r := range tb.rows {
			lat := r[ilat]
			if !strings.Contains(lat, ",") || len(lat[strings.Index(lat, ",")+1:]) != 6 {
				t.Fatalf("%s: latitude %q not in the documented format", fs.name, lat)
			}
			check(fs.name, parseDecimal(t, lat), parseDecimal(t, r[ilon]))
		}
	}
	byAddr, _ := readRegister(t)
	for _, e := range byAddr {
		check(FileStradario, e.lat, e.lon)
	}
	tb := canonical(readINAIL(t, dir))
	for _, r := range tb.rows {
		check(FileINAIL, parseDecimal(t, r[tb.col(t, "LATITUDINE")]), parseDecimal(t, r[tb.col(t, "LONGITUDINE")]))
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
	for _, r := range readText(t, dir, specAnagrafe).rows {
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

// TestStructure checks that poverty, housing, health and work go together across OMI zones and
// that cheap peripheral zones show higher rates than the historic centre, in the last year.
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
		zoneOfSection[f.Properties.MustString("SEZ21_ID", "")] = strings.TrimPrefix(f.Properties.MustString("ZONA_OMI", ""), istatComune+"/")
	}
	zoneOf := map[string]string{}
	pop := map[string]float64{}
	for _, r := range readText(t, dir, specAnagrafe).rows {
		z := zoneOfSection[r[6]]
		zoneOf[r[0]] = z
		pop[z]++
	}
	byKind := map[string][]string{}
	for name, tb := range sourceFiles(t) {
		src, _ := source.Lookup(name)
		ik, id := tb.col(t, src.KindColumn), tb.col(t, source.IDColumn)
		for _, r := range tb.rows {
			if eventDate(t, name, tb, r).Year() == testCfg.Year {
				byKind[r[ik]] = append(byKind[r[ik]], r[id])
			}
		}
	}
	rate := func(kinds ...string) map[string]float64 {
		out := map[string]float64{}
		for _, k := range kinds {
			for _, cf := range byKind[k] {
				if z, ok := zoneOf[cf]; ok {
					out[z]++
				}
			}
		}
		for z := range out {
			out[z] /= pop[z]
		}
		return out
	}
	poverty := rate(KindContributoEconomico)
	housing := rate(KindContributoAffitto, KindSfratto, KindDomandaERP)
	health := rate(KindCronicita, KindDisabilita, KindSaluteMentale, KindDipendenze)
	work := rate(KindIscrizioneCPI)
	zones, err := modena.OMIZones()
	if err != nil {
		t.Fatal(err)
	}
	var xs, ys, hs, ws []float64
	for _, z := range zones {
		xs = append(xs, poverty[z.Code])
		ys = append(ys, health[z.Code])
		hs = append(hs, housing[z.Code])
		ws = append(ws, work[z.Code])
	}
	if r := pearson(xs, ys); r < 0.5 {
		t.Errorf("poverty-health correlation across zones %.2f, want >= 0.5", r)
	}
	if r := pearson(xs, hs); r < 0.5 {
		t.Errorf("poverty-housing correlation across zones %.2f, want >= 0.5", r)
	}
	if r := pearson(xs, ws); r < 0.5 {
		t.Errorf("poverty-work correlation across zones %.2f, want >= 0.5", r)
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
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct{ got, want string }{
		{formatEuro(1250), "1.250,00"},
		{formatEuro(300), "300,00"},
		{formatEuro(1234567.5), "1.234.567,50"},
		{formatEuro(7450.32), "7.450,32"},
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
		{civicNumber(112, 1), "112/A"},
		{civicNumber(7, 4), "7/BIS"},
		{civicNumber(12, 0), "12"},
		{messyCivic(rng, 12, 0), "12"},
		{abbreviate(rng, dugCorso), "C.SO"},
		{apostropheAccents("VIA GIOSUÈ CARDUCCI"), "VIA GIOSUE' CARDUCCI"},
		{strconv.FormatBool(isTemporaryCode("STP0801130000001")), "true"},
		{strconv.FormatBool(isTemporaryCode("ENI0801131234567")), "true"},
		{strconv.FormatBool(isTemporaryCode("STP0801130000A01")), "false"},
		{strconv.FormatBool(isTemporaryCode("RSSMRA80A01F257G")), "false"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	for range 50 {
		if s := typo(rng, "GIOSUÈ CARDUCCI"); s == "GIOSUÈ CARDUCCI" || utf8.RuneCountInString(s) < 14 {
			t.Fatalf("typo %q", s)
		}
		if c := messyCivic(rng, 12, 1); c != "12/A" && c != "12 A" && c != "12A" {
			t.Fatalf("civico %q", c)
		}
	}
}

// TestDocExamples checks that the fiscal codes in the documentation's examples are valid and
// the temporary codes well-formed.
func TestDocExamples(t *testing.T) {
	pages, err := filepath.Glob("../docs/sources/*.md")
	if err != nil || len(pages) == 0 {
		t.Skipf("no documentation pages (%v)", err)
	}
	pages = append(pages, "../docs/address-register.md")
	code := regexp.MustCompile(`\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b`)
	temp := regexp.MustCompile(`\b(STP|ENI)[0-9]{13}\b`)
	n := 0
	for _, p := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, cf := range code.FindAllString(string(data), -1) {
			n++
			if err := codicefiscale.Validate(cf); err != nil {
				t.Errorf("%s: %v", filepath.Base(p), err)
			}
		}
		for _, c := range temp.FindAllString(string(data), -1) {
			if !isTemporaryCode(c) {
				t.Errorf("%s: temporary code %s malformed", filepath.Base(p), c)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d fiscal codes in the examples", n)
	}
}
