package ingest_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/abitare/abitare/ingest/tabular"
)

// TestBrokenFilesCorpus loads each file of testdata/broken as a partner would send it and checks
// the whole report, line by line, and that the database is unchanged.
func TestBrokenFilesCorpus(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if _, err := f.loader.Load(ctx, socialServices, []string{filepath.Join("testdata", "broken", "good.csv")}); err != nil {
		t.Fatalf("good.csv: %v", err)
	}
	for _, c := range []struct {
		file     string
		encoding string
		want     string
	}{
		{"utf16.csv", "", "load rejected, nothing stored: 1 problem(s)\n  utf16.csv:0::UTF-16 file: save it as UTF-8 or Windows-1252"},
		{"windows1252.csv", "utf-8", "load rejected, nothing stored: 1 problem(s)\n  windows1252.csv:2::not valid UTF-8 (use --encoding windows-1252)"},
		{"missing_columns.csv", "", "load rejected, nothing stored: 1 problem(s)\n  missing_columns.csv:1:TIPO_INTERVENTO:missing column"},
		{"truncated.csv", "", "load rejected, nothing stored: 1 problem(s)\n  truncated.csv:3::unterminated quoted field (file truncated?)"},
		{"swapped_coordinates.csv", "", "load rejected, nothing stored: 1 problem(s)\n  swapped_coordinates.csv:3:LATITUDINE:latitude and longitude are swapped"},
		{"outside_area.csv", "", "load rejected, nothing stored: 2 problem(s)\n  outside_area.csv:2:LATITUDINE:point outside the study area (comune di Modena)\n  outside_area.csv:3:LATITUDINE:point outside the study area (comune di Modena)"},
		{"fiscal_codes.csv", "", "load rejected, nothing stored: 4 problem(s)\n" +
			"  fiscal_codes.csv:2:CODICE_FISCALE:invalid fiscal code: check character is E, want D\n" +
			"  fiscal_codes.csv:3:CODICE_FISCALE:invalid fiscal code: position 9: month letter Z not in ABCDEHLMPRST\n" +
			"  fiscal_codes.csv:4:CODICE_FISCALE:missing fiscal code\n" +
			"  fiscal_codes.csv:5:CODICE_FISCALE:invalid fiscal code: length 15, want 16: wrong length"},
		{"dates.csv", "", "load rejected, nothing stored: 2 problem(s)\n  dates.csv:2:DATA_INIZIO:15/01/2031 is in the future\n  dates.csv:3:DATA_FINE:ends before it starts"},
		{"empty.csv", "", "load rejected, nothing stored: 1 problem(s)\n  empty.csv:0::empty file"},
		{"housing_office_file.csv", "", "load rejected, nothing stored: 3 problem(s)\n" +
			"  housing_office_file.csv:1:TIPO_INTERVENTO:missing column\n  housing_office_file.csv:1:DATA_INIZIO:missing column\n" +
			"  housing_office_file.csv:1::this looks like a file of source housing_office"},
		{"fields.csv", "", "load rejected, nothing stored: 4 problem(s)\n  fields.csv:2::10 fields, header has 11\n" +
			"  fields.csv:3:TIPO_INTERVENTO:unknown code \"BUONO_SPESA\", want one of CONTRIBUTO_AFFITTO, CONTRIBUTO_ECONOMICO, EMERGENZA_ABITATIVA, SOSTEGNO_EDUCATIVO_MINORI\n" +
			"  fields.csv:3:IMPORTO_EURO:\"9,50,0\" is not a number (want 1.234,56)\n  fields.csv:3:NUM_COMPONENTI:\"0\" is not a whole number within 1..30"},
	} {
		t.Run(c.file, func(t *testing.T) {
			before := f.state(t)
			f.loader.Options = tabular.Options{Encoding: c.encoding}
			defer func() { f.loader.Options = tabular.Options{} }()
			_, err := f.loader.Load(ctx, socialServices, []string{filepath.Join("testdata", "broken", c.file)})
			if err == nil || err.Error() != c.want {
				t.Errorf("got:\n%v\nwant:\n%s", err, c.want)
			}
			if f.state(t) != before {
				t.Error("database changed")
			}
		})
	}
}

func TestCorpusFilesThatLoad(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	res, err := f.loader.Load(ctx, socialServices, []string{filepath.Join("testdata", "broken", "duplicate_rows.csv")})
	if err != nil || res[0].RowsRead != 3 || res[0].RowsAccepted != 2 || res[0].RowsDuplicate != 1 {
		t.Fatalf("duplicate rows: %+v, %v", res, err)
	}
	res, err = f.loader.Load(ctx, socialServices, []string{filepath.Join("testdata", "broken", "embedded_newline.csv")})
	if err != nil || res[0].RowsRead != 2 {
		t.Fatalf("embedded newline: %+v, %v", res, err)
	}
	// The Windows-1252 file loads when its encoding is detected rather than wrongly declared.
	res, err = f.loader.Load(ctx, socialServices, []string{filepath.Join("testdata", "broken", "windows1252.csv")})
	if err != nil || res[0].RowsRead != 1 || res[0].Format != "csv(;) windows-1252" {
		t.Fatalf("windows-1252: %+v, %v", res, err)
	}
}
