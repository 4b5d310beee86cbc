// Package population loads the municipal population register (anagrafe), pseudonymised with
// the linkage key like every other source: it gives rates by category their denominators and
// describes beneficiaries by their household. A load replaces the previous register whole.
package population

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/ingest/codicefiscale"
	"github.com/abitare/abitare/ingest/field"
	"github.com/abitare/abitare/ingest/pseudonym"
	"github.com/abitare/abitare/ingest/tabular"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
)

// Source is the name register loads are recorded under in ingest_batches.
const Source = "population_register"

var (
	citizenship    = map[string]string{"ITALIANA": "italian", "UE": "eu", "NON_UE": "non_eu"}
	householdTypes = abitare.HouseholdTypes
	required       = []string{"CODICE_FISCALE", "ID_FAMIGLIA", "SESSO", "DATA_NASCITA", "CITTADINANZA", "TIPO_FAMIGLIA"}
)

// Loader loads a register file.
type Loader struct {
	DB       *pgxpool.Pool
	Pseudo   *pseudonym.Keyed
	Area     *ingest.StudyArea
	LoadedBy string
	Options  tabular.Options
}

// ErrAlreadyLoaded is returned when the file is the register already stored: nothing changes.
var ErrAlreadyLoaded = errors.New("this register file is already loaded")

// Load replaces the stored register with the file's, in one transaction; any bad row rejects
// the file whole with every problem located. It returns the residents stored.
func (l *Loader) Load(ctx context.Context, path string) (int, error) {
	name := filepath.Base(path)
	sum, err := digest(path)
	if err != nil {
		return 0, err
	}
	var stored int
	err = l.DB.QueryRow(ctx, `SELECT rows_accepted FROM ingest_batches WHERE source = $1 AND file_sha256 = $2 AND status = 'active'`,
		Source, sum).Scan(&stored)
	if err == nil {
		return stored, ErrAlreadyLoaded
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("look up register batch: %w", err)
	}
	rows, err := ingest.OpenRows(path, name, l.Options, required)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	tx, err := l.DB.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	if err := checkKey(ctx, tx, l.Pseudo); err != nil {
		return 0, err
	}
	var batch int64
	err = tx.QueryRow(ctx, `
		INSERT INTO ingest_batches (source, file_name, file_sha256, rows_read, rows_accepted, rows_rejected, rows_duplicate, loaded_by)
		VALUES ($1, $2, $3, 0, 0, 0, 0, $4) RETURNING id`, Source, name, sum, l.LoadedBy).Scan(&batch)
	if err != nil {
		return 0, fmt.Errorf("record register batch: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM residents`); err != nil {
		return 0, err
	}
	var problems []ingest.Problem
	seen := map[[32]byte]int{}
	read := 0
	next := func() ([]any, error) {
		for {
			r, problem, err := rows.Next()
			if problem != nil {
				problems = append(problems, *problem)
			}
			if errors.Is(err, io.EOF) || err != nil {
				return nil, err
			}
			if problem != nil {
				continue
			}
			read++
			values, errs := l.parse(r, name, batch, seen)
			problems = append(problems, errs...)
			if len(problems) == 0 {
				return values, nil
			}
		}
	}
	src := &copySource{next: next}
	cols := []string{"pseudonym", "household", "birth_year", "sex", "citizenship", "household_type", "section_id", "h3_cell", "batch_id"}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"residents"}, cols, src)
	if err != nil {
		return 0, fmt.Errorf("store register: %w", err)
	}
	if len(problems) > 0 {
		return 0, ingest.Reject(problems)
	}
	if n == 0 {
		// An empty export (a failed extraction) would replace the register with nobody.
		return 0, ingest.Reject([]ingest.Problem{{File: name, Reason: "no records after the header"}})
	}
	if _, err := tx.Exec(ctx, `UPDATE ingest_batches SET rows_read = $2, rows_accepted = $3, people = $3 WHERE id = $1`, batch, read, n); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE ingest_batches SET status = 'superseded', superseded_by = $1, closed_at = now() WHERE source = $2 AND id <> $1 AND status = 'active'`, batch, Source); err != nil {
		return 0, err
	}
	return int(n), tx.Commit(ctx)
}

func (l *Loader) parse(r ingest.Row, name string, batch int64, seen map[[32]byte]int) ([]any, []ingest.Problem) {
	var problems []ingest.Problem
	fail := func(col, reason string) {
		problems = append(problems, ingest.Problem{File: name, Line: r.Line(), Field: col, Reason: reason})
	}
	code := strings.ToUpper(r.Get("CODICE_FISCALE"))
	if err := codicefiscale.Validate(code); err != nil {
		fail("CODICE_FISCALE", "invalid fiscal code: "+err.Error())
	}
	person := l.Pseudo.Pseudonym(pseudonym.FiscalCode, code)
	if first, dup := seen[person]; dup {
		fail("CODICE_FISCALE", fmt.Sprintf("the same person as line %d", first))
	}
	seen[person] = r.Line()
	household := l.Pseudo.Pseudonym("household", r.Get("ID_FAMIGLIA"))
	if r.Get("ID_FAMIGLIA") == "" {
		fail("ID_FAMIGLIA", "missing household id")
	}
	sex := strings.ToUpper(r.Get("SESSO"))
	if sex != "M" && sex != "F" {
		fail("SESSO", fmt.Sprintf("%q: want M or F", sex))
	}
	born, err := field.Date(r.Get("DATA_NASCITA"))
	if err != nil {
		fail("DATA_NASCITA", err.Error())
	}
	cit, ok := citizenship[strings.ToUpper(r.Get("CITTADINANZA"))]
	if !ok {
		fail("CITTADINANZA", fmt.Sprintf("%q: want ITALIANA, UE or NON_UE", r.Get("CITTADINANZA")))
	}
	htype := strings.ToUpper(r.Get("TIPO_FAMIGLIA"))
	if !contains(householdTypes, htype) {
		fail("TIPO_FAMIGLIA", fmt.Sprintf("%q: want one of %s", htype, strings.Join(householdTypes, ", ")))
	}
	section, cell := l.place(r.Get("LATITUDINE"), r.Get("LONGITUDINE"), fail)
	return []any{person[:], household[:], int16(born.Year()), sex, cit, htype, section, cell, batch}, problems
}

// place returns the census section and resolution-10 cell of a residence given by coordinates
// (both nil without coordinates). A home's coordinates are personal data: reasons say what is
// wrong, never the value.
func (l *Loader) place(lat, lon string, fail func(col, reason string)) (section, cell any) {
	switch {
	case lat == "" && lon == "":
		return nil, nil
	case lat == "":
		fail("LATITUDINE", "missing: latitude and longitude must come together")
		return nil, nil
	case lon == "":
		fail("LONGITUDINE", "missing: latitude and longitude must come together")
		return nil, nil
	}
	y, errY := field.Coordinate(lat)
	x, errX := field.Coordinate(lon)
	if errY != nil {
		fail("LATITUDINE", "not a coordinate (want 44,646512)")
	}
	if errX != nil {
		fail("LONGITUDINE", "not a coordinate (want 10,925321)")
	}
	if errY != nil || errX != nil {
		return nil, nil
	}
	p := orb.Point{x, y}
	if !l.Area.Contains(p) {
		fail("LATITUDINE", "point outside the study area ("+l.Area.Name+")")
		return nil, nil
	}
	if id, ok := l.Area.Section(p); ok {
		section = id
	}
	return section, int64(hexgrid.Cell(p, hexgrid.FinestResolution))
}

// ErrOtherKey is returned when the register is pseudonymised with a key other than the one
// that made the stored pseudonyms: its residents would never link to anyone's events.
var ErrOtherKey = errors.New("ABITARE_LINK_KEY is not the key that made the stored pseudonyms: refusing to mix them (load with the original key, or start a new database)")

// checkKey refuses a key other than the one recorded in link_key, and records the key's
// fingerprint on first use, as the loader of the agencies' files does.
func checkKey(ctx context.Context, tx pgx.Tx, p *pseudonym.Keyed) error {
	var stored []byte
	err := tx.QueryRow(ctx, `SELECT fingerprint FROM link_key FOR UPDATE`).Scan(&stored)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := tx.Exec(ctx, `INSERT INTO link_key (fingerprint) VALUES ($1)`, p.Fingerprint()); err != nil {
			return fmt.Errorf("record linkage key fingerprint: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read linkage key fingerprint: %w", err)
	}
	if !bytes.Equal(stored, p.Fingerprint()) {
		return ErrOtherKey
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func digest(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// copySource adapts a row function to pgx.CopyFromSource.
type copySource struct {
	next   func() ([]any, error)
	values []any
	err    error
}

func (c *copySource) Next() bool {
	c.values, c.err = c.next()
	return c.values != nil && c.err == nil
}
func (c *copySource) Values() ([]any, error) { return c.values, nil }
func (c *copySource) Err() error {
	if errors.Is(c.err, io.EOF) {
		return nil
	}
	return c.err
}
