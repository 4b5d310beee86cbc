package tabular

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCSV feeds arbitrary bytes to the CSV reader: it must never panic, end,
// return only *Error or io.EOF, and never produce invalid UTF-8 or U+FFFD
// that was not in the input.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"A;B\n1;2\n",
		"\xef\xbb\xbfA,B\r\n\"x\"\"y\",\"a\r\nb\"\r\n",
		"A;B\n3;\"open\n",
		"A\tB\n\"x\"y\tz\n1\t2\t3\n",
		"COMUNE;IMPORTO\nForl\xec;\x80 3\n",
		"\xff\xfeA\x00;\x00",
		"",
		"\n\n;\n",
	} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		opt := Options{}
		switch mode % 4 {
		case 1:
			opt.Encoding = "utf-8"
		case 2:
			opt.Encoding = "windows-1252"
		case 3:
			opt.Delimiter = ','
		}
		r, err := NewCSV(bytes.NewReader(data), "f.csv", opt)
		if err != nil {
			checkError(t, err)
			return
		}
		hadFFFD := bytes.Contains(data, []byte("\uFFFD"))
		check := func(fields []string) {
			for _, s := range fields {
				if !utf8.ValidString(s) || (!hadFFFD && strings.ContainsRune(s, utf8.RuneError)) {
					t.Fatalf("field %q is not clean UTF-8", s)
				}
			}
		}
		check(r.Header())
		for i := 0; i <= len(data)+1; i++ {
			rec, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if checkError(t, err) {
					return
				}
				continue
			}
			if len(rec.Fields) != len(r.Header()) || rec.Line < 1 {
				t.Fatalf("record %+v against header %q", rec, r.Header())
			}
			check(rec.Fields)
		}
		t.Fatal("reader does not end")
	})
}

// checkError fails unless err is a *Error; it reports whether it is fatal.
func checkError(t *testing.T, err error) bool {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v is not *Error", err, err)
	}
	if e.File != "f.csv" || e.Line < 0 || e.Reason == "" {
		t.Fatalf("badly located error %+v", e)
	}
	return e.Fatal
}

// FuzzDetect checks the detectors on arbitrary heads: the delimiter is a
// candidate or noDelimiter, and whatever encoding is detected, decoding the
// head yields valid UTF-8.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{"a;b;c\n", "a,b\tc\td", "\"x;y\",z", "città;più", "citt\xe0;pi\xf9", "x\xc3", ""} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, head []byte, atEOF bool) {
		d := detectDelimiter(head)
		if d != noDelimiter && bytes.IndexByte(delimiters, d) < 0 {
			t.Fatalf("delimiter %q", d)
		}
		if d != noDelimiter && bytes.IndexByte(head, d) < 0 {
			t.Fatalf("delimiter %q not in head", d)
		}
		enc := detectEncoding(head, atEOF)
		switch enc {
		case encASCII:
			if hasHighByte(head) {
				t.Fatal("non-ASCII head detected as ASCII")
			}
		case encUTF8:
			if atEOF && !utf8.Valid(head) {
				t.Fatal("invalid UTF-8 detected as UTF-8")
			}
		case encWindows1252:
			if out := enc.table().decode(nil, head); !utf8.Valid(out) {
				t.Fatal("decoding produced invalid UTF-8")
			}
		default:
			t.Fatalf("encoding %v", enc)
		}
	})
}
