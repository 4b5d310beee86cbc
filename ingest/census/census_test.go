package census

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLatin1_2011 reads a file shaped like R08_indicatori_2011_sezioni.csv:
// ';', quoted header, Latin-1 comune names, PRO_COM without its leading zero.
func TestLatin1_2011(t *testing.T) {
	content := "\"CODREG\";\"REGIONE\";\"CODPRO\";\"PROVINCIA\";\"CODCOM\";\"COMUNE\";\"PROCOM\";\"SEZ2011\";\"NSEZ\";\"ACE\";\"CODLOC\";\"CODASC\";\"P1\";\"P2\";\"PF1\";\"PRO_COM\"\r\n" +
		"8;\"Emilia-Romagna\";36;\"Modena\";23;\"Modena\";36023;360230000001;1;1;10001;0;120;60;55;36023\r\n" +
		"8;\"Emilia-Romagna\";36;\"Modena\";5;\"Castelnuovo Rangone\";36005;360050000002;2;1;10001;0;0;0;0;36005\r\n" +
		"8;\"Emilia-Romagna\";40;\"Forl\xec-Cesena\";12;\"Forl\xec\";40012;400120000003;3;1;10001;0;7;3;3;40012\r\n"
	got, err := Read(write(t, "R08_indicatori_2011_sezioni.csv", content))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Section{
		"360230000001": {Residents: 120, Households: 55, HasHouseholds: true, Municipality: "036023"},
		"360050000002": {Residents: 0, Households: 0, HasHouseholds: true, Municipality: "036005"},
		"400120000003": {Residents: 7, Households: 3, HasHouseholds: true, Municipality: "040012"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d sections: %v", len(got), got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %+v, want %+v", k, got[k], v)
		}
	}
}

// TestUTF8BOM_2021: a 2021 file, UTF-8 with BOM, lower-case header,
// comma-separated, without PF1 and PRO_COM.
func TestUTF8BOM_2021(t *testing.T) {
	content := "\ufeffsez21_id,comune,p1\n036023000000001,Città,42\n\n036023000000002,Città,0\n"
	got, err := Read(write(t, "sezioni_2021.csv", content))
	if err != nil {
		t.Fatal(err)
	}
	if s := got["036023000000001"]; s.Residents != 42 || s.HasHouseholds || s.Municipality != "" || len(got) != 2 {
		t.Errorf("%+v", got)
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct{ content, want string }{
		{"SEZ2011;P2;PF1\n1;2;3\n", "c.csv:1: header: no P1 column (residents); the header has SEZ2011, P2, PF1"},
		{"COMUNE;P1\nx;2\n", "c.csv:1: header: no section id column (SEZ2011, SEZ21_ID, SEZ21, SEZ)"},
		{"SEZ2011;P1\n360230000001;5\n360230000002;6\n360230000001;7\n", "c.csv:4:1: section 360230000001 appears twice (first on line 2)"},
		{"SEZ2011;P1\n3,60230E+11;5\n", `c.csv:2:1: section id "3,60230E+11" is not written in digits`},
		{"SEZ2011;P1\n360230000001.0;5\n", `c.csv:2:1: section id "360230000001.0" is not written in digits`},
		{"SEZ2011;P1\n;5\n", "c.csv:2:1: SEZ2011 is empty"},
		{"SEZ2011;X;P1\n1;a;-3\n", `c.csv:2:3: P1 "-3" is not a whole number of people`},
		{"SEZ2011;P1;PF1\n1;3;2.5\n", `c.csv:2:3: PF1 "2.5" is not a whole number of people`},
		{"SEZ2011;P1;PF1\n1;;2\n", `c.csv:2:2: P1 is empty`},
		{"SEZ2011;P1;PRO_COM\n1;3;A36023\n", `c.csv:2:3: PRO_COM "A36023" is not a municipality code`},
		{"SEZ2011;P1\n1;3;4\n", "c.csv:2: 3 fields, header has 2"},
		{"SEZ2011;P1;p1\n1;3;4\n", "c.csv:1:3: header: column P1 appears twice"},
		{"SEZ2011;P1\n", "c.csv: no sections"},
		{"", "c.csv: empty file"},
		{"SEZ2011;P1\n1;\"3\n", "c.csv:2: unterminated quoted field"},
	} {
		_, err := Parse(strings.NewReader(c.content), "c.csv")
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: error %T %v", c.content, err, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: error %q, want %q", c.content, err, c.want)
		}
	}
	if _, err := Read(filepath.Join(t.TempDir(), "none.csv")); err == nil || !strings.HasPrefix(err.Error(), "none.csv: cannot open") {
		t.Errorf("missing file: %v", err)
	}
}

// FuzzParse: Parse never panics, returns a *Error or sections keyed by
// digits with non-negative counts.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SEZ2011;P1;PF1;PRO_COM\n360230000001;120;55;36023\n",
		"\ufeffsez21_id,p1\n036023000000001,42\n",
		"\"SEZ\";\"P1\"\r\n\"1\";\"2\"\r\n1;2\n",
		"SEZ2011;P1\n3,6E+11;5\n",
		"SEZ;P1\nCitt\xe0;1\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Parse(bytes.NewReader(data), "f.csv")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "f.csv" || e.Reason == "" || e.Line < 0 || e.Column < 0 {
				t.Fatalf("error %T %+v", err, err)
			}
			return
		}
		for id, s := range got {
			if !allDigits(id) || s.Residents < 0 || s.Households < 0 || (s.Municipality != "" && len(s.Municipality) != 6) {
				t.Fatalf("%q: %+v", id, s)
			}
		}
	})
}
