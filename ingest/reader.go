package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// row is one record of an export, its fields addressed by column name.
type row struct {
	line   int
	fields []string
	index  map[string]int
}

func (r row) get(column string) string {
	i, ok := r.index[column]
	if !ok {
		return ""
	}
	return strings.TrimSpace(r.fields[i])
}

// rowReader reads a ;-separated export with a header line.
type rowReader struct {
	name  string
	csv   *csv.Reader
	index map[string]int
	width int
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// newRowReader reads the header and checks it names every required column.
func newRowReader(r io.Reader, name string, required []string) (*rowReader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if head, err := br.Peek(3); err == nil && bytes.Equal(head, utf8BOM) {
		_, _ = br.Discard(3)
	}
	c := csv.NewReader(br)
	c.Comma = ';'
	c.ReuseRecord = true
	header, err := c.Read()
	if errors.Is(err, io.EOF) {
		return nil, &RejectedError{Problems: []Problem{{name, 0, "", "empty file: no header line"}}, Total: 1}
	}
	if err != nil {
		return nil, &RejectedError{Problems: []Problem{{name, 1, "", "unreadable header: " + csvReason(err)}}, Total: 1}
	}
	rr := &rowReader{name: name, csv: c, index: make(map[string]int, len(header)), width: len(header)}
	for i, h := range header {
		rr.index[strings.ToUpper(strings.TrimSpace(h))] = i
	}
	var problems problemList
	for _, col := range required {
		if _, ok := rr.index[col]; !ok {
			problems.add(Problem{name, 1, col, "missing column"})
		}
	}
	if len(header) == 1 {
		problems.add(Problem{name, 1, "", "only one column: the file is not ;-separated"})
	}
	if err := problems.err(); err != nil {
		return nil, err
	}
	return rr, nil
}

// next returns the next record, io.EOF at the end, or a Problem for a malformed record.
func (rr *rowReader) next() (row, *Problem, error) {
	fields, err := rr.csv.Read()
	if errors.Is(err, io.EOF) {
		return row{}, nil, io.EOF
	}
	line, _ := rr.csv.FieldPos(0)
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return row{}, &Problem{rr.name, pe.StartLine, "", fmt.Sprintf("%d fields, header has %d", len(fields), rr.width)}, nil
		}
		return row{}, &Problem{rr.name, pe.StartLine, "", csvReason(err)}, nil
	}
	if err != nil {
		return row{}, nil, fmt.Errorf("%s: read: %w", rr.name, err)
	}
	for i, f := range fields {
		if !utf8.ValidString(f) {
			return row{}, &Problem{rr.name, line, rr.columnName(i), "not valid UTF-8: the file's encoding is wrong"}, nil
		}
	}
	return row{line: line, fields: fields, index: rr.index}, nil, nil
}

func (rr *rowReader) columnName(i int) string {
	for name, j := range rr.index {
		if i == j {
			return name
		}
	}
	return fmt.Sprintf("column %d", i+1)
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
