package disclosure_test

import (
	"context"
	"testing"

	"github.com/abitare/abitare/disclosure"
	"github.com/abitare/abitare/postgres/testdb"
)

// TestPublishedCountSQLIsWithheld: the small-count rule in SQL (published_count, migration
// 00008) withholds exactly the counts Withheld does, and shows the others as they are.
func TestPublishedCountSQLIsWithheld(t *testing.T) {
	db := testdb.New(t)
	for _, threshold := range []int{1, 3, 5} {
		rows, err := db.Pool.Query(context.Background(),
			`SELECT n, `+disclosure.PublishedCountSQL("n", "$1")+` FROM generate_series(0, 12) n`, threshold)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n int
			var shown *int
			if err := rows.Scan(&n, &shown); err != nil {
				t.Fatal(err)
			}
			if withheld := disclosure.Withheld(n, threshold); withheld != (shown == nil) || (shown != nil && *shown != n) {
				t.Errorf("threshold %d: %d shown as %v in SQL, Withheld says %v", threshold, n, shown, withheld)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
}
