package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/abitare/abitare/ingest/source"
	"github.com/abitare/abitare/ingest/tabular"
)

// Row is one record of an export, its fields addressed by canonical column name.
type Row struct {
	line   int
	fields []string
	index  map[string]int
}

// Line is the line (or spreadsheet row) where the record starts.
func (r Row) Line() int { return r.line }

// Get returns the trimmed value of a column, "" when the file has no such column.
func (r Row) Get(column string) string {
	i, ok := r.index[column]
	if !ok || i >= len(r.fields) {
		return ""
	}
	return strings.TrimSpace(r.fields[i])
}

// Rows reads the records of one export whose header names every required column.
type Rows struct {
	name  string
	tab   *tabular.Reader
	index map[string]int
}

// OpenRows opens a CSV or xlsx export and checks its header: column names are normalised
// (source.NormaliseHeader) so that "Cod. Fiscale" finds CODICE_FISCALE.
func OpenRows(path, name string, opt tabular.Options, required []string) (*Rows, error) {
	tab, err := tabular.Open(path, opt)
	if err != nil {
		return nil, asRejection(err, name)
	}
	rs := &Rows{name: name, tab: tab, index: map[string]int{}}
	if err := rs.readHeader(required); err != nil {
		tab.Close()
		return nil, err
	}
	return rs, nil
}

func (rs *Rows) readHeader(required []string) error {
	header := rs.tab.Header()
	var problems []Problem
	for i, h := range header {
		col := source.NormaliseHeader(h)
		if col == "" {
			continue
		}
		if j, dup := rs.index[col]; dup {
			problems = append(problems, Problem{rs.name, 1, col, fmt.Sprintf("columns %d (%q) and %d (%q) both mean %s", j+1, header[j], i+1, h, col)})
			continue
		}
		rs.index[col] = i
	}
	var missing []string
	for _, col := range required {
		if _, ok := rs.index[col]; !ok {
			missing = append(missing, col)
			problems = append(problems, Problem{rs.name, 1, col, "missing column"})
		}
	}
	if len(missing) > 0 && len(header) == 1 {
		problems = append(problems, Problem{rs.name, 1, "", "only one column: the delimiter is not one of ; , tab |"})
	}
	if len(missing) > 0 {
		if other := rs.lookalike(); other != "" {
			problems = append(problems, Problem{rs.name, 1, "", "this looks like a file of source " + other})
		}
	}
	if len(problems) > 0 {
		return Reject(problems)
	}
	return nil
}

// lookalike names another source whose required columns the header has: the usual mistake of
// loading a partner's file under the wrong --source.
func (rs *Rows) lookalike() string {
	for _, s := range source.All() {
		match := true
		for _, col := range s.Required() {
			if _, ok := rs.index[col]; !ok {
				match = false
				break
			}
		}
		if match {
			return s.Name
		}
	}
	return ""
}

// Next returns the next record, io.EOF at the end, or a Problem for a malformed record (after
// which reading goes on). Any other error is fatal.
func (rs *Rows) Next() (Row, *Problem, error) {
	rec, err := rs.tab.Next()
	if errors.Is(err, io.EOF) {
		return Row{}, nil, io.EOF
	}
	var te *tabular.Error
	if errors.As(err, &te) {
		p := Problem{File: rs.name, Line: te.Line, Reason: te.Reason}
		if te.Fatal {
			return Row{}, &p, io.EOF // the file cannot be read further; the problem says why
		}
		return Row{}, &p, nil
	}
	if err != nil {
		return Row{}, nil, fmt.Errorf("%s: read: %w", rs.name, err)
	}
	return Row{line: rec.Line, fields: rec.Fields, index: rs.index}, nil, nil
}

// Format says how the file was read, e.g. "csv(;) utf-8-bom".
func (rs *Rows) Format() string { return rs.tab.Format() }

// ReadAll reads every record of a small export whole (a register, an index): parse turns a row
// into an entry with its problems. The load is all or nothing: any problem, in the file or in a
// row, rejects it with every problem located, and so does a file with no record.
func ReadAll[T any](path, name string, opt tabular.Options, required []string, parse func(Row) (T, []Problem)) ([]T, error) {
	rows, err := OpenRows(path, name, opt, required)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var problems []Problem
	var entries []T
	for {
		r, problem, err := rows.Next()
		if problem != nil {
			problems = append(problems, *problem)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if problem != nil {
			continue
		}
		e, errs := parse(r)
		problems = append(problems, errs...)
		entries = append(entries, e)
	}
	if len(problems) > 0 {
		return nil, Reject(problems)
	}
	if len(entries) == 0 {
		return nil, Reject([]Problem{{File: name, Reason: "no records after the header"}})
	}
	return entries, nil
}

// BytesRead tells how far reading has gone, for progress.
func (rs *Rows) BytesRead() int64 { return rs.tab.BytesRead() }

// Close releases the file.
func (rs *Rows) Close() error { return rs.tab.Close() }

// Reject returns the error that rejects a load for these problems.
func Reject(problems []Problem) error {
	var l problemList
	for _, p := range problems {
		l.add(p)
	}
	return l.err()
}

// asRejection turns a located reading error into a rejection, keeping others as they are.
func asRejection(err error, name string) error {
	var te *tabular.Error
	if errors.As(err, &te) {
		return Reject([]Problem{{File: te.File, Line: te.Line, Reason: te.Reason}})
	}
	return fmt.Errorf("%s: %w", name, err)
}
