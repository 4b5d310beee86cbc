package population_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/ingest/population"
)

// FuzzLoad feeds arbitrary register files to the loader, against one database: it must never
// panic, and each load either stores exactly the residents it reports, or changes nothing and
// says why (a located rejection, or the file already loaded).
func FuzzLoad(f *testing.F) {
	good := content(fixture())
	for _, s := range []string{
		good,
		strings.Replace(good, "ITALIANA", "italiana", 1),
		strings.Replace(good, "44,630000", "NaN", 1),
		strings.Replace(good, "10,950000", "+Inf", 1),
		strings.Replace(good, ";F1;", ";;", 1),
		header + fixture()[0].line() + fixture()[0].line(),
		header,
		"",
		"CODICE_FISCALE\nRSSMRA80A01F257X\n",
		header + "\"" + strings.TrimSuffix(fixture()[1].line(), "\n") + "\n;;\n",
	} {
		f.Add([]byte(s))
	}
	e := setup(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		before := e.state(t)
		n, err := e.loader.Load(ctx, e.write(t, "anagrafe.csv", string(data)))
		if err != nil {
			if after := e.state(t); after != before {
				t.Fatalf("a failed load (%v) changed the database", err)
			}
			var rej *ingest.RejectedError
			if errors.As(err, &rej) {
				for _, p := range rej.Problems {
					if p.File != "anagrafe.csv" || p.Line < 0 || p.Reason == "" {
						t.Fatalf("problem not located: %+v", p)
					}
				}
			}
			return
		}
		var stored, placed, badSections, unknownSections int
		err = e.db.QueryRow(ctx, `SELECT count(*), count(h3_cell), count(*) FILTER (WHERE section_id IS NOT NULL AND h3_cell IS NULL),
			count(*) FILTER (WHERE section_id IS NOT NULL AND section_id NOT IN (SELECT id FROM census_sections))
			FROM residents r WHERE batch_id = (SELECT id FROM ingest_batches WHERE source = $1 AND status = 'active')`, population.Source).
			Scan(&stored, &placed, &badSections, &unknownSections)
		if err != nil {
			t.Fatal(err)
		}
		var all int
		if err := e.db.QueryRow(ctx, `SELECT count(*) FROM residents`).Scan(&all); err != nil {
			t.Fatal(err)
		}
		if n == 0 || stored != n || all != n || badSections != 0 || unknownSections != 0 {
			t.Fatalf("load reported %d residents; the active batch holds %d of %d stored, %d in a section without a cell, %d in unknown sections",
				n, stored, all, badSections, unknownSections)
		}
	})
}
