package ingest

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/abitare/abitare/ingest/field"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// comuni are the municipalities of the territory, found by what partner files write for a
// comune of residence: the ISTAT code (036023, or 36023 as a number), the cadastral code
// (F257) or the name (Modena, "Reggio nell'Emilia", "CITTA'").
type comuni struct {
	codes []string          // six-digit ISTAT codes, sorted
	byKey map[string]string // code, cadastral code or normalised name -> ISTAT code
	// others are the comuni the territory's boundary file named outside the territory, by the
	// same keys (table known_comuni).
	others map[string]string
}

// Comune is how a record's comune of residence matched the territory.
type Comune int

const (
	ComuneInside  Comune = iota // a comune of the territory
	ComuneOutside               // a comune the territory lacks: named in its boundary file, or a well-formed code
	ComuneUnknown               // no comune of the territory goes by that name
)

var (
	istatCodeText = regexp.MustCompile(`^[0-9]{4,6}$`)
	cadastralText = regexp.MustCompile(`^[A-Z][0-9]{3}$`)
)

func readComuni(ctx context.Context, db *pgxpool.Pool) (comuni, error) {
	rows, err := db.Query(ctx, `SELECT code, name, coalesce(cadastral_code, '') FROM municipalities ORDER BY code`)
	if err != nil {
		return comuni{}, fmt.Errorf("read the territory's comuni: %w", err)
	}
	c := comuni{byKey: map[string]string{}, others: map[string]string{}}
	var code, name, cadastral string
	_, err = pgx.ForEachRow(rows, []any{&code, &name, &cadastral}, func() error {
		c.add(code, name, cadastral)
		return nil
	})
	if err != nil {
		return comuni{}, fmt.Errorf("read the territory's comuni: %w", err)
	}
	rows, err = db.Query(ctx, `SELECT code, name, coalesce(cadastral_code, '') FROM known_comuni
		WHERE code NOT IN (SELECT code FROM municipalities) ORDER BY code`)
	if err != nil {
		return comuni{}, fmt.Errorf("read the known comuni: %w", err)
	}
	_, err = pgx.ForEachRow(rows, []any{&code, &name, &cadastral}, func() error {
		c.others[code] = code
		if cadastral != "" {
			c.others[strings.ToUpper(cadastral)] = code
		}
		c.others[comuneName(name)] = code
		return nil
	})
	if err != nil {
		return comuni{}, fmt.Errorf("read the known comuni: %w", err)
	}
	return c, nil
}

func (c *comuni) add(code, name, cadastral string) {
	c.codes = append(c.codes, code)
	c.byKey[code] = code
	if cadastral != "" {
		c.byKey[strings.ToUpper(cadastral)] = code
	}
	c.byKey[comuneName(name)] = code
}

// comuneName normalises a comune's name: upper case, accents and apostrophes dropped, any run
// of other characters one space ("Città" and "CITTA'" match, so do "Reggio nell'Emilia" and
// "REGGIO NELL EMILIA").
func comuneName(s string) string { return field.Fold(s, ' ') }

// Comune matches what a record gives as its comune of residence.
func (a *StudyArea) Comune(text string) (string, Comune) {
	t := strings.ToUpper(strings.TrimSpace(text))
	if istatCodeText.MatchString(t) {
		n, _ := strconv.Atoi(t)
		t = fmt.Sprintf("%06d", n)
	}
	if code, ok := a.comuni.byKey[t]; ok {
		return code, ComuneInside
	}
	if code, ok := a.comuni.byKey[comuneName(text)]; ok {
		return code, ComuneInside
	}
	if code, ok := a.comuni.others[t]; ok {
		return code, ComuneOutside
	}
	if code, ok := a.comuni.others[comuneName(text)]; ok {
		return code, ComuneOutside
	}
	if istatCodeText.MatchString(t) || cadastralText.MatchString(t) {
		return t, ComuneOutside
	}
	return "", ComuneUnknown
}

// OnlyComune is the territory's comune when it has exactly one.
func (a *StudyArea) OnlyComune() (string, bool) {
	if len(a.comuni.codes) == 1 {
		return a.comuni.codes[0], true
	}
	return "", false
}

// Comuni is the number of comuni of the territory (0 for an area made without them).
func (a *StudyArea) Comuni() int { return len(a.comuni.codes) }
