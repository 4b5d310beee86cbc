package ingest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/abitare/abitare/geo/modena"
	"github.com/abitare/abitare/ingest/codicefiscale"
	"github.com/abitare/abitare/ingest/pseudonym"
	"github.com/abitare/abitare/ingest/source"
	"github.com/abitare/abitare/ingest/tabular"
)

// BenchmarkReadAndValidate measures the Go side of ingest alone (read, validate, pseudonymise,
// place on H3 and in the study area), with reading the same file line by line as the baseline.
func BenchmarkReadAndValidate(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "s.csv")
	f, _ := os.Create(path)
	fmt.Fprintln(f, "CODICE_FISCALE;TIPO_INTERVENTO;DATA_INIZIO;DATA_FINE;IMPORTO_EURO;INDIRIZZO;CAP;LATITUDINE;LONGITUDINE")
	for i := 0; i < n; i++ {
		cf := codicefiscale.Encode("RSS", "MRA", time.Date(1950+i%50, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC), i%2 == 0, "F257")
		fmt.Fprintf(f, "%s;CONTRIBUTO_ECONOMICO;%02d/03/2025;;1.250,00;VIA EMILIA EST 1;41121;44,6%04d;10,91%03d\n", cf, 1+i%28, 3000+i%999, 100+i%899)
	}
	f.Close()
	boundary, _ := modena.Boundary()
	src, _ := source.Lookup("social_services")
	p, _ := pseudonym.New([]byte("bench-key-0123456789-0123456789-0123456789"))
	v := &validator{file: "s.csv", src: src, pseudo: p, area: NewStudyArea("Modena", boundary), today: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}

	b.Run("validate", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			rows, err := OpenRows(path, "s.csv", tabular.Options{}, src.Required())
			if err != nil {
				b.Fatal(err)
			}
			for {
				r, problem, err := rows.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if problem != nil || err != nil {
					b.Fatal(problem, err)
				}
				if _, probs := v.validate(r); len(probs) > 0 {
					b.Fatal(probs)
				}
			}
			rows.Close()
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("read-lines-baseline", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			rows, _ := OpenRows(path, "s.csv", tabular.Options{}, src.Required())
			for {
				if _, _, err := rows.Next(); errors.Is(err, io.EOF) {
					break
				}
			}
			rows.Close()
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
