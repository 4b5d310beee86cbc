// Package democity generates the synthetic Modena ("demo city") whose files the ingest pipeline
// reads: stand-in census sections (from democity/tessellate), an address register (stradario), a
// population register and the agency files of the five sources of ingest/source (social
// services, housing office, health authority, employment agency, injury insurer) in the layouts
// of docs/sources/: one year, or with Config.HistoryYears that many years before it too, with
// need that moves over time as planted in dynamics.go and recorded in dynamics.json.
// `abitare demo` writes them; `abitare sections`, `addresses`, `population` and `ingest` load
// them as they would a partner's delivery.
//
// The generator is neither ingest nor geography, so it lives apart: democity may import
// ingest/... and geo/... packages, never the reverse (geo/aggregate's external benchmark test,
// which builds sections with democity/tessellate, is the only exception). The source-contract test
// (TestSourceContract) checks every generated file against the source definitions of
// ingest/source, so the outputs stay valid inputs for ingest when either side changes.
//
// Everything is deterministic: the same Config gives byte-identical files. Vulnerability is
// driven by a latent score per household that depends on place (cheaper OMI rents score
// higher), household type and citizenship, so the poverty, housing, health, work and education
// domains are correlated with each other and with the map, and many people appear in several
// files.
package democity

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"

	"github.com/abitare/abitare/democity/tessellate"
	"github.com/abitare/abitare/geo/modena"
	"github.com/paulmach/orb"
)

// File names written by Generate.
const (
	FileSezioni        = "sezioni.geojson"
	FileAnagrafe       = "anagrafe.csv"
	FileServiziSociali = "servizi_sociali.csv"
	FileUfficioCasa    = "ufficio_casa.csv"
	FileAUSL           = "ausl_prese_in_carico.csv"
	FileAgenziaLavoro  = "agenzia_lavoro.csv"
	FileINAIL          = "inail_infortuni.xlsx"
	FileStradario      = "stradario_anncsu.csv"
)

// Defaults of Config.
const (
	DefaultResidents = 185000
	DefaultYear      = 2025
)

// Stream constants of the random generators (second PCG word), one per stage.
const (
	streamPopulation = 0xab17a7e
	streamEvents     = 0xe7e175
)

// Config parameterises the demo city. Zero fields take the defaults, except HistoryYears.
type Config struct {
	Seed      uint64
	Residents int // default 185000
	Year      int // last year of the agency events and year of the register, default 2025
	// HistoryYears is the number of years before Year the agency files also cover, with the
	// dynamics of dynamics.go (at most MaxHistoryYears). 0 writes Year alone, exactly as before
	// history was added; the command's default is DefaultHistoryYears.
	HistoryYears int
	// Province builds the province of Modena instead of the city (see provincedemo.go):
	// Residents is then ignored and each comune has its 2011 population times Scale.
	Province bool
	Scale    float64 // default 1 (about 686,000 residents)
}

func (c Config) withDefaults() Config {
	if c.Residents == 0 {
		c.Residents = DefaultResidents
	}
	if c.Year == 0 {
		c.Year = DefaultYear
	}
	if c.Province && c.Scale == 0 {
		c.Scale = DefaultScale
	}
	return c
}

// FileRows is the number of data rows (header excluded) written to one file.
type FileRows struct {
	Name string
	Rows int
}

// KindRows is the number of rows of one event kind in one agency file.
type KindRows struct {
	File string
	Kind string
	Rows int
}

// Summary reports what Generate wrote, in a fixed order, for the CLI to print.
type Summary struct {
	Residents      int
	Households     int
	Sections       int
	Streets        int
	Civics         int
	TemporaryCodes int        // persons known to the health authority by an STP or ENI code
	Quarters       int        // quarters the agency files cover
	Files          []FileRows // in writing order; sezioni.geojson counts features, dynamics.json effects
	Kinds          []KindRows // rows per kind over all years, in the order of BaseVolumes
}

// Generate builds the demo city for cfg and writes its files into outDir (created if
// missing).
func Generate(cfg Config, outDir string) (Summary, error) {
	cfg = cfg.withDefaults()
	if cfg.HistoryYears < 0 || cfg.HistoryYears > MaxHistoryYears {
		return Summary{}, fmt.Errorf("synthetic: history of %d years, want 0-%d", cfg.HistoryYears, MaxHistoryYears)
	}
	if y := cfg.Year - cfg.HistoryYears; cfg.HistoryYears > 0 && y < 2000 {
		return Summary{}, fmt.Errorf("synthetic: history from %d, want 2000 or later", y)
	}
	var c *city
	var err error
	if cfg.Province {
		if cfg.Year < 1900 || cfg.Year > 2100 {
			return Summary{}, fmt.Errorf("synthetic: year %d out of range 1900-2100", cfg.Year)
		}
		c, err = buildProvince(cfg)
		cfg.Residents = len(c.peopleOrNil())
	} else {
		c, err = buildFor(cfg)
	}
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("synthetic: %w", err)
	}
	sum := Summary{Residents: len(c.people), Households: len(c.hh), Sections: len(c.sections),
		Streets: len(c.reg.streets), Civics: len(c.reg.civics), Quarters: 4 * (cfg.HistoryYears + 1)}
	if err := writeAll(c, cfg, outDir, &sum); err != nil {
		return Summary{}, fmt.Errorf("synthetic: %w", err)
	}
	return sum, nil
}

// buildFor checks cfg (with defaults applied) and builds the city: sections, register,
// households and people.
func buildFor(cfg Config) (*city, error) {
	if cfg.Residents < 0 {
		return nil, fmt.Errorf("synthetic: residents %d, want > 0", cfg.Residents)
	}
	if cfg.Year < 1900 || cfg.Year > 2100 {
		return nil, fmt.Errorf("synthetic: year %d out of range 1900-2100", cfg.Year)
	}
	zones, boundary, err := fittedZones()
	if err != nil {
		return nil, fmt.Errorf("synthetic: %w", err)
	}
	secs, err := tessellate.Sections(zones, cfg.Residents, cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("synthetic: %w", err)
	}
	c, err := buildCity(rand.New(rand.NewPCG(cfg.Seed, streamPopulation)), cfg.Year, zones, secs, boundary)
	if err != nil {
		return nil, fmt.Errorf("synthetic: %w", err)
	}
	return c, nil
}

// fitZones makes Modena's published OMI zones, which overlap a little and stray from ISTAT's
// boundary, into a partition of the comune, so that their sections tile it. It takes most of a
// city's generation time and depends on nothing but the bundled data, so it runs once per process
// (fittedZones hands out copies).
var fitZones = sync.OnceValues(func() (fitted, error) {
	zones, err := modena.OMIZones()
	if err != nil {
		return fitted{}, err
	}
	boundary, err := modena.Boundary()
	if err != nil {
		return fitted{}, err
	}
	zones, err = tessellate.Fit(zones, boundary)
	return fitted{zones, boundary}, err
})

type fitted struct {
	zones    []modena.OMIZone
	boundary orb.MultiPolygon
}

// fittedZones returns a copy of the fitted zones and the boundary.
func fittedZones() ([]modena.OMIZone, orb.MultiPolygon, error) {
	f, err := fitZones()
	if err != nil {
		return nil, nil, err
	}
	zones := slices.Clone(f.zones)
	for i := range zones {
		zones[i].Geometry = zones[i].Geometry.Clone()
	}
	return zones, f.boundary.Clone(), nil
}

// writeAll writes the files and fills the row counts of sum.
func writeAll(c *city, cfg Config, outDir string, sum *Summary) error {
	add := func(name string, n int, err error) error {
		if err == nil {
			sum.Files = append(sum.Files, FileRows{name, n})
		}
		return err
	}
	n, err := writeSections(c, outDir)
	if err := add(FileSezioni, n, err); err != nil {
		return err
	}
	n, err = writeRegister(c, outDir)
	if err := add(FileStradario, n, err); err != nil {
		return err
	}
	n, err = writeAnagrafe(c, outDir)
	if err := add(FileAnagrafe, n, err); err != nil {
		return err
	}
	ev := buildEvents(rand.New(rand.NewPCG(cfg.Seed, streamEvents)), c, cfg)
	sum.Kinds = ev.kinds
	sum.TemporaryCodes = len(ev.temporary)
	text := []struct {
		name, header string
		rows         []row
		tf           textFile
	}{
		{FileServiziSociali, HeaderServiziSociali, ev.social, utf8BOM},
		{FileUfficioCasa, HeaderUfficioCasa, ev.housing, plainUTF8},
		{FileAUSL, HeaderAUSL, ev.health, plainUTF8},
		{FileAgenziaLavoro, HeaderAgenziaLavoro, ev.work, windowsText},
	}
	if c.comuni != nil { // the province's files carry the comune of residence
		for i := range text {
			sep := ";COMUNE"
			if text[i].name == FileAgenziaLavoro {
				sep = "\tComune"
			}
			text[i].header += sep
		}
	}
	for _, f := range text {
		if err := add(f.name, len(f.rows), writeLines(outDir, f.name, f.header, lines(f.rows), f.tf)); err != nil {
			return err
		}
	}
	n, err = writeINAIL(c, ev.injuries, outDir)
	if err := add(FileINAIL, n, err); err != nil {
		return err
	}
	n, err = writeDynamics(ev.plan, cfg, outDir)
	return add(FileDynamics, n, err)
}
