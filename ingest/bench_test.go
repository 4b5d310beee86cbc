package ingest_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/abitare/abitare/geo/modena"
	"github.com/abitare/abitare/geo/zones"
	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/ingest/codicefiscale"
	"github.com/abitare/abitare/ingest/pseudonym"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// writeSocialServicesFile writes n distinct social-services events of a pool of people, with
// coordinates inside Modena, in the partners' style. lastLineBad spoils the final record.
func writeSocialServicesFile(t testing.TB, path string, n int, lastLineBad bool) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	boundary, err := modena.Boundary()
	if err != nil {
		t.Fatal(err)
	}
	b := boundary.Bound()
	points := make([]orb.Point, 0, 20000)
	for len(points) < cap(points) {
		p := orb.Point{b.Min.X() + rng.Float64()*(b.Max.X()-b.Min.X()), b.Min.Y() + rng.Float64()*(b.Max.Y()-b.Min.Y())}
		if planar.MultiPolygonContains(boundary, p) {
			points = append(points, p)
		}
	}
	people := make([]string, n/4+1)
	letters := "BCDFGLMNPRSTVZ"
	for i := range people {
		block := func(k int) string {
			return string([]byte{letters[k%14], 'A', letters[(k/14)%14]})
		}
		people[i] = codicefiscale.Encode(block(i), block(i/196+7), time.Date(1940+i%60, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC), i%2 == 0, "F257")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "CODICE_FISCALE;TIPO_INTERVENTO;DATA_INIZIO;DATA_FINE;IMPORTO_EURO;ISEE_EURO;NUM_COMPONENTI;INDIRIZZO;CAP;LATITUDINE;LONGITUDINE")
	kinds := []string{"CONTRIBUTO_ECONOMICO", "CONTRIBUTO_AFFITTO", "EMERGENZA_ABITATIVA", "SOSTEGNO_EDUCATIVO_MINORI"}
	for i := 0; i < n; i++ {
		// Person i/4 with kind i%4 on a date of its own: every row is a distinct event.
		p := points[rng.IntN(len(points))]
		day := 1 + (i/4)%365
		date := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, day-1)
		cf := people[i/4]
		if lastLineBad && i == n-1 {
			cf = cf[:15] + "0"
		}
		fmt.Fprintf(w, "%s;%s;%s;;%d,%02d;%d,00;%d;VIA EMILIA EST %d;41121;%s;%s\n", cf, kinds[i%4], date.Format("02/01/2006"),
			100+rng.IntN(5000), rng.IntN(100), 2000+rng.IntN(20000), 1+rng.IntN(6), 1+rng.IntN(300),
			strings.Replace(fmt.Sprintf("%.6f", p.Lat()), ".", ",", 1), strings.Replace(fmt.Sprintf("%.6f", p.Lon()), ".", ",", 1))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkIngestVersusCopy measures, in one run, the end-to-end ingest of a file of
// ABITARE_BENCH_ROWS events (default 1,000,000: parse, validate, pseudonymise, H3 and section
// assignment, COPY) against a raw COPY of the very rows it stored into the same events table.
func BenchmarkIngestVersusCopy(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("ABITARE_BENCH_ROWS"); v != "" {
		fmt.Sscan(v, &n)
	}
	db := testdb.New(b)
	ctx := context.Background()
	if _, err := zones.LoadModena(ctx, db.Pool); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	path := filepath.Join(dir, "servizi_sociali.csv")
	writeSocialServicesFile(b, path, n, false)
	area, err := ingest.LoadStudyArea(ctx, db.Pool)
	if err != nil {
		b.Fatal(err)
	}
	p, _ := pseudonym.New([]byte("bench-key-0123456789-0123456789-0123456789"))
	loader := &ingest.Loader{DB: db.Pool, Pseudo: p, Area: area, LoadedBy: "bench", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}

	var ingestTime, copyTime time.Duration
	dump := filepath.Join(dir, "events.copy")
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res, err := loader.Load(ctx, socialServices, []string{path})
		if err != nil {
			b.Fatal(err)
		}
		ingestTime += time.Since(start)
		if res[0].RowsAccepted != n {
			b.Fatalf("stored %d of %d rows", res[0].RowsAccepted, n)
		}
		dumpEvents(b, db, dump)
		if _, err := ingest.Rollback(ctx, db.Pool, res[0].BatchID); err != nil {
			b.Fatal(err)
		}
		// The same rows, already transformed, straight into the same table in one transaction.
		copyTime += rawCopy(b, db, dump, res[0].BatchID)
	}
	b.ReportMetric(float64(n*b.N)/ingestTime.Seconds(), "ingest-rows/s")
	b.ReportMetric(float64(n*b.N)/copyTime.Seconds(), "copy-rows/s")
	b.ReportMetric(copyTime.Seconds()/ingestTime.Seconds(), "ingest/copy-speed")
	b.ReportMetric(float64(peakRSS())/1e6, "peak-RSS-MB")
}

func dumpEvents(b *testing.B, db *testdb.DB, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	conn, err := db.Pool.Acquire(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Conn().PgConn().CopyTo(context.Background(), f, "COPY events TO STDOUT (FORMAT binary)"); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(context.Background(), `DROP TABLE IF EXISTS bench_people; CREATE TABLE bench_people AS SELECT DISTINCT person FROM events`); err != nil {
		b.Fatal(err)
	}
}

func rawCopy(b *testing.B, db *testdb.DB, path string, batch int64) time.Duration {
	ctx := context.Background()
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	// The rolled-back batch row stands in as the rows' batch. The events' people are restored
	// first, untimed, so that the COPY runs with every constraint of the table, as ingest does.
	if _, err := conn.Exec(ctx, `INSERT INTO people (pseudonym, id_kind) SELECT DISTINCT person, 'cf' FROM bench_people`); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := conn.Conn().PgConn().CopyFrom(ctx, f, "COPY events FROM STDIN (FORMAT binary)"); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	if _, err := db.Pool.Exec(ctx, `TRUNCATE events; DELETE FROM people`); err != nil {
		b.Fatal(err)
	}
	return elapsed
}

// peakRSS is the process's resident-memory high-water mark in bytes (Linux), 0 if unknown.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "VmHWM:"), "kB")), &kb)
			return kb * 1024
		}
	}
	return 0
}
