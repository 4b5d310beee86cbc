package geocode

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestStreetKey(t *testing.T) {
	for in, want := range map[string]string{
		"VIA GIARDINI":             "VIA GIARDINI",
		"  via   giardini ":        "VIA GIARDINI",
		"V. Giardini":              "VIA GIARDINI",
		"V.LE ANTONIO GRAMSCI":     "VIALE ANTONIO GRAMSCI",
		"VL. GRAMSCI":              "VIALE GRAMSCI",
		"P.ZZA GRANDE":             "PIAZZA GRANDE",
		"P.za Grande":              "PIAZZA GRANDE",
		"C.SO CANALGRANDE":         "CORSO CANALGRANDE",
		"S.S. 12":                  "STRADA STATALE 12",
		"STR. NAZIONALE CANALETTO": "STRADA NAZIONALE CANALETTO",
		"L.GO GARIBALDI":           "LARGO GARIBALDI",
		"V. S. Faustino":           "VIA SAN FAUSTINO",
		"Via Giosuè Carducci":      "VIA GIOSUE CARDUCCI",
		"PIAZZA SANT'AGOSTINO":     "PIAZZA SANT AGOSTINO",
		"VIA EMILIA EST":           "VIA EMILIA EST",
		"":                         "",
	} {
		if got := StreetKey(in); got != want {
			t.Errorf("StreetKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitAddress(t *testing.T) {
	for _, c := range []struct {
		in, street string
		number     HouseNumber
		ok         bool
	}{
		{"VIA GIARDINI 112/A", "VIA GIARDINI", HouseNumber{112, "A"}, true},
		{"Via Giardini, 112 a", "Via Giardini", HouseNumber{112, "A"}, true},
		{"VIA GIARDINI 112A", "VIA GIARDINI", HouseNumber{112, "A"}, true},
		{"VIA EMILIA EST 7 BIS", "VIA EMILIA EST", HouseNumber{7, "BIS"}, true},
		{"S.S. 12 40", "S.S. 12", HouseNumber{40, ""}, true},
		{"VIA GIARDINI", "VIA GIARDINI", HouseNumber{}, false},
		{"VIA 2 GIUGNO", "VIA 2 GIUGNO", HouseNumber{}, false},
	} {
		street, n, ok := SplitAddress(c.in)
		if street != c.street || n != c.number || ok != c.ok {
			t.Errorf("SplitAddress(%q) = %q, %v, %v", c.in, street, n, ok)
		}
	}
	for _, bad := range []string{"", "A", "0", "12/3", "123456", "12-ABCDEFGH"} {
		if _, ok := ParseHouseNumber(bad); ok {
			t.Errorf("ParseHouseNumber(%q) accepted", bad)
		}
	}
}

func TestSimilarityMatchesPgTrgm(t *testing.T) {
	// From the pg_trgm documentation: similarity('word', 'two words') = 0.36363637.
	if got := Similarity("word", "two words"); math.Abs(got-0.36363637) > 1e-6 {
		t.Fatalf("Similarity = %v, want pg_trgm's 0.36363637", got)
	}
	if Similarity("VIA GIARDINI", "VIA GIARDINI") != 1 || Similarity("", "VIA") != 0 {
		t.Fatal("identity or empty similarity wrong")
	}
}

func TestLocate(t *testing.T) {
	reg := NewRegister([]Point{
		{StreetKey: "VIA GIARDINI", Number: HouseNumber{112, ""}, Location: orb.Point{10.90, 44.63}},
		{StreetKey: "VIA GIARDINI", Number: HouseNumber{112, "A"}, Location: orb.Point{10.91, 44.63}},
		{StreetKey: "VIA GIARDINI", Number: HouseNumber{114, ""}, Location: orb.Point{10.92, 44.63}},
		{StreetKey: "VIALE ANTONIO GRAMSCI", Number: HouseNumber{3, ""}, Location: orb.Point{10.93, 44.66}},
	})
	for _, c := range []struct {
		street  string
		number  HouseNumber
		quality Quality
		at      orb.Point
	}{
		{"Via Giardini", HouseNumber{112, "A"}, AddressExact, orb.Point{10.91, 44.63}},
		{"V. GIARDINI", HouseNumber{114, ""}, AddressExact, orb.Point{10.92, 44.63}},
		{"VIA GIARDNI", HouseNumber{114, ""}, AddressFuzzy, orb.Point{10.92, 44.63}},
		{"VIA GIARDINI", HouseNumber{114, "B"}, AddressFuzzy, orb.Point{10.92, 44.63}},
		{"VIA GIARDINI", HouseNumber{999, ""}, Street, orb.Point{10.91, 44.63}},
		{"V.LE GRAMSCI", HouseNumber{3, ""}, AddressFuzzy, orb.Point{10.93, 44.66}},
		{"VIA DEL TUTTO DIVERSA", HouseNumber{3, ""}, None, orb.Point{}},
	} {
		r := reg.Locate("", c.street, c.number)
		if r.Quality != c.quality || math.Abs(r.Location.Lon()-c.at.Lon()) > 1e-9 || math.Abs(r.Location.Lat()-c.at.Lat()) > 1e-9 {
			t.Errorf("Locate(%q, %v) = %+v, want %s at %v", c.street, c.number, r, c.quality, c.at)
		}
	}
}

// TestLocateWithinTheComune: the same street and number in two comuni are two addresses, and a
// record is placed by its own comune's register, never by a street of the same name elsewhere.
func TestLocateWithinTheComune(t *testing.T) {
	reg := NewRegister([]Point{
		{Municipality: "036023", StreetKey: "VIA ROMA", Number: HouseNumber{1, ""}, Location: orb.Point{10.92, 44.64}},
		{Municipality: "036005", StreetKey: "VIA ROMA", Number: HouseNumber{1, ""}, Location: orb.Point{10.88, 44.78}},
		{Municipality: "036005", StreetKey: "VIA GIUSEPPE GARIBALDI", Number: HouseNumber{7, ""}, Location: orb.Point{10.89, 44.78}},
	})
	for _, c := range []struct {
		municipality, street string
		quality              Quality
		at                   orb.Point
	}{
		{"036023", "VIA ROMA", AddressExact, orb.Point{10.92, 44.64}},
		{"036005", "Via Roma", AddressExact, orb.Point{10.88, 44.78}},
		{"036023", "VIA GIUSEPPE GARIBALDI", None, orb.Point{}}, // Carpi's street, not Modena's
		{"", "VIA ROMA", None, orb.Point{}},                     // which Via Roma? none
		{"037006", "VIA ROMA", None, orb.Point{}},
	} {
		r := reg.Locate(c.municipality, c.street, HouseNumber{1, ""})
		if c.street == "VIA GIUSEPPE GARIBALDI" {
			r = reg.Locate(c.municipality, c.street, HouseNumber{7, ""})
		}
		if r.Quality != c.quality || r.Location != c.at {
			t.Errorf("Locate(%q, %q) = %+v, want %s at %v", c.municipality, c.street, r, c.quality, c.at)
		}
	}
	if got := reg.Municipalities(); len(got) != 2 || got[0] != "036005" || reg.Streets() != 3 {
		t.Fatalf("municipalities %v, %d streets", got, reg.Streets())
	}
}

func FuzzStreetKey(f *testing.F) {
	for _, s := range []string{"V.LE GRAMSCI", "P.ZZA GRANDE 1", "Via Giosuè", "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := StreetKey(s)
		if StreetKey(k) != k {
			t.Fatalf("StreetKey not idempotent: %q -> %q -> %q", s, k, StreetKey(k))
		}
	})
}

func FuzzSplitAddress(f *testing.F) {
	for _, s := range []string{"VIA GIARDINI 112/A", "7 BIS", "VIA 2 GIUGNO", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _, _, _ = SplitAddress(s) })
}
