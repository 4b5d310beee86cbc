// Package synthetic generates the synthetic Modena ("demo city"): stand-in census sections, a
// population register and one year of agency files (social services, housing office, local
// health authority) in the layouts of docs/agency-files.md.
//
// Everything is deterministic: the same Config gives byte-identical files. Vulnerability is
// driven by a latent score per household that depends on place (cheaper OMI rents score
// higher), household type and citizenship, so the poverty, housing and health domains are
// correlated with each other and with the map.
package synthetic

import (
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/abitare/abitare/geo/modena"
	"github.com/abitare/abitare/geo/tessellate"
)

// File names written by Generate.
const (
	FileSezioni        = "sezioni.geojson"
	FileAnagrafe       = "anagrafe.csv"
	FileServiziSociali = "servizi_sociali.csv"
	FileUfficioCasa    = "ufficio_casa.csv"
	FileAUSL           = "ausl_prese_in_carico.csv"
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

// Config parameterises the demo city. Zero fields take the defaults.
type Config struct {
	Seed      uint64
	Residents int // default 185000
	Year      int // year of the agency events, default 2025
}

func (c Config) withDefaults() Config {
	if c.Residents == 0 {
		c.Residents = DefaultResidents
	}
	if c.Year == 0 {
		c.Year = DefaultYear
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
	Residents  int
	Households int
	Sections   int
	Files      []FileRows // in writing order; sezioni.geojson counts features
	Kinds      []KindRows // in the order of BaseVolumes
}

// Generate builds the demo city for cfg and writes its files into outDir (created if
// missing).
func Generate(cfg Config, outDir string) (Summary, error) {
	cfg = cfg.withDefaults()
	if cfg.Residents < 0 {
		return Summary{}, fmt.Errorf("synthetic: residents %d, want > 0", cfg.Residents)
	}
	if cfg.Year < 1900 || cfg.Year > 2100 {
		return Summary{}, fmt.Errorf("synthetic: year %d out of range 1900-2100", cfg.Year)
	}
	zones, err := modena.OMIZones()
	if err != nil {
		return Summary{}, fmt.Errorf("synthetic: %w", err)
	}
	boundary, err := modena.Boundary()
	if err != nil {
		return Summary{}, fmt.Errorf("synthetic: %w", err)
	}
	secs, err := tessellate.Sections(zones, cfg.Residents, cfg.Seed)
	if err != nil {
		return Summary{}, fmt.Errorf("synthetic: %w", err)
	}
	c, err := buildCity(rand.New(rand.NewPCG(cfg.Seed, streamPopulation)), cfg.Year, zones, secs, boundary)
	if err != nil {
		return Summary{}, fmt.Errorf("synthetic: %w", err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("synthetic: %w", err)
	}
	sum := Summary{Residents: len(c.people), Households: len(c.hh), Sections: len(secs)}
	if err := writeAll(c, cfg, outDir, &sum); err != nil {
		return Summary{}, fmt.Errorf("synthetic: %w", err)
	}
	return sum, nil
}

// writeAll writes the five files and fills the row counts of sum.
func writeAll(c *city, cfg Config, outDir string, sum *Summary) error {
	n, err := writeSections(c, outDir)
	if err != nil {
		return err
	}
	sum.Files = append(sum.Files, FileRows{FileSezioni, n})
	if n, err = writeAnagrafe(c, outDir); err != nil {
		return err
	}
	sum.Files = append(sum.Files, FileRows{FileAnagrafe, n})
	rng := rand.New(rand.NewPCG(cfg.Seed, streamEvents))
	files, kinds := buildEvents(rng, c, cfg)
	sum.Kinds = kinds
	for _, name := range []string{FileServiziSociali, FileUfficioCasa, FileAUSL} {
		f := files[fileIndex(name)]
		if err := writeLines(outDir, name, f.header, f.rows); err != nil {
			return err
		}
		sum.Files = append(sum.Files, FileRows{name, len(f.rows)})
	}
	return nil
}
