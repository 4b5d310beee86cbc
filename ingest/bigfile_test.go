package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/abitare/abitare/ingest"
)

// TestHugeFileStreamsAndRejectsWhole loads a file of several hundred MB (ABITARE_BIGFILE_MB,
// default 300) whose very last record is bad: the load must read it all with bounded memory,
// name the last line, and leave the database as it was.
func TestHugeFileStreamsAndRejectsWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("large file: skipped with -short")
	}
	mb := 300
	if v, err := strconv.Atoi(os.Getenv("ABITARE_BIGFILE_MB")); err == nil {
		mb = v
	}
	f := setup(t)
	rows := mb * 1_000_000 / 114 // about 114 bytes a row
	path := filepath.Join(t.TempDir(), "servizi_sociali_2025.csv")
	writeSocialServicesFile(t, path, rows, true)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() < int64(mb)*850_000 {
		t.Fatalf("generated %d bytes, want about %d MB", st.Size(), mb)
	}
	before := f.state(t)
	_, err = f.loader.Load(context.Background(), socialServices, []string{path})
	var rej *ingest.RejectedError
	if !errors.As(err, &rej) || rej.Total != 1 {
		t.Fatalf("want one problem, got %v", err)
	}
	want := fmt.Sprintf("servizi_sociali_2025.csv:%d:CODICE_FISCALE:invalid fiscal code:", rows+1)
	if !strings.HasPrefix(rej.Problems[0].String(), want) {
		t.Fatalf("report %q, want it to start with %q", rej.Problems[0], want)
	}
	if f.state(t) != before {
		t.Fatal("database changed")
	}
	if peak := peakRSS(); peak > 500<<20 {
		t.Fatalf("peak resident memory %d MB for a %d MB file, want under 500 MB", peak>>20, st.Size()>>20)
	} else {
		t.Logf("%d MB file, %d rows: peak resident memory %d MB", st.Size()>>20, rows, peak>>20)
	}
}
