package tabular

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// encoding is the character set of a CSV file.
type encoding int

const (
	// encASCII: nothing but ASCII seen so far; the first line with a byte
	// >= 0x80 decides between UTF-8 and Windows-1252.
	encASCII encoding = iota
	encUTF8
	encWindows1252
	encLatin1
)

func (e encoding) String() string {
	switch e {
	case encWindows1252:
		return "windows-1252"
	case encLatin1:
		return "iso-8859-1"
	default:
		return "utf-8"
	}
}

// parseEncoding maps Options.Encoding to an encoding; "" means detect, which
// starts as encASCII and is refined by detectEncoding.
func parseEncoding(name string) (enc encoding, declared bool, err error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "":
		return encASCII, false, nil
	case "utf-8", "utf8":
		return encUTF8, true, nil
	case "windows-1252", "cp1252", "win-1252", "windows1252":
		return encWindows1252, true, nil
	case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "iso-8859-1:1987":
		return encLatin1, true, nil
	}
	return 0, false, fmt.Errorf("unknown encoding %q (use utf-8, windows-1252 or iso-8859-1)", name)
}

// byteTable maps every byte of a single-byte charset to its UTF-8 encoding.
type byteTable [256]string

func newByteTable(cm *charmap.Charmap) *byteTable {
	var t byteTable
	for b := range 256 {
		r := cm.DecodeByte(byte(b))
		if r == utf8.RuneError {
			// Bytes left undefined by Windows-1252 (0x81, 0x8D, 0x8F, 0x90,
			// 0x9D) map to the C1 control of the same value, as in the WHATWG
			// decoder, rather than to U+FFFD.
			r = rune(b)
		}
		t[b] = string(r)
	}
	return &t
}

var (
	windows1252Table = sync.OnceValue(func() *byteTable { return newByteTable(charmap.Windows1252) })
	latin1Table      = sync.OnceValue(func() *byteTable { return newByteTable(charmap.ISO8859_1) })
)

// table returns the decoding table of a single-byte encoding, nil for UTF-8.
func (e encoding) table() *byteTable {
	switch e {
	case encWindows1252:
		return windows1252Table()
	case encLatin1:
		return latin1Table()
	}
	return nil
}

// decode appends src, decoded to UTF-8, to dst.
func (t *byteTable) decode(dst, src []byte) []byte {
	for len(src) > 0 {
		i := 0
		for i < len(src) && src[i] < utf8.RuneSelf {
			i++
		}
		dst = append(dst, src[:i]...)
		if i == len(src) {
			break
		}
		dst = append(dst, t[src[i]]...)
		src = src[i+1:]
	}
	return dst
}

// hasHighByte reports whether b holds a byte >= 0x80, eight bytes at a time.
func hasHighByte(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return true
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// checkUTF16 refuses UTF-16 files, with or without a byte-order mark.
func checkUTF16(head []byte) error {
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) ||
		(len(head) >= 2 && (head[0] == 0) != (head[1] == 0)) {
		return fmt.Errorf("UTF-16 file: save it as UTF-8 or Windows-1252")
	}
	return nil
}

// detectEncoding guesses the encoding from the head of a file (BOM already
// removed): valid UTF-8 with some non-ASCII byte is UTF-8, invalid UTF-8 is
// Windows-1252, pure ASCII stays undecided until the first non-ASCII line.
// atEOF tells that head is the whole file, so a multi-byte sequence cut at
// its end is an error rather than the edge of the peek window.
func detectEncoding(head []byte, atEOF bool) encoding {
	if !hasHighByte(head) {
		return encASCII
	}
	if !atEOF {
		head = trimPartialRune(head)
	}
	if utf8.Valid(head) {
		return encUTF8
	}
	return encWindows1252
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// delimiters are the candidates of detectDelimiter, in order of preference
// when two appear equally often.
var delimiters = []byte{';', ',', '\t', '|'}

// noDelimiter splits nothing: lines never contain '\n', so a file whose header
// has no candidate delimiter reads as a single column.
const noDelimiter = '\n'

// detectDelimiter picks the candidate that appears most, outside quotes, on
// the first non-blank line of head; noDelimiter when none appears.
func detectDelimiter(head []byte) byte {
	head = bytes.TrimLeft(head, "\r\n")
	var counts [4]int
	quoted := false
scan:
	for _, c := range head {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n' || c == '\r':
			break scan
		default:
			if i := bytes.IndexByte(delimiters, c); i >= 0 {
				counts[i]++
			}
		}
	}
	best := -1
	for i, n := range counts {
		if n > 0 && (best < 0 || n > counts[best]) {
			best = i
		}
	}
	if best < 0 {
		return noDelimiter
	}
	return delimiters[best]
}

// checkDelimiter validates a declared delimiter.
func checkDelimiter(d rune) (byte, error) {
	if d <= 0 || d >= utf8.RuneSelf || d == '"' || d == '\r' || d == '\n' {
		return 0, fmt.Errorf("unsupported delimiter %q (use an ASCII character other than quote and newline)", d)
	}
	return byte(d), nil
}

// delimiterName names a delimiter in Format.
func delimiterName(d byte) string {
	switch d {
	case '\t':
		return "tab"
	case noDelimiter:
		return "none"
	}
	return string(rune(d))
}
