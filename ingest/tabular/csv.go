package tabular

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

const (
	// bufSize is the read buffer; the detection window must fit in it.
	bufSize = 128 << 10
	// headSize is how much of the file detection looks at.
	headSize = 64 << 10
	// maxRecord bounds the memory one record may take: past it, a quote
	// was most likely never closed.
	maxRecord = 64 << 20
)

// countingReader counts the bytes read from the underlying input.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// csvSource parses CSV (RFC 4180 quoting) line by line. Lines come from
// bufio.Reader.ReadSlice without copying; a record without quotes costs one
// string allocation, its fields being substrings of it.
type csvSource struct {
	name   string
	in     *countingReader
	br     *bufio.Reader
	closer io.Closer
	delim  byte
	enc    encoding
	table  *byteTable // decoding table of a single-byte encoding
	bom    bool
	line   int // physical lines consumed so far

	long   []byte // a line longer than the read buffer
	dec    []byte // the current line decoded to UTF-8
	buf    []byte // the current record's content (quoted path)
	ends   []int  // end offsets of the fields in buf
	fields []string
}

func newCSVSource(r io.Reader, closer io.Closer, name string, opt Options) (*csvSource, error) {
	fail := func(reason string, err error) (*csvSource, error) {
		return nil, &Error{File: name, Reason: reason, Fatal: true, Err: err}
	}
	enc, declared, err := parseEncoding(opt.Encoding)
	if err != nil {
		return fail(err.Error(), err)
	}
	in := &countingReader{r: r}
	s := &csvSource{name: name, in: in, br: bufio.NewReaderSize(in, bufSize), closer: closer, enc: enc}
	head, err := s.br.Peek(headSize)
	atEOF := err != nil
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return fail("cannot read: "+err.Error(), err)
	}
	if err := checkUTF16(head); err != nil {
		return fail(err.Error(), nil)
	}
	if bytes.HasPrefix(head, utf8BOM) {
		s.bom = true
		_, _ = s.br.Discard(len(utf8BOM))
		head = head[len(utf8BOM):]
		if !declared {
			enc = encUTF8
		}
	}
	if !declared && !s.bom {
		enc = detectEncoding(head, atEOF)
	}
	s.enc, s.table = enc, enc.table()
	if bytes.IndexByte(head, '\n') < 0 && bytes.IndexByte(bytes.TrimRight(head, "\r"), '\r') >= 0 {
		return fail("lines end in CR only (old Mac format): save the file with CRLF or LF line ends", nil)
	}
	if opt.Delimiter != 0 {
		if s.delim, err = checkDelimiter(opt.Delimiter); err != nil {
			return fail(err.Error(), err)
		}
	} else {
		s.delim = detectDelimiter(head)
	}
	return s, nil
}

func (s *csvSource) format() string {
	enc := s.enc.String()
	if s.bom {
		enc += "-bom"
	}
	return "csv(" + delimiterName(s.delim) + ") " + enc
}

func (s *csvSource) bytesRead() int64 { return s.in.n - int64(s.br.Buffered()) }

func (s *csvSource) close() error {
	if s.closer == nil {
		return nil
	}
	c := s.closer
	s.closer = nil
	return c.Close()
}

func (s *csvSource) fatal(line int, reason string, err error) *Error {
	return &Error{File: s.name, Line: line, Reason: reason, Fatal: true, Err: err}
}

// readLine returns the next physical line without its line end, or io.EOF.
// The slice is valid until the next call.
func (s *csvSource) readLine() ([]byte, error) {
	line, err := s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.long = append(s.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(s.long) > maxRecord {
				return nil, s.fatal(s.line+1, fmt.Sprintf("line longer than %d MiB", maxRecord>>20), nil)
			}
			line, err = s.br.ReadSlice('\n')
			s.long = append(s.long, line...)
		}
		line = s.long
	}
	if err != nil && err != io.EOF {
		return nil, s.fatal(s.line+1, "read error: "+err.Error(), err)
	}
	if len(line) == 0 {
		return nil, io.EOF
	}
	s.line++
	if line[len(line)-1] == '\n' {
		line = line[:len(line)-1]
	}
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, nil
}

// decode converts a line to UTF-8; bad reports invalid UTF-8 in a UTF-8 file.
// A file that was pure ASCII so far settles its encoding on its first
// non-ASCII line.
func (s *csvSource) decode(line []byte) (out []byte, bad bool) {
	switch s.enc {
	case encUTF8:
		return line, !utf8.Valid(line)
	case encASCII:
		if !hasHighByte(line) {
			return line, false
		}
		if utf8.Valid(line) {
			s.enc = encUTF8
			return line, false
		}
		s.enc, s.table = encWindows1252, encWindows1252.table()
	}
	if !hasHighByte(line) {
		return line, false
	}
	s.dec = s.table.decode(s.dec[:0], line)
	return s.dec, false
}

// next returns the next non-empty record and the line where it starts.
func (s *csvSource) next() ([]string, int, error) {
	for {
		raw, err := s.readLine()
		if err != nil {
			return nil, 0, err
		}
		if len(raw) == 0 {
			continue
		}
		start := s.line
		line, bad := s.decode(raw)
		var fields []string
		reason := ""
		if bytes.IndexByte(line, '"') < 0 {
			fields = s.split(line)
		} else if fields, reason, err = s.parseQuoted(line, start, &bad); err != nil {
			return nil, start, err
		}
		switch {
		case bad:
			return nil, start, &Error{File: s.name, Line: start, Reason: "not valid UTF-8 (use --encoding windows-1252)"}
		case reason != "":
			return nil, start, &Error{File: s.name, Line: start, Reason: reason}
		case allEmpty(fields):
			continue
		}
		return fields, start, nil
	}
}

// split cuts a line without quotes at the delimiter.
func (s *csvSource) split(line []byte) []string {
	str := string(line)
	fields := s.fields[:0]
	for {
		i := strings.IndexByte(str, s.delim)
		if i < 0 {
			break
		}
		fields = append(fields, str[:i])
		str = str[i+1:]
	}
	s.fields = append(fields, str)
	return s.fields
}

// parseQuoted parses a record holding quotes, reading further lines while a
// quoted field spans line ends (kept as "\n"). reason reports a stray
// character after a closing quote; err is fatal (unterminated quote).
func (s *csvSource) parseQuoted(line []byte, start int, bad *bool) (fields []string, reason string, err error) {
	s.buf, s.ends = s.buf[:0], s.ends[:0]
	quoted, fieldStart := false, true
	for i := 0; ; {
		if !quoted {
			if fieldStart && i < len(line) && line[i] == '"' {
				quoted, fieldStart = true, false
				i++
				continue
			}
			j := bytes.IndexByte(line[i:], s.delim)
			if j < 0 {
				s.buf = append(s.buf, line[i:]...)
				s.ends = append(s.ends, len(s.buf))
				break
			}
			s.buf = append(s.buf, line[i:i+j]...)
			s.ends = append(s.ends, len(s.buf))
			i += j + 1
			fieldStart = true
			continue
		}
		j := bytes.IndexByte(line[i:], '"')
		if j < 0 {
			s.buf = append(append(s.buf, line[i:]...), '\n')
			if line, err = s.continueRecord(start, bad); err != nil {
				return nil, "", err
			}
			i = 0
			continue
		}
		s.buf = append(s.buf, line[i:i+j]...)
		i += j + 1
		if i < len(line) && line[i] == '"' {
			s.buf = append(s.buf, '"')
			i++
			continue
		}
		quoted = false
		if i < len(line) && line[i] != s.delim && reason == "" {
			reason = fmt.Sprintf("unexpected %q after the closing quote of field %d", rune(line[i]), len(s.ends)+1)
		}
	}
	str := string(s.buf)
	fields = s.fields[:0]
	from := 0
	for _, end := range s.ends {
		fields = append(fields, str[from:end])
		from = end
	}
	s.fields = fields
	return fields, reason, nil
}

// continueRecord reads the next line of a record whose quoted field spans a
// line end.
func (s *csvSource) continueRecord(start int, bad *bool) ([]byte, error) {
	if len(s.buf) > maxRecord {
		return nil, s.fatal(start, fmt.Sprintf("record longer than %d MiB: unbalanced quote?", maxRecord>>20), nil)
	}
	raw, err := s.readLine()
	if errors.Is(err, io.EOF) {
		return nil, s.fatal(start, "unterminated quoted field (file truncated?)", nil)
	}
	if err != nil {
		return nil, err
	}
	line, b := s.decode(raw)
	*bad = *bad || b
	return line, nil
}

func allEmpty(fields []string) bool {
	for _, f := range fields {
		if f != "" {
			return false
		}
	}
	return true
}
