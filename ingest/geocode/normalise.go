// Package geocode places Italian street addresses using an address register (the national
// register of street numbers, ANNCSU): street names are normalised (case, accents, the usual
// abbreviations), matched exactly, then by trigram similarity as pg_trgm computes it, and the
// house number is looked up on the matched street. Every result says how good the match was.
package geocode

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// abbreviations expands the street-type abbreviations of Italian addresses (DUG), keyed by the
// first token as it reads once dots are dropped: "V.LE" is "VLE", "P.ZZA" is "PZZA".
var abbreviations = map[string]string{
	"V": "VIA", "VIA": "VIA", "VL": "VIALE", "VLE": "VIALE", "VIALE": "VIALE",
	"PZA": "PIAZZA", "PZZA": "PIAZZA", "PIAZZA": "PIAZZA",
	"PLE": "PIAZZALE", "PZLE": "PIAZZALE", "PIAZZALE": "PIAZZALE",
	"CSO": "CORSO", "CORSO": "CORSO",
	"STR": "STRADA", "STRADA": "STRADA", "SS": "STRADA STATALE", "SP": "STRADA PROVINCIALE",
	"LGO": "LARGO", "LARGO": "LARGO", "VLO": "VICOLO", "VICOLO": "VICOLO",
	"STRADELLO": "STRADELLO", "STRLLO": "STRADELLO",
}

// wordAbbreviations expand common abbreviations inside names (never the last word, which is
// usually a surname: "VIA S. FAUSTINO" is "VIA SAN FAUSTINO", "VIA DEI S" stays).
var wordAbbreviations = map[string]string{
	"S": "SAN", "SS": "SANTI", "STA": "SANTA", "GEN": "GENERALE", "FLLI": "FRATELLI", "DOTT": "DOTTOR", "PROF": "PROFESSOR",
}

// StreetKey normalises a street name with its type ("V.LE Gramsci", "viale  A. Gramsci" ...)
// to the form the register is indexed by: upper case, no accents or punctuation, abbreviations
// expanded, single spaces.
func StreetKey(s string) string {
	words := tokens(s)
	if len(words) == 0 {
		return ""
	}
	if full, ok := abbreviations[words[0]]; ok {
		words = append(strings.Fields(full), words[1:]...)
	}
	for i := 1; i < len(words); i++ {
		if full, ok := wordAbbreviations[words[i]]; ok && i < len(words)-1 {
			words[i] = full
		}
	}
	return strings.Join(words, " ")
}

// tokens upper-cases s, strips accents and splits it into words; dots inside an abbreviation
// ("V.LE", "P.ZZA", "C.SO") join the letters rather than split them.
func tokens(s string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, " ")) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '.':
			// Dropped, so that "V.LE" reads "VLE" and "P.ZZA" reads "PZZA".
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToUpper(r))
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	return words
}

// HouseNumber is a civic number with its suffix (esponente), e.g. 12/A is {12, "A"}.
type HouseNumber struct {
	Number int
	Suffix string
}

// ParseHouseNumber reads "12", "12/A", "12 A", "12a", "7 BIS", "7/bis".
func ParseHouseNumber(s string) (HouseNumber, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 5 {
		return HouseNumber{}, false
	}
	n, _ := strconv.Atoi(s[:i])
	suffix := strings.Trim(s[i:], " /-")
	if n == 0 || !validSuffix(suffix) {
		return HouseNumber{}, false
	}
	return HouseNumber{Number: n, Suffix: suffix}, true
}

// validSuffix accepts the esponenti of civic numbers: none, one letter, or BIS, TER, QUATER.
func validSuffix(s string) bool {
	switch {
	case s == "", s == "BIS", s == "TER", s == "QUATER":
		return true
	case len(s) == 1:
		return s[0] >= 'A' && s[0] <= 'Z'
	}
	return false
}

// SplitAddress separates "VIA GIARDINI 112/A" (or "Via Giardini, 112 A") into the street and
// the house number. ok is false when no number ends the address.
func SplitAddress(addr string) (street string, number HouseNumber, ok bool) {
	addr = strings.TrimSpace(addr)
	fields := strings.Fields(strings.ReplaceAll(addr, ",", " "))
	// The number is the last field that starts with a digit, possibly followed by a suffix field.
	for i := len(fields) - 1; i >= 1 && i >= len(fields)-2; i-- {
		if fields[i][0] < '0' || fields[i][0] > '9' {
			continue
		}
		if hn, good := ParseHouseNumber(strings.Join(fields[i:], " ")); good {
			return strings.Join(fields[:i], " "), hn, true
		}
	}
	return addr, HouseNumber{}, false
}
