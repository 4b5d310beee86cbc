package synthetic

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/abitare/abitare/geo/tessellate"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Headers of the files, as documented in docs/agency-files.md.
const (
	HeaderAnagrafe       = "CODICE_FISCALE;ID_FAMIGLIA;SESSO;DATA_NASCITA;CITTADINANZA;TIPO_FAMIGLIA;SEZIONE;INDIRIZZO;CAP;LATITUDINE;LONGITUDINE"
	HeaderServiziSociali = "CODICE_FISCALE;TIPO_INTERVENTO;DATA_INIZIO;DATA_FINE;IMPORTO_EURO;INDIRIZZO;CAP;LATITUDINE;LONGITUDINE"
	HeaderUfficioCasa    = "CODICE_FISCALE;TIPO_PRATICA;DATA_PRATICA;PUNTEGGIO;FASE_SFRATTO;INDIRIZZO;CAP;LATITUDINE;LONGITUDINE"
	HeaderAUSL           = "CODICE_FISCALE;TIPO_PRESA_IN_CARICO;DATA_PRESA_IN_CARICO;INDIRIZZO;CAP;LATITUDINE;LONGITUDINE"
)

// writeSections writes the sections as an ISTAT-like GeoJSON FeatureCollection.
func writeSections(c *city, outDir string) (int, error) {
	fc := geojson.NewFeatureCollection()
	for _, s := range c.sections {
		fc.Append(sectionFeature(s))
	}
	data, err := json.Marshal(fc)
	if err != nil {
		return 0, fmt.Errorf("encode %s: %w", FileSezioni, err)
	}
	if err := os.WriteFile(filepath.Join(outDir, FileSezioni), append(data, '\n'), 0o644); err != nil {
		return 0, fmt.Errorf("write %s: %w", FileSezioni, err)
	}
	return len(c.sections), nil
}

func sectionFeature(s tessellate.Section) *geojson.Feature {
	var g orb.Geometry = s.Geometry
	if len(s.Geometry) == 1 {
		g = s.Geometry[0]
	}
	f := geojson.NewFeature(g)
	f.Properties["SEZ21_ID"] = s.ID
	f.Properties["PRO_COM"] = tessellate.MunicipalityCode
	f.Properties["P1"] = s.Residents
	f.Properties["PF1"] = s.Households
	f.Properties["ZONA_OMI"] = s.OMIZone
	f.Properties["SINTETICA"] = true
	return f
}

// writeAnagrafe writes one row per resident, households in order.
func writeAnagrafe(c *city, outDir string) (int, error) {
	lines := make([]string, 0, len(c.people))
	var b strings.Builder
	for hi, h := range c.hh {
		for k := int(h.first); k < int(h.first)+int(h.size); k++ {
			p := c.people[k]
			b.Reset()
			sex := "M"
			if p.female {
				sex = "F"
			}
			join(&b, p.cf, familyID(hi), sex, formatDate(p.birth), citizenshipNames[h.cit],
				hhTypeNames[h.typ], c.sections[h.section].ID, residence(h))
			lines = append(lines, b.String())
		}
	}
	return len(lines), writeLines(outDir, FileAnagrafe, HeaderAnagrafe, lines)
}

// writeLines writes header and lines (LF-terminated) to outDir/name.
func writeLines(outDir, name, header string, lines []string) error {
	f, err := os.Create(filepath.Join(outDir, name))
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	w.WriteString(header)
	w.WriteByte('\n')
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", name, err)
	}
	return nil
}

// join writes fields separated by ';'.
func join(b *strings.Builder, fields ...string) {
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(f)
	}
}

// residence is the INDIRIZZO;CAP;LATITUDINE;LONGITUDINE tail of a row.
func residence(h household) string {
	return h.address + ";" + h.cap + ";" + formatCoord(h.pt[1]) + ";" + formatCoord(h.pt[0])
}

func familyID(hi int) string { return fmt.Sprintf("F%07d", hi+1) }

// formatDate writes dd/mm/yyyy.
func formatDate(t time.Time) string { return t.Format("02/01/2006") }

// formatCoord writes degrees with 6 decimals and a decimal comma.
func formatCoord(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', 6, 64), ".", ",", 1)
}

// formatEuro writes an amount as 1.250,00.
func formatEuro(v float64) string {
	cents := int64(math.Round(v * 100))
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	units := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, d := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	return fmt.Sprintf("%s%s,%02d", sign, b.String(), cents%100)
}

// formatScore writes a score with one decimal and a decimal comma, e.g. 23,5.
func formatScore(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", ",", 1)
}
