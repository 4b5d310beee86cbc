// Package field parses the values of Italian agency exports: dates written dd/mm/yyyy (or ISO),
// decimals with a comma and thousands with a dot.
package field

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Date parses dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd.
func Date(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (want dd/mm/yyyy)", s)
}

// Decimal parses an Italian decimal: "1.250,50", "1250,5", "-0,25". A plain "1250.50" with a
// single dot and two or more decimals is also taken, as spreadsheets sometimes write it; a
// value with a dot and no comma is otherwise ambiguous and refused.
func Decimal(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty number")
	}
	normalised := s
	switch {
	case strings.Contains(s, ","):
		if strings.Count(s, ",") > 1 || strings.LastIndex(s, ".") > strings.Index(s, ",") {
			return 0, fmt.Errorf("%q is not a number (want 1.234,56)", s)
		}
		if !validThousands(s[:strings.Index(s, ",")]) {
			return 0, fmt.Errorf("%q has misplaced thousands separators", s)
		}
		normalised = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
	case strings.Count(s, ".") == 1 && len(s)-strings.Index(s, ".") != 4:
		// "12.5" or "44.123456": a decimal point, since a thousands dot has three digits after it.
	case strings.Contains(s, "."):
		if !validThousands(s) {
			return 0, fmt.Errorf("%q is ambiguous: write decimals with a comma", s)
		}
		normalised = strings.ReplaceAll(s, ".", "")
	}
	v, err := strconv.ParseFloat(normalised, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number (want 1.234,56)", s)
	}
	return v, nil
}

// validThousands reports whether the dots in an integer part group digits by three.
func validThousands(intPart string) bool {
	intPart = strings.TrimPrefix(strings.TrimPrefix(intPart, "-"), "+")
	groups := strings.Split(intPart, ".")
	if len(groups) == 1 {
		return true
	}
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

// Coordinate parses a longitude or latitude written with a decimal comma or a decimal point
// ("44,646512" or "44.646512"); unlike Decimal it never reads a dot as a thousands separator.
func Coordinate(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if strings.Count(s, ",")+strings.Count(s, ".") > 1 {
		return 0, fmt.Errorf("%q is not a coordinate (want 44,646512)", s)
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a coordinate (want 44,646512)", s)
	}
	return v, nil
}

// Fold writes a name for matching: in capitals, accents dropped, each run of characters other
// than letters and digits as one sep, none at either end. With '_' it makes column names
// ("Cod. Fiscale" -> COD_FISCALE), with ' ' comuni's names ("Città" and "CITTA'" -> CITTA).
func Fold(s string, sep byte) string {
	var b strings.Builder
	pending := false
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, " ")) {
		switch {
		case unicode.Is(unicode.Mn, r): // a combining accent: drop it
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if pending && b.Len() > 0 {
				b.WriteByte(sep)
			}
			pending = false
			b.WriteRune(unicode.ToUpper(r))
		default:
			pending = true
		}
	}
	return b.String()
}
