package tabular

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

var (
	zipMagic = []byte("PK\x03\x04")
	// oleMagic starts legacy .xls files and password-protected workbooks.
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// isXLSX tells whether a file should be read as a workbook: a zip archive,
// an OLE compound file (legacy .xls, refused with a clear error), or a name
// ending in .xlsx or .xlsm. Whether it really has an xlsx structure is for
// newXLSXSource to find out. A .xls file holding text (some portals export
// tab-separated text under that name) reads as CSV.
func isXLSX(head []byte, path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		return true
	}
	return bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, oleMagic)
}

// xlsxSource streams the rows of one sheet with excelize's row iterator,
// which keeps memory bounded (large sheets are unzipped to a temporary file).
// Cells come formatted as Excel shows them, dates in dd/mm/yyyy whenever
// their format is the locale's short date.
type xlsxSource struct {
	name  string
	sheet string
	file  *excelize.File
	rows  *excelize.Rows
	row   int // the current row number
}

// xlsxOptions makes Excel's locale-dependent short date (built-in formats 14
// and 22) come out the Italian way, dd/mm/yyyy, instead of excelize's m-d-yy.
var xlsxOptions = excelize.Options{ShortDatePattern: "dd/mm/yyyy"}

func openXLSX(path, name string, head []byte, opt Options) (*Reader, error) {
	src, err := newXLSXSource(path, name, head, opt.Sheet)
	if err != nil {
		return nil, err
	}
	return newReader(name, src, true)
}

// newXLSXSource opens the sheet; head is the start of the file.
func newXLSXSource(path, name string, head []byte, sheet string) (*xlsxSource, error) {
	fail := func(reason string, err error) (*xlsxSource, error) {
		return nil, &Error{File: name, Reason: reason, Fatal: true, Err: err}
	}
	if bytes.HasPrefix(head, oleMagic) {
		return fail("not an xlsx workbook: legacy .xls or password-protected file; save it as .xlsx (no password) or CSV", nil)
	}
	f, err := excelize.OpenFile(path, xlsxOptions)
	if err != nil {
		return fail("not an xlsx workbook: "+causeText(err), err)
	}
	s := &xlsxSource{name: name, file: f}
	if s.sheet, err = pickSheet(f.GetSheetList(), sheet); err != nil {
		_ = f.Close()
		return fail(err.Error(), err)
	}
	if s.rows, err = f.Rows(s.sheet); err != nil {
		_ = f.Close()
		return fail(fmt.Sprintf("cannot read sheet %q: %v", s.sheet, err), err)
	}
	return s, nil
}

// pickSheet finds the wanted sheet (case-insensitively, as Excel does), or
// the first one.
func pickSheet(sheets []string, want string) (string, error) {
	if len(sheets) == 0 {
		return "", fmt.Errorf("not an xlsx workbook: no worksheet found")
	}
	if want == "" {
		return sheets[0], nil
	}
	for _, s := range sheets {
		if strings.EqualFold(s, want) {
			return s, nil
		}
	}
	return "", fmt.Errorf("no sheet %q; sheets are %s", want, strings.Join(sheets, ", "))
}

// next returns the next row with a non-empty cell. excelize's iterator visits
// every row number in turn, absent rows included, so counting calls gives
// the row number.
func (s *xlsxSource) next() ([]string, int, error) {
	for s.rows.Next() {
		s.row++
		cells, err := s.rows.Columns()
		if err != nil {
			return nil, s.row, &Error{File: s.name, Line: s.row, Reason: "cannot read row: " + err.Error(), Fatal: true, Err: err}
		}
		if !allEmpty(cells) {
			return cells, s.row, nil
		}
	}
	if err := s.rows.Error(); err != nil {
		return nil, s.row, &Error{File: s.name, Line: s.row, Reason: "cannot read sheet: " + err.Error(), Fatal: true, Err: err}
	}
	return nil, 0, io.EOF
}

func (s *xlsxSource) format() string   { return "xlsx:" + s.sheet }
func (s *xlsxSource) bytesRead() int64 { return int64(s.row) }

func (s *xlsxSource) close() error {
	if s.file == nil {
		return nil
	}
	err := s.rows.Close()
	if cerr := s.file.Close(); err == nil {
		err = cerr
	}
	s.file = nil
	if err != nil {
		return &Error{File: s.name, Reason: "close: " + err.Error(), Err: err}
	}
	return nil
}
