// Package census reads ISTAT's table of census variables per census section
// — "Dati per sezioni di censimento", 2011 (R08_indicatori_2011_sezioni.csv)
// or 2021 — into residents and households by section id.
//
// The file is CSV separated by ';' (or ',' when the header line has no ';'),
// with or without double quotes, in UTF-8 (with or without a byte-order
// mark) or Latin-1: the reading is ingest/tabular's, which takes the file as
// UTF-8 when it is valid UTF-8 and as Windows-1252 otherwise (a superset of
// ISO-8859-1 for every printable character). Header names are matched
// without regard to case or surrounding spaces:
//
//   - the section id: SEZ2011 (2011), SEZ21_ID (2021), or else SEZ21 or SEZ,
//     the first found in that order;
//   - P1, residents;
//   - PF1, households (optional: Section.HasHouseholds tells);
//   - PRO_COM, the municipality (optional), padded to six digits.
//
// Section ids are kept as the digits written in the file (a 2011 id such as
// 360230000001 has twelve), never through a number: an id in scientific
// notation or with decimals, as a spreadsheet may have saved it, is an
// error, as are a repeated id and a count that is empty, negative or not a
// whole number.
//
// Reading stops at the first problem, a *Error located at file, line and
// column (the 1-based field):
//
//	R08_indicatori_2011_sezioni.csv:17:1: section id "3,60230E+11" is not written in digits
//	R08_indicatori_2011_sezioni.csv:18:5: P1 "-3" is not a whole number of people
//
// Usage:
//
//	sections, err := census.Read("R08_indicatori_2011_sezioni.csv")
//	if err != nil { return err }
//	s, ok := sections["360230000001"]
package census

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/abitare/abitare/ingest/tabular"
)

// Section holds the census variables of one section.
type Section struct {
	// Residents is P1, the resident population.
	Residents int
	// Households is PF1, the resident households, when HasHouseholds.
	Households    int
	HasHouseholds bool
	// Municipality is PRO_COM as six digits, "" when the file has no
	// PRO_COM column.
	Municipality string
}

// KeyColumns are the names of the section id column, in order of
// preference.
var KeyColumns = []string{"SEZ2011", "SEZ21_ID", "SEZ21", "SEZ"}

// Error is a located problem in a census file. Line 0 means the file as a
// whole, Column 0 the line as a whole.
type Error struct {
	File   string
	Line   int
	Column int
	Reason string
	Err    error
}

// Error formats the error as "file:line:column: reason".
func (e *Error) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Reason)
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Reason)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Read reads a census file; errors name it by its base name.
func Read(path string) (map[string]Section, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		reason := err.Error()
		if errors.As(err, &pe) {
			reason = pe.Err.Error()
		}
		return nil, &Error{File: name, Reason: "cannot open: " + reason, Err: err}
	}
	defer f.Close()
	return Parse(f, name)
}

// Parse reads a census table from r; name is the file name used in errors.
func Parse(r io.Reader, name string) (map[string]Section, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(64 << 10)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, &Error{File: name, Reason: "cannot read: " + err.Error(), Err: err}
	}
	delim := ','
	if bytes.IndexByte(firstLine(head), ';') >= 0 {
		delim = ';'
	}
	tr, err := tabular.NewCSV(br, name, tabular.Options{Delimiter: delim})
	if err != nil {
		return nil, fromTabular(err)
	}
	defer tr.Close()

	cols := map[string]int{}
	for i, h := range tr.Header() {
		key := strings.ToUpper(strings.TrimSpace(strings.Trim(strings.TrimSpace(h), `"`)))
		if _, dup := cols[key]; dup && key != "" {
			return nil, &Error{File: name, Line: 1, Column: i + 1, Reason: fmt.Sprintf("header: column %s appears twice", key)}
		}
		cols[key] = i
	}
	keyCol, keyName := -1, ""
	for _, k := range KeyColumns {
		if i, ok := cols[k]; ok {
			keyCol, keyName = i, k
			break
		}
	}
	if keyCol < 0 {
		return nil, &Error{File: name, Line: 1, Reason: fmt.Sprintf("header: no section id column (%s); the header has %s", strings.Join(KeyColumns, ", "), headerList(tr.Header()))}
	}
	p1, ok := cols["P1"]
	if !ok {
		return nil, &Error{File: name, Line: 1, Reason: fmt.Sprintf("header: no P1 column (residents); the header has %s", headerList(tr.Header()))}
	}
	pf1, hasPF1 := cols["PF1"]
	proCom, hasProCom := cols["PRO_COM"]

	out := map[string]Section{}
	firstLineOf := map[string]int{}
	for {
		rec, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fromTabular(err)
		}
		fail := func(col int, format string, args ...any) error {
			return &Error{File: name, Line: rec.Line, Column: col + 1, Reason: fmt.Sprintf(format, args...)}
		}
		id := strings.TrimSpace(rec.Fields[keyCol])
		if id == "" {
			return nil, fail(keyCol, "%s is empty", keyName)
		}
		if !allDigits(id) {
			return nil, fail(keyCol, "section id %q is not written in digits (a number saved in scientific notation or with decimals loses digits: export the column as text)", clip(id))
		}
		if l, dup := firstLineOf[id]; dup {
			return nil, fail(keyCol, "section %s appears twice (first on line %d)", id, l)
		}
		firstLineOf[id] = rec.Line
		var s Section
		if s.Residents, err = count(rec.Fields[p1]); err != nil {
			return nil, fail(p1, "P1 %v", err)
		}
		if hasPF1 {
			if s.Households, err = count(rec.Fields[pf1]); err != nil {
				return nil, fail(pf1, "PF1 %v", err)
			}
			s.HasHouseholds = true
		}
		if hasProCom {
			m := strings.TrimSpace(rec.Fields[proCom])
			if !allDigits(m) || len(m) > 6 {
				return nil, fail(proCom, "PRO_COM %q is not a municipality code of up to six digits", clip(m))
			}
			s.Municipality = strings.Repeat("0", 6-len(m)) + m
		}
		out[id] = s
	}
	if len(out) == 0 {
		return nil, &Error{File: name, Reason: "no sections: the file has a header and nothing else"}
	}
	return out, nil
}

// count parses a non-negative whole number.
func count(s string) (int, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, errors.New("is empty")
	}
	if !allDigits(t) {
		return 0, fmt.Errorf("%q is not a whole number of people", clip(t))
	}
	n, err := strconv.Atoi(t)
	if err != nil || n > 1<<40 {
		return 0, fmt.Errorf("%q is too large", clip(t))
	}
	return n, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// firstLine returns the first non-empty line of head.
func firstLine(head []byte) []byte {
	head = bytes.TrimLeft(head, "\r\n")
	if i := bytes.IndexAny(head, "\r\n"); i >= 0 {
		return head[:i]
	}
	return head
}

func headerList(h []string) string {
	if len(h) > 12 {
		return strings.Join(h[:12], ", ") + fmt.Sprintf("... (%d columns)", len(h))
	}
	return strings.Join(h, ", ")
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// fromTabular converts a tabular error to a census error.
func fromTabular(err error) error {
	var te *tabular.Error
	if errors.As(err, &te) {
		return &Error{File: te.File, Line: te.Line, Reason: te.Reason, Err: err}
	}
	return err
}
