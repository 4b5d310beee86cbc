package shapefile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// decoder turns .dbf bytes into UTF-8 text.
type decoder struct {
	name     string           // for errors and Encoding
	cm       *charmap.Charmap // nil for UTF-8
	declared bool             // named by a .cpg
}

// parseCPG reads the encoding a .cpg names.
func parseCPG(text string) (*decoder, error) {
	name := strings.TrimSpace(strings.TrimPrefix(text, "\uFEFF"))
	key := strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToUpper(name))
	switch key {
	case "UTF8", "65001":
		return &decoder{name: "UTF-8", declared: true}, nil
	case "ISO88591", "88591", "LATIN1", "L1", "28591", "ISOLATIN1", "CP819", "IBM819":
		return &decoder{name: "ISO-8859-1", cm: charmap.ISO8859_1, declared: true}, nil
	case "1252", "CP1252", "WINDOWS1252", "ANSI1252", "WIN1252", "ANSI":
		return &decoder{name: "Windows-1252", cm: charmap.Windows1252, declared: true}, nil
	case "ISO885915", "885915", "LATIN9", "28605":
		return &decoder{name: "ISO-8859-15", cm: charmap.ISO8859_15, declared: true}, nil
	case "":
		return nil, fmt.Errorf("empty: expected an encoding name such as UTF-8 or ISO-8859-1")
	}
	if len(name) > 40 {
		name = name[:40] + "..."
	}
	return nil, fmt.Errorf("unknown encoding %q (known: UTF-8, ISO-8859-1, Windows-1252, ISO-8859-15)", name)
}

var (
	utf8Decoder   = &decoder{name: "UTF-8"}
	latin1Decoder = &decoder{name: "ISO-8859-1", cm: charmap.ISO8859_1}
)

// decode decodes one trimmed value; full tells that the value fills its
// field, and may have been cut inside a character.
func (d *decoder) decode(b []byte, full bool) (string, error) {
	if d.cm == nil {
		if utf8.Valid(b) {
			return string(b), nil
		}
		if t := dropPartialRune(b); full && utf8.Valid(t) {
			// A value cut inside a character by a writer that counts bytes.
			return string(t), nil
		}
		return "", fmt.Errorf("invalid UTF-8 %q (the .cpg says UTF-8)", b)
	}
	ascii := true
	for _, c := range b {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b), nil
	}
	var s strings.Builder
	for _, c := range b {
		s.WriteRune(d.cm.DecodeByte(c))
	}
	return s.String(), nil
}

// dropPartialRune drops an incomplete UTF-8 sequence at the end of b.
func dropPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < utf8.RuneSelf {
			break
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// trim removes the padding of a value.
func trim(b []byte) []byte { return bytes.Trim(b, " \x00") }

// dbfReader streams the records of a .dbf.
type dbfReader struct {
	r       io.Reader
	name    string
	dec     *decoder
	fields  []Field
	offsets []int // start of each field in a record, after the deletion flag
	count   int
	recLen  int
	record  int
	buf     []byte
}

func newDBFReader(r io.Reader, name string, dec *decoder) (*dbfReader, error) {
	d := &dbfReader{r: r, name: name, dec: dec}
	var h [32]byte
	if n, err := io.ReadFull(r, h[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, d.fail(0, "", fmt.Sprintf("truncated: %d bytes, the header alone is 32", n))
		}
		return nil, &Error{File: name, Reason: "cannot read: " + causeText(err), Err: err}
	}
	d.count = int(binary.LittleEndian.Uint32(h[4:]))
	headerLen := int(binary.LittleEndian.Uint16(h[8:]))
	d.recLen = int(binary.LittleEndian.Uint16(h[10:]))
	if d.count < 0 || d.count > 1<<30 {
		return nil, d.fail(0, "", fmt.Sprintf("header announces %d records", uint32(d.count)))
	}
	if headerLen < 33 {
		return nil, d.fail(0, "", fmt.Sprintf("not a dBASE file: header length %d, at least 33 expected", headerLen))
	}
	desc := make([]byte, headerLen-32)
	if n, err := io.ReadFull(r, desc); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, d.fail(0, "", fmt.Sprintf("truncated in the field descriptors: %d of %d bytes", 32+n, headerLen))
		}
		return nil, &Error{File: name, Reason: "cannot read: " + causeText(err), Err: err}
	}
	seen := map[string]bool{}
	off := 0
	for i := 0; ; i++ {
		if i*32 >= len(desc) {
			return nil, d.fail(0, "", "field descriptors not terminated by 0x0D")
		}
		if desc[i*32] == 0x0D {
			break
		}
		if (i+1)*32 > len(desc) {
			return nil, d.fail(0, "", "field descriptors not terminated by 0x0D")
		}
		fd := desc[i*32 : (i+1)*32]
		raw := fd[:11]
		if j := bytes.IndexByte(raw, 0); j >= 0 {
			raw = raw[:j]
		}
		fname, err := dec.decode(trim(raw), false)
		if err != nil {
			fname = strings.ToValidUTF8(string(trim(raw)), "?")
		}
		if fname == "" {
			return nil, d.fail(0, "", fmt.Sprintf("field %d has no name", i+1))
		}
		if seen[strings.ToUpper(fname)] {
			return nil, d.fail(0, "", fmt.Sprintf("field %s appears twice", fname))
		}
		seen[strings.ToUpper(fname)] = true
		f := Field{Name: fname, Type: fd[11], Length: int(fd[16]), Decimals: int(fd[17])}
		if f.Length == 0 {
			return nil, d.fail(0, "", fmt.Sprintf("field %s has length 0", fname))
		}
		d.fields = append(d.fields, f)
		d.offsets = append(d.offsets, off)
		off += f.Length
	}
	if len(d.fields) == 0 {
		return nil, d.fail(0, "", "no fields")
	}
	if off+1 != d.recLen {
		return nil, d.fail(0, "", fmt.Sprintf("record length %d, the fields add up to %d plus the deletion flag", d.recLen, off))
	}
	d.buf = make([]byte, d.recLen)
	return d, nil
}

func (d *dbfReader) fail(record int, field, reason string) *Error {
	return &Error{File: d.name, Record: record, Field: field, Reason: reason}
}

// next returns the attributes of the next record, nil for a deleted one,
// or io.EOF after the count of the header.
func (d *dbfReader) next() (map[string]string, error) {
	if d.record >= d.count {
		return nil, io.EOF
	}
	d.record++
	n, err := io.ReadFull(d.r, d.buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF || (err == nil && n > 0 && d.buf[0] == 0x1A && d.recLen > 1 && isEndMarker(d.buf)) {
		return nil, d.fail(0, "", fmt.Sprintf("truncated: ends after %d records, the header says %d", d.record-1, d.count))
	}
	if err != nil {
		return nil, &Error{File: d.name, Record: d.record, Reason: "cannot read: " + causeText(err), Err: err}
	}
	if d.buf[0] == '*' {
		return nil, nil
	}
	attrs := make(map[string]string, len(d.fields))
	for i, f := range d.fields {
		raw, full := d.value(i)
		v, err := d.dec.decode(raw, full)
		if err != nil {
			return nil, d.fail(d.record, f.Name, err.Error())
		}
		if err := checkValue(f.Type, v); err != nil {
			return nil, d.fail(d.record, f.Name, err.Error())
		}
		attrs[f.Name] = v
	}
	return attrs, nil
}

// value returns field i of the current record, trimmed, and whether it
// fills the field.
func (d *dbfReader) value(i int) ([]byte, bool) {
	b := d.buf[1+d.offsets[i] : 1+d.offsets[i]+d.fields[i].Length]
	last := b[len(b)-1]
	return trim(b), last != ' ' && last != 0
}

// isEndMarker reports whether a record is only the end-of-file marker
// followed by nothing that could be data (a record cut short by a writer
// that miscounted).
func isEndMarker(b []byte) bool {
	for _, c := range b[1:] {
		if c != 0 && c != 0x1A {
			return false
		}
	}
	return true
}

// checkValue checks a value against its field type.
func checkValue(t byte, v string) error {
	if v == "" {
		return nil
	}
	switch t {
	case 'N', 'F':
		if !isNumber(v) {
			return fmt.Errorf("%q is not a number", v)
		}
	case 'D':
		if len(v) != 8 || strings.Trim(v, "0123456789") != "" {
			return fmt.Errorf("%q is not a date YYYYMMDD", v)
		}
	case 'L':
		if len(v) != 1 || !strings.Contains("YyNnTtFf?", v) {
			return fmt.Errorf("%q is not a logical (Y, N, T, F or ?)", v)
		}
	}
	return nil
}

// isNumber accepts [+-]digits[.digits][e[+-]digits], with digits on at
// least one side of the point.
func isNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// detectDBFEncoding reads a .dbf without a .cpg once: UTF-8 when every
// value is valid UTF-8 (a character cut at the end of a value aside), else
// ISO-8859-1. Problems with the file itself are left to the real reading.
func detectDBFEncoding(o opener, name string) (*decoder, error) {
	rc, err := o()
	if err != nil {
		return nil, &Error{File: name, Reason: "cannot open: " + causeText(err), Err: err}
	}
	defer rc.Close()
	d, err := newDBFReader(bufioReader(rc), name, utf8Decoder)
	if err != nil {
		return utf8Decoder, nil
	}
	for d.record < d.count {
		d.record++
		if _, err := io.ReadFull(d.r, d.buf); err != nil {
			break
		}
		for i := range d.fields {
			raw, full := d.value(i)
			if !utf8.Valid(raw) && !(full && utf8.Valid(dropPartialRune(raw))) {
				return latin1Decoder, nil
			}
		}
	}
	return utf8Decoder, nil
}

func bufioReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 64<<10) }
