// Package tabular reads the tabular exports that public agencies send — CSV
// in whatever encoding and delimiter, or xlsx workbooks — as one stream of
// records, each with the physical line (CSV) or row (xlsx) where it starts.
//
// It is the front of the ingest pipeline: memory stays bounded whatever the
// file size (CSV is parsed line by line from a buffered reader; xlsx rows are
// streamed by excelize), and the CSV path reads well over a million simple
// rows per second.
//
// Every error is a *Error located at file and line, e.g.
//
//	agenzia.csv:57::unterminated quoted field (file truncated?)
//	x.csv:3::7 fields, header has 9
//
// A typical loop:
//
//	r, err := tabular.Open(path, tabular.Options{})
//	if err != nil { return err }
//	defer r.Close()
//	for {
//		rec, err := r.Next()
//		if err == io.EOF { break }
//		var te *tabular.Error
//		if errors.As(err, &te) && !te.Fatal { report(te); continue }
//		if err != nil { return err }
//		use(rec.Line, rec.Fields)
//	}
package tabular

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Options tell the reader what detection cannot, or should not, guess.
type Options struct {
	// Encoding of a CSV file: "" detects it (UTF-8 when the head of the file
	// is valid UTF-8, else Windows-1252); "utf-8", "windows-1252" (alias
	// "cp1252") or "latin-1" (alias "iso-8859-1") impose it.
	Encoding string
	// Delimiter of a CSV file: 0 detects it among ';', ',', '\t' and '|' on
	// the header line.
	Delimiter rune
	// Sheet of an xlsx workbook: "" is the first sheet.
	Sheet string
}

// Record is one data record.
type Record struct {
	// Line is the 1-based physical line (CSV) or row number (xlsx) where the
	// record starts.
	Line int
	// Fields holds the cells, as many as the header has. The slice is reused
	// by the next call to Next: copy it to keep it (the strings themselves
	// stay valid). Fields keep their spaces; nothing is trimmed.
	Fields []string
}

// Error is a located problem in a file. Line 0 means the file as a whole.
type Error struct {
	File   string
	Line   int
	Reason string
	// Fatal tells that reading cannot go on: Next returns this error again.
	// A non-fatal error concerns one record only, and the next call to Next
	// reads the following record.
	Fatal bool
	// Err is the underlying cause, if any, for errors.Is and errors.As.
	Err error
}

// Error formats the error as "file:line::reason".
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d::%s", e.File, e.Line, e.Reason)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// source is a format-specific record stream. next returns io.EOF at the end
// and otherwise only *Error; its field slice may be reused across calls.
type source interface {
	next() (fields []string, line int, err error)
	format() string
	bytesRead() int64
	close() error
}

// Reader streams the records of one file, its header apart.
type Reader struct {
	name   string
	src    source
	header []string
	// padShort pads records shorter than the header with "" (xlsx omits
	// trailing empty cells); otherwise a short record is an error.
	padShort bool
	fields   []string
	err      error // sticky: io.EOF or a fatal *Error
}

// Open opens a file, as xlsx when its content is a zip archive or its name
// ends in .xlsx/.xlsm, else as CSV. Errors name the file by its base name.
func Open(path string, opt Options) (*Reader, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: name, Reason: "cannot open: " + causeText(err), Fatal: true, Err: err}
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if isXLSX(head, path) {
		_ = f.Close()
		return openXLSX(path, name, head, opt)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		_ = f.Close()
		return nil, &Error{File: name, Reason: "cannot read: " + causeText(err), Fatal: true, Err: err}
	}
	r, err := newCSV(f, f, name, opt)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return r, nil
}

// NewCSV reads CSV from r; name is the file name used in errors. It reads
// the header before returning. Close does not close r.
func NewCSV(r io.Reader, name string, opt Options) (*Reader, error) {
	return newCSV(r, nil, name, opt)
}

func newCSV(r io.Reader, closer io.Closer, name string, opt Options) (*Reader, error) {
	src, err := newCSVSource(r, closer, name, opt)
	if err != nil {
		return nil, err
	}
	return newReader(name, src, false)
}

// newReader reads the header: the first non-empty record.
func newReader(name string, src source, padShort bool) (*Reader, error) {
	fields, _, err := src.next()
	if err == io.EOF {
		err = &Error{File: name, Reason: "empty file", Fatal: true}
	}
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Fatal = true
			if !strings.HasPrefix(e.Reason, "header: ") && e.Line > 0 {
				e.Reason = "header: " + e.Reason
			}
		}
		_ = src.close()
		return nil, err
	}
	header := slices.Clone(fields)
	header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	return &Reader{name: name, src: src, header: header, padShort: padShort}, nil
}

// Header returns the first non-empty record, raw (only a byte-order mark is
// stripped). The caller must not modify it.
func (r *Reader) Header() []string { return r.header }

// Next returns the next data record, or io.EOF after the last one. A
// non-fatal *Error (Fatal false) concerns one record — too many or too few
// fields, invalid UTF-8, a stray quote — and Next may be called again to read
// the following record; a fatal error (Fatal true) is returned again by every
// later call. Empty lines and records whose fields are all empty are skipped.
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	fields, line, err := r.src.next()
	if err != nil {
		var e *Error
		if err == io.EOF || !errors.As(err, &e) || e.Fatal {
			r.err = err
		}
		return Record{Line: line}, err
	}
	fields, err = r.fit(fields, line)
	if err != nil {
		return Record{Line: line}, err
	}
	return Record{Line: line, Fields: fields}, nil
}

// fit checks a record against the header width: extra fields are tolerated
// only when empty (a trailing delimiter, a stray formatted cell), and short
// records are padded for xlsx only.
func (r *Reader) fit(fields []string, line int) ([]string, error) {
	want := len(r.header)
	switch {
	case len(fields) > want:
		for _, f := range fields[want:] {
			if f != "" {
				return nil, r.recordError(line, fmt.Sprintf("%d fields, header has %d", len(fields), want))
			}
		}
		return fields[:want], nil
	case len(fields) < want && r.padShort:
		r.fields = append(r.fields[:0], fields...)
		for len(r.fields) < want {
			r.fields = append(r.fields, "")
		}
		return r.fields, nil
	case len(fields) < want:
		return nil, r.recordError(line, fmt.Sprintf("%d fields, header has %d", len(fields), want))
	}
	return fields, nil
}

func (r *Reader) recordError(line int, reason string) *Error {
	return &Error{File: r.name, Line: line, Reason: reason}
}

// Format describes what was read, for reports: "csv(;) utf-8-bom",
// "csv(tab) windows-1252", "csv(none) utf-8" (single column),
// "xlsx:Infortuni". The encoding of a CSV file whose head is pure ASCII is
// settled by the first non-ASCII line, so Format is final only at the end.
func (r *Reader) Format() string { return r.src.format() }

// BytesRead tells how far reading has gone, for progress bars: for CSV the
// bytes of the underlying input consumed so far; for xlsx, whose sheet is
// compressed, the number of rows read.
func (r *Reader) BytesRead() int64 { return r.src.bytesRead() }

// Close releases the file (for Open) and any temporary file. It does not
// close the io.Reader given to NewCSV.
func (r *Reader) Close() error {
	if r.err == nil {
		r.err = &Error{File: r.name, Reason: "reader closed", Fatal: true}
	}
	return r.src.close()
}

// causeText is the message of err without the path that os errors repeat.
func causeText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
