// Package codicefiscale validates, decodes and builds Italian fiscal codes (codice fiscale).
//
// A fiscal code has 16 characters: surname block (3 letters), name block (3 letters), year
// (2 digits), month letter, day (2 digits, +40 for women), birthplace code (a letter and 3
// digits, "Z" for a foreign country) and a check character. Omocodia replaces digits, from the
// right, with the letters L M N P Q R S T U V to keep codes unique; omocodes are different
// people and are never merged.
//
// Errors never contain the code itself, so callers may print them into reports and logs.
package codicefiscale

import (
	"errors"
	"fmt"
	"time"
)

// Length is the number of characters of a fiscal code.
const Length = 16

// monthLetters maps month 1..12 to its letter (index 0 is January).
const monthLetters = "ABCDEHLMPRST"

// omocodiaLetters maps digit d to the letter that replaces it in an omocode.
const omocodiaLetters = "LMNPQRSTUV"

// digitPositions are the 0-based positions that hold a digit or its omocodia letter.
var digitPositions = [...]int{6, 7, 9, 10, 12, 13, 14}

// oddValues holds the check-sum value of characters at odd (1-based) positions, for the
// digits 0-9 followed by the letters A-Z (digit d and the d-th letter share a value).
var oddValues = [26]int{
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // A-J (and 0-9)
	2, 4, 18, 20, 11, 3, 6, 8, 12, 14, // K-T
	16, 10, 22, 25, 24, 23, // U-Z
}

// Info is what a fiscal code tells about its holder.
type Info struct {
	// BirthDate is the date of birth; the century is a guess (see Decode).
	BirthDate time.Time
	// Female reports a day field above 40.
	Female bool
	// Birthplace is the cadastral (Belfiore) code of the municipality, or the Z-code of the
	// foreign country, of birth, e.g. "F257" or "Z330".
	Birthplace string
	// ForeignBorn reports a birthplace outside Italy (a Z-code).
	ForeignBorn bool
}

// ErrLength is returned (wrapped) when a code does not have 16 characters.
var ErrLength = errors.New("wrong length")

// Validate reports whether code is a well-formed fiscal code with a correct check character.
// Only uppercase input is accepted. The error never contains the code.
func Validate(code string) error {
	if len(code) != Length {
		return fmt.Errorf("length %d, want %d: %w", len(code), Length, ErrLength)
	}
	if err := checkPattern(code); err != nil {
		return err
	}
	norm := normalise(code)
	if err := checkDate(norm); err != nil {
		return err
	}
	want, err := CheckChar(code[:15])
	if err != nil {
		return err
	}
	if code[15] != want {
		return fmt.Errorf("check character is %c, want %c", code[15], want)
	}
	return nil
}

// CheckChar computes the check character of the first 15 characters of a fiscal code with the
// official odd/even tables. Omocodia letters are accepted as they stand.
func CheckChar(first15 string) (byte, error) {
	if len(first15) != 15 {
		return 0, fmt.Errorf("check character needs 15 characters, got %d", len(first15))
	}
	sum := 0
	for i := 0; i < 15; i++ {
		v, ok := charIndex(first15[i])
		if !ok {
			return 0, fmt.Errorf("position %d: invalid character", i+1)
		}
		if i%2 == 0 { // 1-based odd position
			sum += oddValues[v]
		} else {
			sum += v
		}
	}
	return byte('A' + sum%26), nil
}

// Decode validates code and returns what it tells about its holder. Omocodia letters are read
// back as digits. The century is guessed: a two-digit year above the current two-digit year
// means the 1900s, otherwise the 2000s.
func Decode(code string) (Info, error) {
	return DecodeAt(code, time.Now())
}

// DecodeAt is Decode with the century guessed relative to ref (e.g. the date of the record)
// instead of today: a two-digit year above ref's two-digit year means the 1900s.
func DecodeAt(code string, ref time.Time) (Info, error) {
	now := ref
	if err := Validate(code); err != nil {
		return Info{}, err
	}
	norm := normalise(code)
	yy := atoi2(norm[6:8])
	month := indexByte(monthLetters, norm[8]) + 1
	day := atoi2(norm[9:11])
	female := day > 40
	if female {
		day -= 40
	}
	year := 2000 + yy
	if yy > now.Year()%100 {
		year = 1900 + yy
	}
	birth := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if birth.Day() != day {
		return Info{}, errors.New("birth date does not exist")
	}
	place := norm[11:15]
	return Info{BirthDate: birth, Female: female, Birthplace: place, ForeignBorn: place[0] == 'Z'}, nil
}

// Encode builds the fiscal code for the given 3-letter surname and name blocks, birth date,
// sex and 4-character birthplace code, computing the check character. It does not apply
// omocodia (see Omocode). Inputs are expected uppercase and well-formed; the result of
// malformed inputs does not validate.
func Encode(surname3, name3 string, birth time.Time, female bool, birthplace string) string {
	day := birth.Day()
	if female {
		day += 40
	}
	b := make([]byte, 0, Length)
	b = append(b, surname3...)
	b = append(b, name3...)
	b = append(b, byte('0'+birth.Year()%100/10), byte('0'+birth.Year()%10))
	b = append(b, monthLetters[int(birth.Month())-1])
	b = append(b, byte('0'+day/10), byte('0'+day%10))
	b = append(b, birthplace...)
	if len(b) != 15 {
		return string(b)
	}
	c, err := CheckChar(string(b))
	if err != nil {
		return string(b)
	}
	return string(append(b, c))
}

// Omocode returns the n-th omocode variant of a valid code (n = 1..7 replaces the n rightmost
// digit positions with their omocodia letters) with a recomputed check character.
func Omocode(code string, n int) (string, error) {
	if err := Validate(code); err != nil {
		return "", err
	}
	if n < 0 || n > len(digitPositions) {
		return "", fmt.Errorf("omocodia level %d, want 0-%d", n, len(digitPositions))
	}
	b := []byte(normalise(code))
	for k := 0; k < n; k++ {
		p := digitPositions[len(digitPositions)-1-k]
		b[p] = omocodiaLetters[b[p]-'0']
	}
	c, err := CheckChar(string(b[:15]))
	if err != nil {
		return "", err
	}
	b[15] = c
	return string(b), nil
}

// checkPattern verifies letters and digits are where they belong.
func checkPattern(code string) error {
	for i := 0; i < Length; i++ {
		c := code[i]
		if isDigitPosition(i) {
			if !isDigit(c) && indexByte(omocodiaLetters, c) < 0 {
				return fmt.Errorf("position %d: want a digit or omocodia letter", i+1)
			}
			continue
		}
		if !isUpper(c) {
			return fmt.Errorf("position %d: want an uppercase letter", i+1)
		}
	}
	if indexByte(monthLetters, code[8]) < 0 {
		return fmt.Errorf("position 9: month letter %c not in %s", code[8], monthLetters)
	}
	return nil
}

// checkDate verifies the day field of a normalised code.
func checkDate(norm string) error {
	day := atoi2(norm[9:11])
	if (day < 1 || day > 31) && (day < 41 || day > 71) {
		return fmt.Errorf("day field %02d, want 01-31 or 41-71", day)
	}
	return nil
}

// normalise replaces omocodia letters with their digits.
func normalise(code string) string {
	b := []byte(code)
	for _, p := range digitPositions {
		if d := indexByte(omocodiaLetters, b[p]); d >= 0 {
			b[p] = byte('0' + d)
		}
	}
	return string(b)
}

func isDigitPosition(i int) bool {
	for _, p := range digitPositions {
		if p == i {
			return true
		}
	}
	return false
}

// charIndex maps '0'-'9' to 0-9 and 'A'-'Z' to 0-25.
func charIndex(c byte) (int, bool) {
	switch {
	case isDigit(c):
		return int(c - '0'), true
	case isUpper(c):
		return int(c - 'A'), true
	}
	return 0, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
