package democity

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"

	"github.com/abitare/abitare/democity/tessellate"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Headers of the text files, as documented in docs/sources/ and docs/address-register.md.
const (
	HeaderAnagrafe       = "CODICE_FISCALE;ID_FAMIGLIA;SESSO;DATA_NASCITA;CITTADINANZA;TIPO_FAMIGLIA;SEZIONE;INDIRIZZO;CAP;LATITUDINE;LONGITUDINE"
	HeaderStradario      = "CODICE_ISTAT_COMUNE;PROGRESSIVO_STRADA;DUG;DENOMINAZIONE;CIVICO;ESPONENTE;CAP;LONGITUDINE;LATITUDINE"
	HeaderServiziSociali = "CODICE_FISCALE;TIPO_INTERVENTO;DATA_INIZIO;DATA_FINE;IMPORTO_EURO;ISEE_EURO;NUM_COMPONENTI;INDIRIZZO;CAP;LATITUDINE;LONGITUDINE"
	HeaderUfficioCasa    = "CODICE_FISCALE;TIPO_PRATICA;DATA_PRATICA;PUNTEGGIO;FASE_SFRATTO;ISEE_EURO;NUM_COMPONENTI;INDIRIZZO;CAP;LATITUDINE;LONGITUDINE"
	HeaderAUSL           = "CODICE_FISCALE;TIPO_PRESA_IN_CARICO;DATA_PRESA_IN_CARICO;DATA_DIMISSIONE;INDIRIZZO;CAP;LATITUDINE;LONGITUDINE"
	HeaderAgenziaLavoro  = "Codice Fiscale\tTipo evento\tData evento\tStato\tIndirizzo\tCivico\tCAP"
)

// istatComune is Modena's ISTAT code as the address register writes it.
const istatComune = "036023"

// textFile is the encoding and line style of a text file.
type textFile struct {
	bom, crlf, windows1252 bool
}

var (
	plainUTF8 = textFile{}
	utf8BOM   = textFile{bom: true}
	// the employment agency's export: Windows-1252 and CRLF, as from a Windows desktop tool
	windowsText = textFile{crlf: true, windows1252: true}
)

// writeSections writes the sections as an ISTAT-like GeoJSON FeatureCollection.
func writeSections(c *city, outDir string) (int, error) {
	fc := geojson.NewFeatureCollection()
	for i, s := range c.sections {
		f := sectionFeature(s)
		if c.comuni != nil {
			code, _ := strconv.Atoi(c.comuni[c.secMun[i]].Code)
			f.Properties["PRO_COM"] = code
			f.Properties["ZONA_OMI"] = c.district[c.zoneOf[i]]
		}
		fc.Append(f)
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
	f.Properties["ZONA_OMI"] = istatComune + "/" + s.OMIZone // the district's id: the comune, then its zone
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
	return len(lines), writeLines(outDir, FileAnagrafe, HeaderAnagrafe, lines, plainUTF8)
}

// writeRegister writes the address register, one row per civic number.
func writeRegister(c *city, outDir string) (int, error) {
	r := c.reg
	lines := make([]string, len(r.civics))
	var b strings.Builder
	for k, cv := range r.civics {
		st := r.streets[cv.street]
		b.Reset()
		exp := ""
		if cv.exp != 0 {
			exp = esponenti[cv.exp]
		}
		code := istatComune
		if c.comuni != nil {
			code = c.comuni[c.secMun[cv.section]].Code
		}
		join(&b, code, strconv.Itoa(st.progr), st.dug, st.name, strconv.Itoa(int(cv.number)), exp,
			r.caps[cv.section], strconv.FormatFloat(cv.pt[0], 'f', 7, 64), strconv.FormatFloat(cv.pt[1], 'f', 7, 64))
		lines[k] = b.String()
	}
	return len(lines), writeLines(outDir, FileStradario, HeaderStradario, lines, plainUTF8)
}

// writeLines writes header and lines to outDir/name in the file's encoding and line style.
func writeLines(outDir, name, header string, lines []string, tf textFile) error {
	f, err := os.Create(filepath.Join(outDir, name))
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	var w interface {
		io.Writer
		io.StringWriter
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	w = bw
	var enc io.WriteCloser
	if tf.windows1252 {
		enc = transform.NewWriter(bw, charmap.Windows1252.NewEncoder())
		w = stringWriter{enc}
	}
	eol := "\n"
	if tf.crlf {
		eol = "\r\n"
	}
	if tf.bom {
		w.WriteString("\ufeff")
	}
	w.WriteString(header)
	w.WriteString(eol)
	for _, l := range lines {
		w.WriteString(l)
		if _, err := w.WriteString(eol); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	if enc != nil {
		if err := enc.Close(); err != nil {
			f.Close()
			return fmt.Errorf("encode %s: %w", name, err)
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", name, err)
	}
	return nil
}

// stringWriter adds WriteString to a writer.
type stringWriter struct{ io.Writer }

func (s stringWriter) WriteString(v string) (int, error) { return s.Write([]byte(v)) }

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
