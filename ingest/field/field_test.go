package field

import (
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	for in, want := range map[string]string{
		"07/03/2025": "2025-03-07", "7/3/2025": "2025-03-07", "2025-03-07": "2025-03-07", " 31/12/2024 ": "2024-12-31",
	} {
		got, err := Date(in)
		if err != nil || got.Format(time.DateOnly) != want {
			t.Errorf("Date(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "31/02/2025", "2025/03/07", "07-03-2025", "13/13/2025", "ieri"} {
		if _, err := Date(bad); err == nil {
			t.Errorf("Date(%q) accepted", bad)
		}
	}
}

func TestDecimal(t *testing.T) {
	for in, want := range map[string]float64{
		"1.250,50": 1250.5, "1250,5": 1250.5, "-0,25": -0.25, "44,646512": 44.646512, "12": 12,
		"1.234.567,8": 1234567.8, "44.646512": 44.646512, "23.5": 23.5, "1.250": 1250,
	} {
		got, err := Decimal(in)
		if err != nil || got != want {
			t.Errorf("Decimal(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "1,2,3", "1.25,0", "12,5.0", "abc", "1.2.3", "12.34.567,0"} {
		if _, err := Decimal(bad); err == nil {
			t.Errorf("Decimal(%q) accepted", bad)
		}
	}
}

func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"1.250,50", "44,646512", "-0,25", "1.2.3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _, _ = Decimal(s) })
}

func FuzzDate(f *testing.F) {
	for _, s := range []string{"07/03/2025", "2025-03-07", "31/02/2025"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _, _ = Date(s) })
}

func TestCoordinate(t *testing.T) {
	for in, want := range map[string]float64{"44,646512": 44.646512, "44.646": 44.646, "10.9": 10.9, "-0,5": -0.5} {
		if got, err := Coordinate(in); err != nil || got != want {
			t.Errorf("Coordinate(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "1.234,5", "44,6,1", "abc", "NaN"} {
		if v, err := Coordinate(bad); err == nil && v == v {
			t.Errorf("Coordinate(%q) accepted", bad)
		}
	}
}

func FuzzCoordinate(f *testing.F) {
	for _, s := range []string{"44,646512", "10.9", "1.234,5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _, _ = Coordinate(s) })
}

func TestFold(t *testing.T) {
	for _, c := range []struct {
		in   string
		sep  byte
		want string
	}{
		{" Cod. Fiscale ", '_', "COD_FISCALE"},
		{"Gravità", '_', "GRAVITA"},
		{"CITTA'", ' ', "CITTA"},
		{"Reggio nell'Emilia", ' ', "REGGIO NELL EMILIA"},
		{"\xff--", ' ', ""},
	} {
		if got := Fold(c.in, c.sep); got != c.want {
			t.Errorf("Fold(%q, %q) = %q, want %q", c.in, c.sep, got, c.want)
		}
	}
}
