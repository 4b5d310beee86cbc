package codicefiscale

import (
	"strings"
	"testing"
	"time"
)

func TestCheckCharKnown(t *testing.T) {
	// Expected characters computed by hand from the official odd/even tables.
	tests := []struct {
		first15 string
		want    byte
	}{
		{"RSSMRA80A01H501", 'U'}, // the well-known example code
		{"RSSMRA80A01F257", 'G'},
		{"BNCLRA85T52Z330", 'R'},
		{"RSSMRA80A01H50M", 'M'}, // omocode, level 1
		{"RSSMRA80A01H5LM", 'X'}, // omocode, level 2
	}
	for _, tt := range tests {
		got, err := CheckChar(tt.first15)
		if err != nil {
			t.Fatalf("CheckChar(%q): %v", tt.first15, err)
		}
		if got != tt.want {
			t.Errorf("CheckChar(%q) = %c, want %c", tt.first15, got, tt.want)
		}
	}
}

func TestCheckCharErrors(t *testing.T) {
	for _, in := range []string{"", "RSSMRA80A01H50", "RSSMRA80A01H50!", "rssmra80a01h501"} {
		if _, err := CheckChar(in); err == nil {
			t.Errorf("CheckChar(%q): want error", in)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name, code string
		wantErr    string // substring; empty means valid
	}{
		{"well-known", "RSSMRA80A01H501U", ""},
		{"female foreign", "BNCLRA85T52Z330R", ""},
		{"omocode 1", "RSSMRA80A01H50MM", ""},
		{"omocode 2", "RSSMRA80A01H5LMX", ""},
		{"bad check", "RSSMRA80A01H501X", "check character is X, want U"},
		{"doc example", "RSSMRA80A01F257B", "check character is B, want G"},
		{"short", "RSSMRA80A01H501", "length 15, want 16"},
		{"long", "RSSMRA80A01H501UU", "length 17, want 16"},
		{"lowercase", "rssmra80a01h501u", "position 1"},
		{"digit in surname", "R5SMRA80A01H501U", "position 2"},
		{"letter in year", "RSSMRAA0A01H501U", "position 7"},
		{"bad month", "RSSMRA80F01H501U", "month letter F"},
		{"day zero", "RSSMRA80A00H501U", "day field 00"},
		{"day 32", "RSSMRA80A32H501U", "day field 32"},
		{"day 72", "RSSMRA80A72H501U", "day field 72"},
		{"birthplace letter", "RSSMRA80A011501U", "position 12"},
		{"empty", "", "length 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.code)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate: want error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if len(tt.code) >= 6 && strings.Contains(err.Error(), tt.code[:6]) {
				t.Errorf("error %q leaks the code", err)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		code   string
		birth  string
		female bool
		place  string
	}{
		{"RSSMRA80A01H501U", "1980-01-01", false, "H501"},
		{"BNCLRA85T52Z330R", "1985-12-12", true, "Z330"},
		{"RSSMRA80A01H5LMX", "1980-01-01", false, "H501"},
		{Encode("VRD", "GPP", date(2019, 4, 30), true, "F257"), "2019-04-30", true, "F257"},
		{Encode("VRD", "GPP", date(1926, 7, 9), false, "F257"), "1926-07-09", false, "F257"},
		{Encode("VRD", "GPP", date(2025, 2, 3), false, "F257"), "2025-02-03", false, "F257"},
	}
	for _, tt := range tests {
		info, err := DecodeAt(tt.code, now)
		if err != nil {
			t.Fatalf("decode %s: %v", tt.code, err)
		}
		if got := info.BirthDate.Format(time.DateOnly); got != tt.birth {
			t.Errorf("%s: birth %s, want %s", tt.code, got, tt.birth)
		}
		if info.Female != tt.female || info.Birthplace != tt.place {
			t.Errorf("%s: got %+v", tt.code, info)
		}
		if info.ForeignBorn != strings.HasPrefix(tt.place, "Z") {
			t.Errorf("%s: ForeignBorn %v", tt.code, info.ForeignBorn)
		}
	}
	if _, err := Decode("RSSMRA80A01H501U"); err != nil {
		t.Errorf("Decode: %v", err)
	}
}

func TestDecodeImpossibleDate(t *testing.T) {
	code := fixCheck("RSSMRA80B31H501")
	if err := Validate(code); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if _, err := Decode(code); err == nil {
		t.Error("31 February: want error")
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	for d := 0; d < 3000; d += 7 {
		birth := date(1930, 1, 1).AddDate(0, 0, d*11)
		for _, female := range []bool{false, true} {
			code := Encode("FRR", "LCU", birth, female, "Z129")
			info, err := DecodeAt(code, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatalf("decode of encoded code: %v", err)
			}
			if !info.BirthDate.Equal(birth) || info.Female != female || info.Birthplace != "Z129" {
				t.Fatalf("round trip %v %v: got %+v", birth, female, info)
			}
		}
	}
}

func TestOmocode(t *testing.T) {
	base := "RSSMRA80A01H501U"
	want := []string{base, "RSSMRA80A01H50MM", "RSSMRA80A01H5LMX"}
	seen := map[string]bool{}
	for n := 0; n <= 7; n++ {
		got, err := Omocode(base, n)
		if err != nil {
			t.Fatalf("Omocode %d: %v", n, err)
		}
		if n < len(want) && got != want[n] {
			t.Errorf("Omocode %d = %s, want %s", n, got, want[n])
		}
		if err := Validate(got); err != nil {
			t.Errorf("Omocode %d invalid: %v", n, err)
		}
		info, err := Decode(got)
		if err != nil || info.Birthplace != "H501" || info.BirthDate.Year() != 1980 {
			t.Errorf("Omocode %d decodes to %+v, %v", n, info, err)
		}
		if seen[got] {
			t.Errorf("Omocode %d repeats", n)
		}
		seen[got] = true
	}
	if _, err := Omocode(base, 8); err == nil {
		t.Error("level 8: want error")
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"RSSMRA80A01H501U", "RSSMRA80A01H5LMX", "", "RSSMRA80A72H501U", "ÀSSMRA80A01H501U"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		err := Validate(code)
		if err != nil {
			if len(code) >= 4 && strings.Contains(err.Error(), code) {
				t.Fatalf("error leaks the input: %v", err)
			}
			return
		}
		if _, err := DecodeAt(code, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil && !strings.Contains(err.Error(), "does not exist") {
			t.Fatalf("valid code fails to decode: %v", err)
		}
	})
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func fixCheck(first15 string) string {
	c, err := CheckChar(first15)
	if err != nil {
		panic(err)
	}
	return first15 + string(c)
}
