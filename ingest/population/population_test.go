package population_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/ingest/codicefiscale"
	"github.com/abitare/abitare/ingest/population"
	"github.com/abitare/abitare/ingest/pseudonym"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/uber/h3-go/v4"
)

const header = "CODICE_FISCALE;ID_FAMIGLIA;SESSO;DATA_NASCITA;CITTADINANZA;TIPO_FAMIGLIA;LATITUDINE;LONGITUDINE\n"

// The study area is one square municipality, lon 10.90-10.96 and lat 44.62-44.67, whose southern
// half is cut into two census sections, S1 (west) and S2 (east); the northern half has none.
const areaSQL = `
	INSERT INTO municipalities (code, name, geom) VALUES
		('036023', 'Quadrato', ST_Multi(ST_MakeEnvelope(10.90, 44.62, 10.96, 44.67, 4326)));
	INSERT INTO census_sections (id, municipality_code, residents, synthetic, geom) VALUES
		('S1', '036023', 0, true, ST_Multi(ST_MakeEnvelope(10.90, 44.62, 10.93, 44.645, 4326))),
		('S2', '036023', 0, true, ST_Multi(ST_MakeEnvelope(10.93, 44.62, 10.96, 44.645, 4326)));`

// Points of the fixture, in the partners' style (decimal comma).
var (
	inS1      = [2]string{"44,630000", "10,910000"}
	inS1Other = [2]string{"44,640000", "10,925000"}
	inS2      = [2]string{"44,630000", "10,950000"}
	noSection = [2]string{"44,660000", "10,930000"}
	nowhere   = [2]string{"", ""}
)

type resident struct {
	code, household, sex, born, citizenship, householdType string
	at                                                     [2]string
}

func (r resident) line() string {
	return strings.Join([]string{r.code, r.household, r.sex, r.born, r.citizenship, r.householdType, r.at[0], r.at[1]}, ";") + "\n"
}

// person returns a resident with a valid, distinct fiscal code.
func person(i int, household string, at [2]string) resident {
	birth := time.Date(1940+i, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
	female := i%2 == 1
	sex := "M"
	if female {
		sex = "F"
	}
	return resident{
		code:      codicefiscale.Encode("RSS", fmt.Sprintf("M%cA", 'B'+i%20), birth, female, "F257"),
		household: household, sex: sex, born: birth.Format("02/01/2006"),
		citizenship: "ITALIANA", householdType: "COPPIA_CON_FIGLI", at: at,
	}
}

// fixture is seven residents in four households: three in S1 (two at the same door), two in S2,
// one in the area outside any section and one without coordinates.
func fixture() []resident {
	r := []resident{
		person(0, "F1", inS1), person(1, "F1", inS1), person(2, "F2", inS1Other),
		person(3, "F3", inS2), person(4, "F3", inS2),
		person(5, "F4", noSection), person(6, "F5", nowhere),
	}
	r[2].citizenship, r[2].householdType = "UE", "UNIPERSONALE"
	r[3].citizenship, r[4].citizenship = "NON_UE", "non_ue"
	r[3].householdType, r[4].householdType = "MONOGENITORE", "monogenitore"
	r[5].householdType, r[6].householdType = "ALTRO", "COPPIA_SENZA_FIGLI"
	return r
}

func content(rs []resident) string {
	var b strings.Builder
	b.WriteString(header)
	for _, r := range rs {
		b.WriteString(r.line())
	}
	return b.String()
}

type env struct {
	db     *pgxpool.Pool
	loader *population.Loader
	key    *pseudonym.Keyed
	dir    string
}

func setup(t testing.TB) *env {
	t.Helper()
	db := testdb.New(t)
	ctx := context.Background()
	if _, err := db.Pool.Exec(ctx, areaSQL); err != nil {
		t.Fatal(err)
	}
	area, err := ingest.LoadStudyArea(ctx, db.Pool)
	if err != nil {
		t.Fatal(err)
	}
	key, err := pseudonym.New([]byte("population-test-key-0123456789-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	return &env{db: db.Pool, key: key, dir: t.TempDir(),
		loader: &population.Loader{DB: db.Pool, Pseudo: key, Area: area, LoadedBy: "tester"}}
}

func (e *env) write(t testing.TB, name, s string) string {
	t.Helper()
	path := filepath.Join(e.dir, name)
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// state fingerprints the register and its batches.
func (e *env) state(t testing.TB) string {
	t.Helper()
	var s string
	err := e.db.QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM residents) || '/' ||
		       coalesce((SELECT md5(string_agg(r::text, ',' ORDER BY pseudonym)) FROM residents r), '-') || '/' ||
		       coalesce((SELECT md5(string_agg(b.id || b.status || b.rows_accepted || coalesce(b.superseded_by, 0), ',' ORDER BY id)) FROM ingest_batches b), '-') || '/' ||
		       coalesce((SELECT encode(fingerprint, 'hex') FROM link_key), '-')`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func cell(lat, lon float64) int64 { return int64(h3.LatLngToCell(h3.NewLatLng(lat, lon), 10)) }

func TestLoadPlacesResidentsInSectionsAndCells(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	rs := fixture()
	text := content(rs)
	path := e.write(t, "anagrafe.csv", text)
	n, err := e.loader.Load(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(rs) {
		t.Fatalf("stored %d residents, want %d", n, len(rs))
	}

	// Each resident, found by the pseudonym of the fiscal code, in the section and cell of home.
	wantCell := map[[2]string]any{
		inS1: cell(44.63, 10.91), inS1Other: cell(44.64, 10.925), inS2: cell(44.63, 10.95),
		noSection: cell(44.66, 10.93), nowhere: nil,
	}
	wantSection := map[[2]string]any{inS1: "S1", inS1Other: "S1", inS2: "S2", noSection: nil, nowhere: nil}
	wantCitizenship := map[string]string{"ITALIANA": "italian", "UE": "eu", "NON_UE": "non_eu", "non_ue": "non_eu"}
	households := map[string][]byte{}
	for _, r := range rs {
		p := e.key.Pseudonym(pseudonym.FiscalCode, r.code)
		var household []byte
		var year int16
		var sex, citizenship, htype string
		var section *string
		var h3cell *int64
		var batch int64
		err := e.db.QueryRow(ctx, `SELECT household, birth_year, sex, citizenship, household_type, section_id, h3_cell, batch_id
			FROM residents WHERE pseudonym = $1`, p[:]).Scan(&household, &year, &sex, &citizenship, &htype, &section, &h3cell, &batch)
		if err != nil {
			t.Fatalf("resident %s: %v", r.code, err)
		}
		born, _ := time.Parse("02/01/2006", r.born)
		if int(year) != born.Year() || sex != r.sex || citizenship != wantCitizenship[r.citizenship] || htype != strings.ToUpper(r.householdType) {
			t.Errorf("resident %s stored as %d %s %s %s", r.code, year, sex, citizenship, htype)
		}
		if !sameAny(section, wantSection[r.at]) || !sameAny(h3cell, wantCell[r.at]) {
			t.Errorf("resident at %v placed in section %v, cell %v; want %v, %v", r.at, deref(section), deref(h3cell), wantSection[r.at], wantCell[r.at])
		}
		if first, ok := households[r.household]; ok && !bytes.Equal(first, household) {
			t.Errorf("household %s has two pseudonyms", r.household)
		}
		households[r.household] = household
		if len(household) != pseudonym.Size || bytes.Equal(household, p[:]) {
			t.Errorf("household pseudonym of %s is not a keyed hash of its own kind", r.household)
		}
	}
	distinct := map[string]bool{}
	for _, h := range households {
		distinct[string(h)] = true
	}
	if len(distinct) != 5 {
		t.Errorf("%d distinct household pseudonyms, want 5", len(distinct))
	}

	// Residents per section and per cell: the denominators.
	perSection := counts(t, e.db, `SELECT coalesce(section_id, '-'), count(*) FROM residents GROUP BY 1`)
	if want := map[string]int{"-": 2, "S1": 3, "S2": 2}; !maps.Equal(perSection, want) {
		t.Errorf("residents per section %v, want %v", perSection, want)
	}
	perCell := counts(t, e.db, `SELECT coalesce(h3_cell::text, '-'), count(*) FROM residents GROUP BY 1`)
	wantPerCell := map[string]int{"-": 1, fmt.Sprint(wantCell[inS1]): 2, fmt.Sprint(wantCell[inS1Other]): 1,
		fmt.Sprint(wantCell[inS2]): 2, fmt.Sprint(wantCell[noSection]): 1}
	if !maps.Equal(perCell, wantPerCell) {
		t.Errorf("residents per cell %v, want %v", perCell, wantPerCell)
	}

	// The batch records the file, its digest and the counts; the key's fingerprint is recorded.
	var name, status, by string
	var digest, fingerprint []byte
	var read, accepted, people int
	err = e.db.QueryRow(ctx, `SELECT file_name, file_sha256, status, rows_read, rows_accepted, people, loaded_by,
		(SELECT fingerprint FROM link_key) FROM ingest_batches WHERE source = $1`, population.Source).
		Scan(&name, &digest, &status, &read, &accepted, &people, &by, &fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(text))
	if name != "anagrafe.csv" || !bytes.Equal(digest, sum[:]) || status != "active" || read != 7 || accepted != 7 || people != 7 || by != "tester" {
		t.Errorf("batch %s %x %s read %d accepted %d people %d by %s", name, digest, status, read, accepted, people, by)
	}
	if !bytes.Equal(fingerprint, e.key.Fingerprint()) {
		t.Errorf("link key fingerprint %x, want the loader's %x", fingerprint, e.key.Fingerprint())
	}
}

func TestLoadAcceptsLowerCaseCodesAsTheSamePerson(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	r := person(7, "F9", inS2)
	r.code, r.sex = strings.ToLower(r.code), "f"
	if _, err := e.loader.Load(ctx, e.write(t, "a.csv", content([]resident{r}))); err != nil {
		t.Fatal(err)
	}
	p := e.key.Pseudonym(pseudonym.FiscalCode, strings.ToUpper(r.code))
	var sex string
	if err := e.db.QueryRow(ctx, `SELECT sex FROM residents WHERE pseudonym = $1`, p[:]).Scan(&sex); err != nil || sex != "F" {
		t.Fatalf("lower-case code not stored under the upper-case code's pseudonym: %q, %v", sex, err)
	}
}

func TestLoadAgainAndReplacement(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	first := e.write(t, "anagrafe-2024.csv", content(fixture()))
	if _, err := e.loader.Load(ctx, first); err != nil {
		t.Fatal(err)
	}
	before := e.state(t)
	n, err := e.loader.Load(ctx, first)
	if !errors.Is(err, population.ErrAlreadyLoaded) || n != 7 {
		t.Fatalf("same file again: %d, %v; want 7 and ErrAlreadyLoaded", n, err)
	}
	// The same content under another name is the same register.
	n, err = e.loader.Load(ctx, e.write(t, "copy.csv", content(fixture())))
	if !errors.Is(err, population.ErrAlreadyLoaded) || n != 7 {
		t.Fatalf("a copy of the file: %d, %v; want 7 and ErrAlreadyLoaded", n, err)
	}
	if after := e.state(t); after != before {
		t.Fatalf("loading the same register again changed the database: %s -> %s", before, after)
	}

	// A newer register replaces the old one whole: two people left, one arrived.
	newer := append(fixture()[2:], person(30, "F30", inS2))
	n, err = e.loader.Load(ctx, e.write(t, "anagrafe-2025.csv", content(newer)))
	if err != nil || n != 6 {
		t.Fatalf("newer register: %d, %v; want 6", n, err)
	}
	gone := e.key.Pseudonym(pseudonym.FiscalCode, fixture()[0].code)
	arrived := e.key.Pseudonym(pseudonym.FiscalCode, person(30, "", nowhere).code)
	var total, stillThere, arrivedCount, active int
	var firstStatus string
	var supersededBy, newest int64
	err = e.db.QueryRow(ctx, `SELECT (SELECT count(*) FROM residents),
		(SELECT count(*) FROM residents WHERE pseudonym = $1), (SELECT count(*) FROM residents WHERE pseudonym = $2),
		(SELECT count(*) FROM ingest_batches WHERE status = 'active'),
		(SELECT status FROM ingest_batches ORDER BY id LIMIT 1), (SELECT coalesce(superseded_by, 0) FROM ingest_batches ORDER BY id LIMIT 1),
		(SELECT max(id) FROM ingest_batches)`, gone[:], arrived[:]).
		Scan(&total, &stillThere, &arrivedCount, &active, &firstStatus, &supersededBy, &newest)
	if err != nil {
		t.Fatal(err)
	}
	if total != 6 || stillThere != 0 || arrivedCount != 1 || active != 1 || firstStatus != "superseded" || supersededBy != newest {
		t.Fatalf("after replacement: %d residents, gone one %d, new one %d, %d active batches, first batch %s by %d (newest %d)",
			total, stillThere, arrivedCount, active, firstStatus, supersededBy, newest)
	}
	var wrongBatch int
	if err := e.db.QueryRow(ctx, `SELECT count(*) FROM residents WHERE batch_id <> $1`, newest).Scan(&wrongBatch); err != nil || wrongBatch != 0 {
		t.Fatalf("%d residents not of the newest batch (%v)", wrongBatch, err)
	}

	// The older file, no longer the stored register, may be loaded again and replaces the newer.
	n, err = e.loader.Load(ctx, first)
	if err != nil || n != 7 {
		t.Fatalf("older register again: %d, %v; want 7 stored", n, err)
	}
	if err := e.db.QueryRow(ctx, `SELECT count(*) FROM residents WHERE pseudonym = $1`, gone[:]).Scan(&stillThere); err != nil || stillThere != 1 {
		t.Fatalf("older register reloaded without its residents: %d (%v)", stillThere, err)
	}
}

func TestLoadRejectsBadRowsWithLineAndField(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	if _, err := e.loader.Load(ctx, e.write(t, "good.csv", content(fixture()))); err != nil {
		t.Fatal(err)
	}
	good := fixture()
	bad := func(f func(r *resident)) []resident {
		rs := fixture()
		f(&rs[3]) // the record on line 5
		return rs
	}
	invalid := []byte(good[3].code)
	invalid[15] = 'A' + (invalid[15]-'A'+1)%26 // a wrong check character
	for _, c := range []struct {
		name  string
		rows  []resident
		line  int
		field string
		why   string
	}{
		{"wrong check character", bad(func(r *resident) { r.code = string(invalid) }), 5, "CODICE_FISCALE", "invalid fiscal code"},
		{"short fiscal code", bad(func(r *resident) { r.code = r.code[:15] }), 5, "CODICE_FISCALE", "invalid fiscal code"},
		{"missing fiscal code", bad(func(r *resident) { r.code = "" }), 5, "CODICE_FISCALE", "invalid fiscal code"},
		{"the same person twice", bad(func(r *resident) { r.code = good[1].code }), 5, "CODICE_FISCALE", "the same person as line 3"},
		{"the same person in lower case", bad(func(r *resident) { r.code = strings.ToLower(good[0].code) }), 5, "CODICE_FISCALE", "the same person as line 2"},
		{"missing household", bad(func(r *resident) { r.household = "" }), 5, "ID_FAMIGLIA", "missing household id"},
		{"sex not M or F", bad(func(r *resident) { r.sex = "X" }), 5, "SESSO", "want M or F"},
		{"impossible birth date", bad(func(r *resident) { r.born = "31/02/1980" }), 5, "DATA_NASCITA", "not a date"},
		{"birth date in words", bad(func(r *resident) { r.born = "ieri" }), 5, "DATA_NASCITA", "not a date"},
		{"unknown citizenship", bad(func(r *resident) { r.citizenship = "MARZIANA" }), 5, "CITTADINANZA", "want ITALIANA, UE or NON_UE"},
		{"unknown household type", bad(func(r *resident) { r.householdType = "CONVIVENZA" }), 5, "TIPO_FAMIGLIA", "want one of"},
		{"latitude not a number", bad(func(r *resident) { r.at[0] = "nord" }), 5, "LATITUDINE", "not a coordinate"},
		{"longitude not a number", bad(func(r *resident) { r.at[1] = "10,9,5" }), 5, "LONGITUDINE", "not a coordinate"},
		{"latitude without longitude", bad(func(r *resident) { r.at[1] = "" }), 5, "LONGITUDINE", "must come together"},
		{"longitude without latitude", bad(func(r *resident) { r.at[0] = "" }), 5, "LATITUDINE", "must come together"},
		{"outside the study area", bad(func(r *resident) { r.at = [2]string{"44,494900", "11,342600"} }), 5, "LATITUDINE", "outside the study area"},
		{"latitude and longitude swapped", bad(func(r *resident) { r.at[0], r.at[1] = r.at[1], r.at[0] }), 5, "LATITUDINE", "outside the study area"},
		{"bad row last", append(fixture(), resident{code: "X"}), 9, "CODICE_FISCALE", "invalid fiscal code"},
	} {
		t.Run(c.name, func(t *testing.T) {
			problems := rejected(t, e, content(c.rows))
			for _, p := range problems {
				if p.File == "anagrafe.csv" && p.Line == c.line && p.Field == c.field && strings.Contains(p.Reason, c.why) {
					for _, v := range c.rows[3].at {
						if v != "" && strings.Contains(p.Reason, v) {
							t.Errorf("the reason gives the residence away: %q", p.Reason)
						}
					}
					return
				}
			}
			t.Fatalf("problems %v, want one at line %d, field %q, saying %q", problems, c.line, c.field, c.why)
		})
	}
	t.Run("every bad row reported", func(t *testing.T) {
		rs := fixture()
		rs[0].sex, rs[2].born, rs[2].citizenship, rs[6].household = "", "", "", ""
		var got []string
		for _, p := range rejected(t, e, content(rs)) {
			got = append(got, fmt.Sprintf("%d:%s", p.Line, p.Field))
		}
		sort.Strings(got)
		if want := "2:SESSO,4:CITTADINANZA,4:DATA_NASCITA,8:ID_FAMIGLIA"; strings.Join(got, ",") != want {
			t.Fatalf("problems at %v, want %s", got, want)
		}
	})
	t.Run("header only", func(t *testing.T) {
		for _, p := range rejected(t, e, header) {
			if p.Line == 0 && strings.Contains(p.Reason, "no records after the header") {
				return
			}
		}
		t.Fatal("an empty register was not rejected")
	})
	t.Run("missing column", func(t *testing.T) {
		text := strings.Replace(content(fixture()), "TIPO_FAMIGLIA;", "", 1)
		for _, p := range rejected(t, e, text) {
			if p.Line == 1 && p.Field == "TIPO_FAMIGLIA" && strings.Contains(p.Reason, "missing column") {
				return
			}
		}
		t.Fatal("a header without TIPO_FAMIGLIA was not rejected at line 1")
	})
	t.Run("record with an extra field", func(t *testing.T) {
		text := header + good[0].line() + strings.TrimSuffix(good[1].line(), "\n") + ";extra\n"
		for _, p := range rejected(t, e, text) {
			if p.Line == 3 && p.Field == "" && strings.Contains(p.Reason, "header has") {
				return
			}
		}
		t.Fatal("a record with an extra field was not rejected at line 3")
	})
}

// rejected loads a file that must be refused whole, checks that nothing changed, and returns
// the problems.
func rejected(t *testing.T, e *env, text string) []ingest.Problem {
	t.Helper()
	before := e.state(t)
	n, err := e.loader.Load(context.Background(), e.write(t, "anagrafe.csv", text))
	var rej *ingest.RejectedError
	if !errors.As(err, &rej) || n != 0 {
		t.Fatalf("load returned %d, %v; want a rejection", n, err)
	}
	if after := e.state(t); after != before {
		t.Fatalf("a rejected register changed the database: %s -> %s", before, after)
	}
	return rej.Problems
}

// A failure while storing, after the old register was deleted, leaves the old register whole.
func TestLoadIsAllOrNothing(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	if _, err := e.loader.Load(ctx, e.write(t, "good.csv", content(fixture()))); err != nil {
		t.Fatal(err)
	}
	_, err := e.db.Exec(ctx, `
		CREATE FUNCTION refuse_resident() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.birth_year = 1999 THEN RAISE EXCEPTION 'storage failed'; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER refuse_resident BEFORE INSERT ON residents FOR EACH ROW EXECUTE FUNCTION refuse_resident();`)
	if err != nil {
		t.Fatal(err)
	}
	before := e.state(t)
	newer := append(fixture()[1:], person(59, "F59", inS1)) // born 1999, stored last
	if _, err := e.loader.Load(ctx, e.write(t, "newer.csv", content(newer))); err == nil || !strings.Contains(err.Error(), "storage failed") {
		t.Fatalf("load with a failing store: %v", err)
	}
	if after := e.state(t); after != before {
		t.Fatalf("a failed store changed the database: %s -> %s", before, after)
	}
}

// The register must be pseudonymised with the key of the stored pseudonyms, or its residents
// would never link to anyone's events.
func TestLoadRefusesAnotherLinkageKey(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	if _, err := e.loader.Load(ctx, e.write(t, "a.csv", content(fixture()))); err != nil {
		t.Fatal(err)
	}
	before := e.state(t)
	other, _ := pseudonym.New([]byte("another-key-0123456789-0123456789-0123456789"))
	l := *e.loader
	l.Pseudo = other
	if _, err := l.Load(ctx, e.write(t, "b.csv", content(fixture()[1:]))); !errors.Is(err, population.ErrOtherKey) {
		t.Fatalf("load with another key: %v, want ErrOtherKey", err)
	}
	if after := e.state(t); after != before {
		t.Fatalf("a refused key changed the database: %s -> %s", before, after)
	}
	var fingerprint []byte
	if err := e.db.QueryRow(ctx, `SELECT fingerprint FROM link_key`).Scan(&fingerprint); err != nil || !bytes.Equal(fingerprint, e.key.Fingerprint()) {
		t.Fatalf("link key fingerprint %x (%v), want the register's key", fingerprint, err)
	}
}

func counts(t *testing.T, db *pgxpool.Pool, sql string) map[string]int {
	t.Helper()
	rows, err := db.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		out[k] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameAny[T comparable](got *T, want any) bool {
	if got == nil {
		return want == nil
	}
	w, ok := want.(T)
	return ok && w == *got
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
