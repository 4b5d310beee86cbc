package democity

import (
	"os"
	"testing"
	"time"
)

// TestGenerateFull times a full-size generation; run with ABITARE_FULL=1 (and keep the files
// with ABITARE_FULL_OUT=dir).
func TestGenerateFull(t *testing.T) {
	if os.Getenv("ABITARE_FULL") == "" {
		t.Skip("set ABITARE_FULL=1 to generate the full-size city")
	}
	dir := os.Getenv("ABITARE_FULL_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	start := time.Now()
	sum, err := Generate(Config{Seed: 1}, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated in %s: %+v", time.Since(start).Round(time.Millisecond), sum)
}
