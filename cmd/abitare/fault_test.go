package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/abitare/abitare/postgres/testdb"
)

// TestMain lets a test run the command itself in a child process (ABITARE_TEST_MAIN_ARGS, a
// JSON list of arguments), so that the child can be killed like a real one.
func TestMain(m *testing.M) {
	if raw := os.Getenv("ABITARE_TEST_MAIN_ARGS"); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Args = append([]string{"abitare"}, args...)
		main()
		os.Exit(0)
	}
	code := m.Run()
	dropDemoFixture()
	os.Exit(code)
}

// checkKillDuringIngest: an ingest killed with SIGKILL while its rows stream into PostgreSQL
// leaves nothing behind, and the same load run again succeeds.
func checkKillDuringIngest(t *testing.T, db *testdb.DB, c *cli, dir string) {
	ctx := context.Background()
	big := filepath.Join(t.TempDir(), "servizi_sociali_ripetuti.csv")
	writeRepeated(t, filepath.Join(dir, "servizi_sociali.csv"), big, 40)
	before := dbState(t, db)
	var batches int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM ingest_batches`).Scan(&batches); err != nil {
		t.Fatal(err)
	}

	args, _ := json.Marshal([]string{"ingest", "--quiet", "--source", "social_services", big})
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "ABITARE_TEST_MAIN_ARGS="+string(args), "DATABASE_URL="+db.URL, "ABITARE_LINK_KEY="+testKey)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the child's rows are streaming into the database, then kill it.
	deadline := time.Now().Add(60 * time.Second)
	for {
		var copying int
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND query ILIKE 'copy%events_in%' AND state = 'active'`).Scan(&copying); err != nil {
			t.Fatal(err)
		}
		if copying > 0 {
			break
		}
		if time.Now().After(deadline) {
			_ = child.Process.Kill()
			t.Fatal("the ingest never started copying rows")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	// PostgreSQL rolls the dead session's transaction back once it notices the connection gone.
	deadline = time.Now().Add(30 * time.Second)
	for dbState(t, db) != before {
		if time.Now().After(deadline) {
			t.Fatalf("after the kill the database holds %s, before %s", dbState(t, db), before)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var after int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM ingest_batches`).Scan(&after); err != nil || after != batches {
		t.Fatalf("batches after the kill: %d (before %d) %v", after, batches, err)
	}
	// The same load again goes through. Its rows are those already stored (the file is the
	// loaded extract repeated), so the database holds the same events and people afterwards.
	counts := func() (events, people int) {
		if err := db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM people)`).Scan(&events, &people); err != nil {
			t.Fatal(err)
		}
		return
	}
	events, people := counts()
	c.must("ingest", "--quiet", "--source", "social_services", big)
	if e, p := counts(); e != events || p != people {
		t.Errorf("after the re-run: %d events and %d people, before %d and %d", e, p, events, people)
	}
}

// writeRepeated writes the header of src and its rows n times: a large file of rows already
// loaded (stored as duplicates), long enough to be killed in the middle.
func writeRepeated(t *testing.T, src, dst string, n int) {
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	header, rows, _ := strings.Cut(string(data), "\n")
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString(header + "\n")
	for range n {
		w.WriteString(rows)
		if !strings.HasSuffix(rows, "\n") {
			w.WriteString("\n")
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// checkSectionsReloadMovesResidents: reloading census sections with one section gone leaves no
// resident (nor event) in a section that no longer exists; loading the same sections again
// leaves the register as it is.
func checkSectionsReloadMovesResidents(t *testing.T, db *testdb.DB, c *cli, dir string) {
	ctx := context.Background()
	stale := func() (residents, events int) {
		err := db.Pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM residents r WHERE r.section_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census_sections s WHERE s.id = r.section_id)),
			(SELECT count(*) FROM events e WHERE e.section_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census_sections s WHERE s.id = e.section_id))`).
			Scan(&residents, &events)
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	fingerprint := func() string {
		var fp string
		if err := db.Pool.QueryRow(ctx, `SELECT md5(string_agg(encode(pseudonym, 'hex') || coalesce(section_id, '-'), ',' ORDER BY pseudonym)) FROM residents`).Scan(&fp); err != nil {
			t.Fatal(err)
		}
		return fp
	}
	original := filepath.Join(dir, "sezioni.geojson")
	before := fingerprint()
	c.must("sections", original)
	if fingerprint() != before {
		t.Fatal("loading the same sections again moved residents")
	}
	// The busiest section disappears from a corrected file.
	var busiest string
	if err := db.Pool.QueryRow(ctx, `SELECT section_id FROM residents GROUP BY section_id ORDER BY count(*) DESC LIMIT 1`).Scan(&busiest); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	data, err := os.ReadFile(original)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		t.Fatal(err)
	}
	kept := fc.Features[:0]
	for _, f := range fc.Features {
		if !strings.Contains(string(f), `"`+busiest+`"`) {
			kept = append(kept, f)
		}
	}
	if len(kept) != len(fc.Features)-1 {
		t.Fatalf("section %s found %d times in the file", busiest, len(fc.Features)-len(kept))
	}
	fc.Features = kept
	corrected := filepath.Join(t.TempDir(), "sezioni-corrette.geojson")
	out, _ := json.Marshal(fc)
	if err := os.WriteFile(corrected, out, 0o600); err != nil {
		t.Fatal(err)
	}
	c.must("sections", corrected)
	if r, e := stale(); r != 0 || e != 0 {
		t.Errorf("after section %s was removed, %d residents and %d events still point at a missing section", busiest, r, e)
	}
	c.must("sections", original) // back, for what follows
	if r, e := stale(); r != 0 || e != 0 {
		t.Errorf("after the sections were restored: %d residents and %d events in missing sections", r, e)
	}
}
