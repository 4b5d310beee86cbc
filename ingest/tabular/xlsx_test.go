package tabular

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// writeWorkbook builds a small workbook like the agencies send: a date cell
// in Excel's default short-date format, one in a custom dd/mm/yyyy format, a
// date typed as text, numbers with decimals, a row missing its trailing cells,
// an empty row and a row with a cell beyond the header.
func writeWorkbook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Infortuni"))
	_, err := f.NewSheet("Foglio2")
	must(err)
	short, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // locale short date
	must(err)
	custom := "dd/mm/yyyy"
	ddmmyyyy, err := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	must(err)
	stamp, err := f.NewStyle(&excelize.Style{NumFmt: 22}) // short date and time
	must(err)
	date := time.Date(2025, 3, 7, 0, 0, 0, 0, time.UTC)
	sh := "Infortuni"
	rows := [][]any{
		{"DATA", "DATA_TESTO", "IMPORTO", "NOTE", "CODICE"},
		{date, "07/03/2025", 1234.5678, "prima", 42},
		{date, "08/03/2025", 0.1},
		nil,
		{date, "09/03/2025", -3.25, "", "X", nil, "oltre"},
		{date.Add(14*time.Hour + 30*time.Minute), "10/03/2025", 1e-7, "ultima", "Z9"},
	}
	for i, row := range rows {
		for j, v := range row {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			must(f.SetCellValue(sh, cell, v))
		}
	}
	must(f.SetCellStyle(sh, "A2", "A2", short))
	must(f.SetCellStyle(sh, "A3", "A3", ddmmyyyy))
	must(f.SetCellStyle(sh, "A5", "A5", short))
	must(f.SetCellStyle(sh, "A6", "A6", stamp))
	must(f.SetCellValue("Foglio2", "A1", "ALTRO"))
	path := filepath.Join(t.TempDir(), "infortuni.xlsx")
	must(f.SaveAs(path))
	return path
}

func TestXLSX(t *testing.T) {
	path := writeWorkbook(t)
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := strings.Join(r.Header(), "|"); got != "DATA|DATA_TESTO|IMPORTO|NOTE|CODICE" {
		t.Errorf("header %q", got)
	}
	want := []string{
		"2:07/03/2025|07/03/2025|1234.5678|prima|42",
		"3:07/03/2025|08/03/2025|0.1||",
		"ERR infortuni.xlsx:5::7 fields, header has 5",
		"6:07/03/2025 14:30|10/03/2025|0.0000001|ultima|Z9",
	}
	if got := drain(t, r); !slices.Equal(got, want) {
		t.Errorf("records\n got %q\nwant %q", got, want)
	}
	if r.Format() != "xlsx:Infortuni" {
		t.Errorf("format %q", r.Format())
	}
	if r.BytesRead() != 6 {
		t.Errorf("BytesRead %d, want 6 rows", r.BytesRead())
	}
}

func TestXLSXSheet(t *testing.T) {
	path := writeWorkbook(t)
	r, err := Open(path, Options{Sheet: "foglio2"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Format() != "xlsx:Foglio2" || r.Header()[0] != "ALTRO" {
		t.Errorf("format %q header %q", r.Format(), r.Header())
	}
	r.Close()

	_, err = Open(path, Options{Sheet: "Foo"})
	want := `infortuni.xlsx:0::no sheet "Foo"; sheets are Infortuni, Foglio2`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

func TestNotXLSX(t *testing.T) {
	dir := t.TempDir()
	zipCSV := filepath.Join(dir, "dati.csv")
	if err := os.WriteFile(zipCSV, []byte("PK\x03\x04not really a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	xls := filepath.Join(dir, "vecchio.xls")
	if err := os.WriteFile(xls, append(slices.Clone(oleMagic), make([]byte, 512)...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, prefix string }{
		{filepath.Join("testdata", "not_xlsx.xlsx"), "not_xlsx.xlsx:0::not an xlsx workbook: "},
		{zipCSV, "dati.csv:0::not an xlsx workbook: "},
		{xls, "vecchio.xls:0::not an xlsx workbook: legacy .xls"},
	} {
		_, err := Open(tt.path, Options{})
		var e *Error
		if !errors.As(err, &e) || !e.Fatal || !strings.HasPrefix(err.Error(), tt.prefix) {
			t.Errorf("Open(%s): %v, want prefix %q", tt.path, err, tt.prefix)
		}
	}
}
