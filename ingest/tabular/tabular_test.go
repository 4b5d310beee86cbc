package tabular

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// drain reads r to the end and renders every outcome as a line:
// "LINE:f1|f2|…" for a record, "ERR file:line::reason" for a per-record
// error, "FATAL file:line::reason" for the error that stops reading.
func drain(t *testing.T, r *Reader) []string {
	t.Helper()
	var out []string
	for i := 0; i < 1_000_000; i++ {
		rec, err := r.Next()
		if err == io.EOF {
			return out
		}
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("error is %T, not *Error: %v", err, err)
		}
		switch {
		case err != nil && e.Fatal:
			out = append(out, "FATAL "+err.Error())
			if _, again := r.Next(); again != err {
				t.Errorf("fatal error not sticky: then %v", again)
			}
			return out
		case err != nil:
			out = append(out, "ERR "+err.Error())
		default:
			out = append(out, fmt.Sprintf("%d:%s", rec.Line, strings.Join(rec.Fields, "|")))
		}
	}
	t.Fatal("reader does not end")
	return nil
}

func TestCSV(t *testing.T) {
	tests := []struct {
		file    string
		opt     Options
		format  string
		header  string // fields joined by "|"
		want    []string
		openErr string
	}{
		{file: "utf8.csv", format: "csv(;) utf-8", header: "COMUNE|DATA|IMPORTO",
			want: []string{"2:Forlì|07/03/2025|1,50", "3:Cantù|08/03/2025|€ 2"}},
		{file: "utf8_bom.csv", format: "csv(;) utf-8-bom", header: "COMUNE|DATA",
			want: []string{"2:Forlì|07/03/2025"}},
		{file: "cp1252.csv", format: "csv(;) windows-1252", header: "COMUNE|CAUSALE|IMPORTO",
			want: []string{"2:Forlì|Caffè|€ 3,50", "3:Città|Perché|0"}},
		{file: "cp1252.csv", opt: Options{Encoding: "CP1252"}, format: "csv(;) windows-1252", header: "COMUNE|CAUSALE|IMPORTO",
			want: []string{"2:Forlì|Caffè|€ 3,50", "3:Città|Perché|0"}},
		{file: "latin1.csv", opt: Options{Encoding: "latin-1"}, format: "csv(,) iso-8859-1", header: "NOME|CITTÀ",
			want: []string{"2:Niccolò|Cefalù"}},
		{file: "utf8.csv", opt: Options{Encoding: "iso-8859-1"}, format: "csv(;) iso-8859-1", header: "COMUNE|DATA|IMPORTO",
			want: []string{"2:ForlÃ¬|07/03/2025|1,50", "3:CantÃ¹|08/03/2025|â\u0082¬ 2"}},
		{file: "utf16.csv", openErr: "utf16.csv:0::UTF-16 file: save it as UTF-8 or Windows-1252"},
		{file: "utf8.csv", opt: Options{Encoding: "ebcdic"}, openErr: `utf8.csv:0::unknown encoding "ebcdic" (use utf-8, windows-1252 or iso-8859-1)`},
		{file: "comma.csv", format: "csv(,) utf-8", header: "a|b|c", want: []string{"2:1|2|3"}},
		{file: "tab.tsv", format: "csv(tab) utf-8", header: "a|b;x|c", want: []string{"2:1|2;y|3"}},
		{file: "pipe.csv", format: "csv(|) utf-8", header: "a|b|c", want: []string{"2:1|2,5|3"}},
		{file: "comma.csv", opt: Options{Delimiter: ';'}, format: "csv(;) utf-8", header: "a,b,c", want: []string{"2:1,2,3"}},
		{file: "single.csv", format: "csv(none) utf-8", header: "CODICE", want: []string{"2:A1", "3:B;2"}},
		{file: "multiline.csv", header: "ID|NOTE|ESITO",
			want: []string{"2:1|prima riga\nseconda riga\n|ok", "5:2|a;b|ok"}},
		{file: "quotes.csv", header: "ID|TESTO",
			want: []string{`2:1|detto "così"`, "3:2|", "4:3|x;y", `5:4|ab"c`}},
		{file: "mismatch.csv", header: "A|B|C", want: []string{
			"2:1|2|3",
			"ERR mismatch.csv:3::2 fields, header has 3",
			"4:6|7|8",
			"ERR mismatch.csv:5::4 fields, header has 3",
			"6:13|14|15",
		}},
		{file: "unterminated.csv", header: "A|B", want: []string{
			"2:1|2",
			"FATAL unterminated.csv:3::unterminated quoted field (file truncated?)",
		}},
		{file: "stray.csv", header: "A|B", want: []string{
			`ERR stray.csv:2::unexpected 'y' after the closing quote of field 2`,
			"3:2|3",
		}},
		{file: "empty.csv", openErr: "empty.csv:0::empty file"},
		{file: "blank_only.csv", openErr: "blank_only.csv:0::empty file"},
		{file: "header_only.csv", header: "A|B|C", format: "csv(;) utf-8"},
		{file: "blank_lines.csv", header: "A|B", want: []string{"5:1|2", "8:3|4"}},
		{file: "noeol.csv", header: "A|B", want: []string{"2:1|2", "3:3|4"}},
		{file: "cr_at_eof.csv", header: "A|B", want: []string{"2:1|2"}},
		{file: "text_export.xls", format: "csv(tab) utf-8", header: "A|B", want: []string{"2:1|2"}},
		{file: "cr_only.csv", openErr: "cr_only.csv:0::lines end in CR only (old Mac format): save the file with CRLF or LF line ends"},
		{file: "missing.csv", openErr: "missing.csv:0::cannot open: no such file or directory"},
	}
	for _, tt := range tests {
		name := tt.file + "/" + tt.opt.Encoding + string(tt.opt.Delimiter)
		t.Run(name, func(t *testing.T) {
			r, err := Open(filepath.Join("testdata", tt.file), tt.opt)
			if tt.openErr != "" {
				if err == nil {
					r.Close()
					t.Fatalf("Open succeeded, want %q", tt.openErr)
				}
				var e *Error
				if !errors.As(err, &e) || !e.Fatal {
					t.Errorf("error %T %+v is not a fatal *Error", err, err)
				}
				if err.Error() != tt.openErr {
					t.Errorf("error\n got %q\nwant %q", err.Error(), tt.openErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got := strings.Join(r.Header(), "|"); got != tt.header {
				t.Errorf("header %q, want %q", got, tt.header)
			}
			got := drain(t, r)
			if !slices.Equal(got, tt.want) {
				t.Errorf("records\n got %q\nwant %q", got, tt.want)
			}
			if tt.format != "" && r.Format() != tt.format {
				t.Errorf("format %q, want %q", r.Format(), tt.format)
			}
		})
	}
}

// A file whose first 64 KiB are ASCII settles its encoding on the first
// non-ASCII line, both ways.
func TestLateEncoding(t *testing.T) {
	ascii := "A;B\n" + strings.Repeat("abc;def\n", 10000) // 80 KB
	lines := strings.Count(ascii, "\n")
	for _, tt := range []struct {
		tail   []byte
		format string
		want   string
	}{
		{[]byte("Forlì;€\n"), "csv(;) utf-8", "Forlì|€"},
		{[]byte("Forl\xec;\x80\n"), "csv(;) windows-1252", "Forlì|€"},
	} {
		r, err := NewCSV(io.MultiReader(strings.NewReader(ascii), bytes.NewReader(tt.tail)), "late.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := drain(t, r)
		if last := got[len(got)-1]; last != fmt.Sprintf("%d:%s", lines+1, tt.want) {
			t.Errorf("last record %q, want line %d %q", last, lines+1, tt.want)
		}
		if r.Format() != tt.format {
			t.Errorf("format %q, want %q", r.Format(), tt.format)
		}
		if r.BytesRead() != int64(len(ascii)+len(tt.tail)) {
			t.Errorf("BytesRead %d, want %d", r.BytesRead(), len(ascii)+len(tt.tail))
		}
	}
}

// Invalid UTF-8 after a UTF-8 head is a located per-record error, never U+FFFD.
func TestLateInvalidUTF8(t *testing.T) {
	head := "A;B\n" + strings.Repeat("città;più\n", 8000) // 96 KB of UTF-8
	input := head + "Forl\xec;2\nCantù;3\n"
	r, err := NewCSV(strings.NewReader(input), "late.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := drain(t, r)
	want := []string{"ERR late.csv:8002::not valid UTF-8 (use --encoding windows-1252)", "8003:Cantù|3"}
	if len(got) != 8002 || !slices.Equal(got[8000:], want) {
		t.Errorf("got %d records ending %q", len(got), got[max(0, len(got)-2):])
	}
	if r.Format() != "csv(;) utf-8" {
		t.Errorf("format %q", r.Format())
	}
}

// Lines longer than the read buffer, and a quoted field spanning many lines.
func TestLongRecords(t *testing.T) {
	long := strings.Repeat("x", 3*bufSize)
	many := strings.Repeat("riga\r\n", 50000)
	input := "A;B\n1;" + long + "\n2;\"" + many + "\"\n3;fine\n"
	r, err := NewCSV(strings.NewReader(input), "long.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := drain(t, r)
	want := []string{"2:1|" + long, "3:2|" + strings.ReplaceAll(many, "\r\n", "\n"), "50004:3|fine"}
	if !slices.Equal(got, want) {
		t.Errorf("got %d records, lines %v", len(got), lineNumbers(got))
	}
}

func lineNumbers(recs []string) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r[:min(len(r), 12)])
	}
	return out
}

func TestDetectDelimiter(t *testing.T) {
	for _, tt := range []struct {
		head string
		want byte
	}{
		{"a;b;c\n", ';'},
		{"a,b,c\n", ','},
		{"a\tb\n", '\t'},
		{"a|b\n", '|'},
		{"\r\n\na,b;c\n", ';'},      // tie: ';' preferred, leading blank lines skipped
		{`"x;y;z",b,c` + "\n", ','}, // quoted delimiters do not count
		{"a,b\n1;2;3;4\n", ','},     // only the header line counts
		{"nome\n", noDelimiter},     // single column
		{`"a""b";c`, ';'},           // doubled quote inside quotes
		{"a;b\tc\td\n", '\t'},       // the most frequent wins
	} {
		if got := detectDelimiter([]byte(tt.head)); got != tt.want {
			t.Errorf("detectDelimiter(%q) = %q, want %q", tt.head, got, tt.want)
		}
	}
}

func TestDetectEncoding(t *testing.T) {
	for _, tt := range []struct {
		head  string
		atEOF bool
		want  encoding
	}{
		{"abc", true, encASCII},
		{"città", true, encUTF8},
		{"citt\xe0", true, encWindows1252},
		{"citt\xc3", false, encUTF8}, // cut in the middle of "à" by the window
		{"citt\xc3", true, encWindows1252},
		{"\x80 3,50", true, encWindows1252},
	} {
		if got := detectEncoding([]byte(tt.head), tt.atEOF); got != tt.want {
			t.Errorf("detectEncoding(%q, %v) = %v, want %v", tt.head, tt.atEOF, got, tt.want)
		}
	}
}

func TestCloseAndReuse(t *testing.T) {
	r, err := NewCSV(strings.NewReader("A;B\n1;2\n3;4\n"), "x.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := r.Next()
	kept := slices.Clone(first.Fields)
	second, _ := r.Next()
	if !slices.Equal(kept, []string{"1", "2"}) || !slices.Equal(second.Fields, []string{"3", "4"}) {
		t.Errorf("records %q then %q", kept, second.Fields)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err == nil || err == io.EOF {
		t.Errorf("Next after Close: %v", err)
	}
}
