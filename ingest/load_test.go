package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/abitare/abitare/geo/zones"
	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/ingest/codicefiscale"
	"github.com/abitare/abitare/ingest/geocode"
	"github.com/abitare/abitare/ingest/pseudonym"
	"github.com/abitare/abitare/ingest/source"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/paulmach/orb"
)

const header = "CODICE_FISCALE;TIPO_INTERVENTO;DATA_INIZIO;DATA_FINE;IMPORTO_EURO;INDIRIZZO;CAP;LATITUDINE;LONGITUDINE\n"

func code(i int) string {
	return codicefiscale.Encode("RSS", fmt.Sprintf("%c%cA", 'B'+i%20, 'C'+i/20%20), time.Date(1970+i%40, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC), i%2 == 0, "F257")
}

func validRows(n int) string {
	var b strings.Builder
	b.WriteString(header)
	for i := 0; i < n; i++ {
		kind := "CONTRIBUTO_ECONOMICO"
		if i%3 == 0 {
			kind = "CONTRIBUTO_AFFITTO"
		}
		fmt.Fprintf(&b, "%s;%s;%02d/03/2025;;1.250,00;VIA GIARDINI %d;41124;44,6%04d;10,91%03d\n", code(i), kind, 1+i%28, i+1, 3000+i, 100+i)
	}
	return b.String()
}

type fixture struct {
	db     *testdb.DB
	loader *ingest.Loader
	dir    string
}

func setup(t *testing.T) *fixture {
	t.Helper()
	db := testdb.New(t)
	ctx := context.Background()
	if _, err := zones.LoadModena(ctx, db.Pool); err != nil {
		t.Fatal(err)
	}
	area, err := ingest.LoadStudyArea(ctx, db.Pool)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := pseudonym.New([]byte("test-key-0123456789-0123456789-0123456789"))
	return &fixture{db: db, dir: t.TempDir(), loader: &ingest.Loader{
		DB: db.Pool, Pseudo: p, Area: area, LoadedBy: "test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:    func() time.Time { return time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC) },
	}}
}

func (f *fixture) write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(f.dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// state is a fingerprint of everything a load may change.
func (f *fixture) state(t *testing.T) string {
	t.Helper()
	var s string
	err := f.db.Pool.QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM events) || '/' || (SELECT count(*) FROM people) || '/' ||
		       (SELECT count(*) FROM ingest_batches) || '/' ||
		       coalesce((SELECT md5(string_agg(e::text, ',' ORDER BY id)) FROM events e), '-')`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var socialServices, _ = source.Lookup("social_services")

func TestLoadStoresPseudonymisedEventsOnce(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	path := f.write(t, "servizi_sociali.csv", validRows(30))
	res, err := f.loader.Load(ctx, socialServices, []string{path})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].RowsRead != 30 || res[0].RowsAccepted != 30 {
		t.Fatalf("first load: %+v, want 30 read and stored", res[0])
	}
	var events, people, poverty, housing, withCell int
	err = f.db.Pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT person), count(*) FILTER (WHERE domain = 'poverty'),
		count(*) FILTER (WHERE domain = 'housing'), count(*) FILTER (WHERE h3_cell > 0) FROM events`).Scan(&events, &people, &poverty, &housing, &withCell)
	if err != nil {
		t.Fatal(err)
	}
	if events != 30 || people != 30 || housing != 10 || poverty != 20 || withCell != 30 {
		t.Fatalf("stored %d events of %d people (%d poverty, %d housing, %d with a cell)", events, people, poverty, housing, withCell)
	}

	before := f.state(t)
	res, err = f.loader.Load(ctx, socialServices, []string{path})
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].AlreadyLoaded || f.state(t) != before {
		t.Fatalf("second load of the same file changed the database: %+v", res[0])
	}
	// Rows repeated in another file of a different period are duplicates, not new events.
	res, err = f.loader.Load(ctx, socialServices, []string{f.write(t, "partial.csv", validRows(10)+"\n")})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].RowsAccepted != 0 || res[0].RowsDuplicate != 10 || len(res[0].Superseded) != 0 {
		t.Fatalf("partial re-export: %+v, want 10 duplicates and nothing replaced", res[0])
	}
}

func TestNewerExtractReplacesTheOlderOne(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if _, err := f.loader.Load(ctx, socialServices, []string{f.write(t, "march.csv", validRows(20))}); err != nil {
		t.Fatal(err)
	}
	// A corrected extract of the same period: 25 rows, of which 20 as before.
	res, err := f.loader.Load(ctx, socialServices, []string{f.write(t, "march-v2.csv", validRows(25))})
	if err != nil {
		t.Fatal(err)
	}
	if len(res[0].Superseded) != 1 || res[0].RowsAccepted != 25 {
		t.Fatalf("newer extract: %+v, want batch 1 replaced and 25 events", res[0])
	}
	var events, active int
	err = f.db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM ingest_batches WHERE status = 'active')`).Scan(&events, &active)
	if err != nil || events != 25 || active != 1 {
		t.Fatalf("after replacement: %d events in %d active batches (%v)", events, active, err)
	}
	// Rolling back the newer extract brings the older one back, events and all.
	if _, err := ingest.Rollback(ctx, f.db.Pool, res[0].BatchID); err != nil {
		t.Fatalf("rollback of a replacing batch: %v", err)
	}
	var status string
	err = f.db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM events), (SELECT status FROM ingest_batches WHERE id = $1)`, res[0].Superseded[0]).Scan(&events, &status)
	if err != nil || events != 20 || status != "active" {
		t.Fatalf("after rolling back the newer extract: %d events, older batch %s (%v); want 20, active", events, status, err)
	}
}

func TestDryRunAndRollback(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	path := f.write(t, "s.csv", validRows(12))
	before := f.state(t)
	f.loader.DryRun = true
	res, err := f.loader.Load(ctx, socialServices, []string{path})
	if err != nil || res[0].RowsAccepted != 12 {
		t.Fatalf("dry run: %+v, %v", res, err)
	}
	if f.state(t) != before {
		t.Fatal("dry run wrote to the database")
	}
	f.loader.DryRun = false
	res, err = f.loader.Load(ctx, socialServices, []string{path})
	if err != nil {
		t.Fatal(err)
	}
	removed, err := ingest.Rollback(ctx, f.db.Pool, res[0].BatchID)
	if err != nil || removed != 12 {
		t.Fatalf("rollback removed %d: %v", removed, err)
	}
	var events, people int
	_ = f.db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM people)`).Scan(&events, &people)
	if events != 0 || people != 0 {
		t.Fatalf("after rollback: %d events, %d people", events, people)
	}
	if _, err := ingest.Rollback(ctx, f.db.Pool, res[0].BatchID); !errors.Is(err, ingest.ErrNoSuchBatch) {
		t.Fatalf("second rollback: %v", err)
	}
	// The rolled-back file may be loaded again.
	res, err = f.loader.Load(ctx, socialServices, []string{path})
	if err != nil || res[0].AlreadyLoaded || res[0].RowsAccepted != 12 {
		t.Fatalf("reload after rollback: %+v, %v", res, err)
	}
}

func TestFormatsLoadTheSameEvents(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	content := validRows(8)
	latin1 := strings.ReplaceAll(content, "VIA GIARDINI", "VIA CITT\xc0") // "À" in Windows-1252
	variants := map[string]string{
		"semicolon.csv": content,
		"bom.csv":       "\xef\xbb\xbf" + content,
		"comma.csv":     commaSeparated(content),
		"tab.tsv":       strings.ReplaceAll(content, ";", "\t"),
		"crlf.csv":      strings.ReplaceAll(content, "\n", "\r\n"),
		"latin1.csv":    latin1,
		"aliases.csv":   strings.Replace(content, "CODICE_FISCALE;TIPO_INTERVENTO", "Cod. Fiscale;Tipo intervento", 1),
	}
	var want string
	for _, name := range []string{"semicolon.csv", "bom.csv", "comma.csv", "tab.tsv", "crlf.csv", "latin1.csv", "aliases.csv"} {
		res, err := f.loader.Load(ctx, socialServices, []string{f.write(t, name, variants[name])})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got string
		err = f.db.Pool.QueryRow(ctx, `SELECT md5(string_agg(encode(person, 'hex') || kind || event_date || coalesce(amount::text, '') || h3_cell, ',' ORDER BY person, kind))
			FROM events WHERE batch_id = $1`, res[0].BatchID).Scan(&got)
		if err != nil {
			t.Fatal(err)
		}
		if want == "" {
			want = got
		}
		if got != want || res[0].RowsRead != 8 {
			t.Errorf("%s [%s]: %d rows, events differ from the plain file's", name, res[0].Format, res[0].RowsRead)
		}
		if _, err := ingest.Rollback(ctx, f.db.Pool, res[0].BatchID); err != nil {
			t.Fatal(err)
		}
	}
}

// commaSeparated rewrites a ;-separated file as a ,-separated one, quoting the fields that
// hold a decimal comma, as spreadsheets export it.
func commaSeparated(content string) string {
	var out []string
	for _, line := range strings.Split(content, "\n") {
		fields := strings.Split(line, ";")
		for i, f := range fields {
			if strings.Contains(f, ",") {
				fields[i] = `"` + f + `"`
			}
		}
		out = append(out, strings.Join(fields, ","))
	}
	return strings.Join(out, "\n")
}

func TestTemporaryHealthCodes(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	health, _ := source.Lookup("health_authority")
	file := "CODICE_FISCALE;TIPO_PRESA_IN_CARICO;DATA_PRESA_IN_CARICO;LATITUDINE;LONGITUDINE\n" +
		"STP0801130000042;SALUTE_MENTALE;03/02/2025;44,64;10,92\n" +
		"ENI0801130000007;CRONICITA;03/02/2025;44,64;10,92\n" +
		code(3) + ";DIPENDENZE;04/02/2025;44,64;10,92\n"
	res, err := f.loader.Load(ctx, health, []string{f.write(t, "ausl.csv", file)})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, k := range res[0].Linkage.ByKind {
		kinds[k.Kind] = k.People
	}
	if kinds["stp"] != 1 || kinds["eni"] != 1 || kinds["cf"] != 1 {
		t.Fatalf("identifier kinds: %+v", res[0].Linkage)
	}
	_, err = f.loader.Load(ctx, socialServices, []string{f.write(t, "soc.csv", header+
		"STP0801130000042;CONTRIBUTO_ECONOMICO;01/03/2025;;100,00;VIA X 1;41121;44,64;10,92\n")})
	if err == nil || !strings.Contains(err.Error(), "soc.csv:2:CODICE_FISCALE:STP code: this source must identify people by fiscal code") {
		t.Fatalf("STP code in social services: %v", err)
	}
}

func TestAddressOnlyRecordsAreGeocoded(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	f.loader.Register = geocode.NewRegister([]geocode.Point{
		{StreetKey: "VIA GIARDINI", Number: geocode.HouseNumber{Number: 12, Suffix: "A"}, Location: orb.Point{10.9102, 44.6301}},
		{StreetKey: "VIALE ANTONIO GRAMSCI", Number: geocode.HouseNumber{Number: 3}, Location: orb.Point{10.9301, 44.6602}},
	})
	work, _ := source.Lookup("employment_agency")
	file := "Codice Fiscale\tTipo evento\tData evento\tStato\tIndirizzo\tCivico\tCAP\n" +
		code(1) + "\tISCRIZIONE_CPI\t2025-02-01\tATTIVA\tV. Giardini\t12/a\t41124\n" +
		code(2) + "\tISCRIZIONE_CPI\t2025-02-01\tSOSPESA\tV.LE GRAMSCI\t3\t41122\n" +
		code(3) + "\tFORMAZIONE\t2025-02-01\t\tVIA GIARDINI\t99\t41124\n" +
		code(4) + "\tFORMAZIONE\t2025-02-01\t\tVIA CHE NON ESISTE\t1\t41124\n"
	res, err := f.loader.Load(ctx, work, []string{f.write(t, "lavoro.tsv", file)})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].RowsGeocoded != 3 || res[0].RowsUnlocated != 1 || res[0].RowsAccepted != 4 {
		t.Fatalf("geocoding: %+v", res[0])
	}
	rows, err := f.db.Pool.Query(ctx, `SELECT location_quality, h3_cell IS NOT NULL, section_id IS NULL FROM events ORDER BY location_quality`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var q string
		var placed, noSection bool
		_ = rows.Scan(&q, &placed, &noSection)
		got = append(got, fmt.Sprintf("%s:%v", q, placed))
	}
	if strings.Join(got, " ") != "address_exact:true address_fuzzy:true none:false street:true" {
		t.Fatalf("qualities: %v", got)
	}
}

func TestNoFiscalCodeReachesTheDatabase(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if _, err := f.loader.Load(ctx, socialServices, []string{f.write(t, "s.csv", validRows(20))}); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"events", "people", "ingest_batches"} {
		rows, err := f.db.Pool.Query(ctx, fmt.Sprintf("SELECT t::text FROM %s t", table))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var text string
			if err := rows.Scan(&text); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 20; i++ {
				if strings.Contains(strings.ToUpper(text), code(i)) {
					t.Fatalf("fiscal code found in table %s", table)
				}
			}
		}
		rows.Close()
	}
}

func TestOneBadRowRejectsTheWholeLoad(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if _, err := f.loader.Load(ctx, socialServices, []string{f.write(t, "first.csv", validRows(5))}); err != nil {
		t.Fatal(err)
	}
	before := f.state(t)

	bad := code(40)
	bad = bad[:15] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZ", bad[15])+1)%26])
	lines := strings.Split(validRows(12), "\n")
	lines[8] = strings.Replace(lines[8], code(7), bad, 1) // file line 9
	good := f.write(t, "good.csv", validRows(3))
	broken := f.write(t, "broken.csv", strings.Join(lines, "\n"))

	_, err := f.loader.Load(ctx, socialServices, []string{good, broken})
	var rej *ingest.RejectedError
	if !errors.As(err, &rej) {
		t.Fatalf("want a RejectedError, got %v", err)
	}
	if rej.Total != 1 || !strings.HasPrefix(rej.Problems[0].String(), "broken.csv:9:CODICE_FISCALE:invalid fiscal code: check character") {
		t.Fatalf("report: %v", err)
	}
	if strings.Contains(err.Error(), bad) {
		t.Fatal("the report repeats the fiscal code")
	}
	if after := f.state(t); after != before {
		t.Fatalf("database changed by a rejected load: %s -> %s", before, after)
	}
}

func TestBadInputIsReportedByLineAndField(t *testing.T) {
	f := setup(t)
	row := func(cf, kind, date, end, amount, lat, lon string) string {
		return fmt.Sprintf("%s;%s;%s;%s;%s;VIA X 1;41121;%s;%s\n", cf, kind, date, end, amount, lat, lon)
	}
	ok := code(1)
	for name, tc := range map[string]struct{ content, want string }{
		"empty":          {"", "empty.csv:0::empty file"},
		"header only":    {header, "header only.csv:0::no records after the header"},
		"missing column": {"CODICE_FISCALE;TIPO_INTERVENTO\n", "missing column.csv:1:DATA_INIZIO:missing column"},
		"other source":   {"CODICE_FISCALE;TIPO_PRATICA;DATA_PRATICA\n", "other source.csv:1::this looks like a file of source housing_office"},
		"no place":       {header + row(ok, "CONTRIBUTO_AFFITTO", "01/02/2025", "", "1,0", "", "")[:60] + "\n", "no place.csv:2:"},
		"half point":     {header + row(ok, "CONTRIBUTO_AFFITTO", "01/02/2025", "", "1,0", "44,64", ""), "half point.csv:2:LATITUDINE:latitude and longitude must come together"},
		"truncated":      {header + ok + ";CONTRIBUTO_AFFITTO;\"01/02/2025", "truncated.csv:2::"},
		"utf16":          {"\xff\xfeC\x00F\x00", "utf16.csv:0::"},
		"unknown kind":   {header + row(ok, "BONUS", "01/02/2025", "", "1,0", "44,64", "10,92"), `unknown kind.csv:2:TIPO_INTERVENTO:unknown code "BONUS"`},
		"future date":    {header + row(ok, "CONTRIBUTO_AFFITTO", "01/02/2026", "", "1,0", "44,64", "10,92"), "future date.csv:2:DATA_INIZIO:01/02/2026 is in the future"},
		"bad date":       {header + row(ok, "CONTRIBUTO_AFFITTO", "31/02/2025", "", "1,0", "44,64", "10,92"), "bad date.csv:2:DATA_INIZIO:"},
		"end before":     {header + row(ok, "CONTRIBUTO_AFFITTO", "01/02/2025", "01/01/2025", "1,0", "44,64", "10,92"), "end before.csv:2:DATA_FINE:ends before it starts"},
		"bad amount":     {header + row(ok, "CONTRIBUTO_AFFITTO", "01/02/2025", "", "12,5.0", "44,64", "10,92"), "bad amount.csv:2:IMPORTO_EURO:"},
		"swapped":        {header + row(ok, "CONTRIBUTO_AFFITTO", "01/02/2025", "", "1,0", "10,92", "44,64"), "swapped.csv:2:LATITUDINE:latitude and longitude are swapped"},
		"outside":        {header + row(ok, "CONTRIBUTO_AFFITTO", "01/02/2025", "", "1,0", "45,46", "9,19"), "outside.csv:2:LATITUDINE:point outside the study area"},
		"missing code":   {header + row("", "CONTRIBUTO_AFFITTO", "01/02/2025", "", "1,0", "44,64", "10,92"), "missing code.csv:2:CODICE_FISCALE:missing fiscal code"},
		"short line":     {header + ok + ";CONTRIBUTO_AFFITTO\n", "short line.csv:2::2 fields, header has 9"},
	} {
		t.Run(name, func(t *testing.T) {
			before := f.state(t)
			_, err := f.loader.Load(context.Background(), socialServices, []string{f.write(t, name+".csv", tc.content)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v\nwant a report containing %q", err, tc.want)
			}
			if f.state(t) != before {
				t.Fatal("database changed")
			}
		})
	}
}

func TestAnotherKeyIsRefused(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if _, err := f.loader.Load(ctx, socialServices, []string{f.write(t, "a.csv", validRows(3))}); err != nil {
		t.Fatal(err)
	}
	other, _ := pseudonym.New([]byte("another-key-0123456789-0123456789-0123"))
	f.loader.Pseudo = other
	_, err := f.loader.Load(ctx, socialServices, []string{f.write(t, "b.csv", validRows(4))})
	if err == nil || !strings.Contains(err.Error(), "refusing to mix") {
		t.Fatalf("load with another key: %v", err)
	}
}
