package withheld_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/abitare/abitare/disclosure/withheld"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/uber/h3-go/v4"
)

// A resolution-9 cell of 20 people in poverty whose children hold 3, 8 and 9: the 3 is small
// and the parent is shown, so the 8 (the smallest other) must be withheld with it; the store is
// re-runnable.
func TestStoreWithholdsAPartnerForASmallChild(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	parent := h3.LatLngToCell(h3.NewLatLng(44.6471, 10.9252), 9)
	children := parent.Children(10)
	counts := map[h3.Cell]int{children[0]: 3, children[1]: 8, children[2]: 9}
	insert := func(geography, area string, people int) {
		t.Helper()
		if _, err := db.Pool.Exec(ctx, `INSERT INTO area_indicators (geography, area_id, period, indicator, people, residents, unstable)
			VALUES ($1, $2, '2025', 'poverty', $3, 500, false)`, geography, area, people); err != nil {
			t.Fatal(err)
		}
		if people > 0 {
			if _, err := db.Pool.Exec(ctx, `INSERT INTO area_overlap (geography, area_id, period, combination, people, cell_key)
				VALUES ($1, $2, '2025', 'poverty', $3, 0)`, geography, area, people); err != nil {
				t.Fatal(err)
			}
		}
	}
	for res := 7; res <= 9; res++ {
		insert(fmt.Sprintf("h3_%d", res), parent.Parent(res).String(), 20)
	}
	for _, c := range children {
		insert("h3_10", c.String(), counts[c])
	}
	for run := range 2 {
		sum, err := withheld.Store(ctx, db.Pool, 5)
		if err != nil {
			t.Fatal(err)
		}
		if r := sum.Periods["2025"]; r.Primary != 1 || r.Secondary != 1 {
			t.Fatalf("run %d: %d small and %d protecting, want 1 and 1 (combinations of domains are left out below district)", run, r.Primary, r.Secondary)
		}
		rows, err := db.Pool.Query(ctx, `SELECT area_id, figure, secondary FROM withheld_figures ORDER BY secondary, area_id, figure`)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			Area, Figure string
			Secondary    bool
		}
		var got []row
		var r row
		for rows.Next() {
			if err := rows.Scan(&r.Area, &r.Figure, &r.Secondary); err != nil {
				t.Fatal(err)
			}
			got = append(got, r)
		}
		want := []row{{children[0].String(), "poverty", false}, {children[1].String(), "poverty", true}}
		slices.SortFunc(want, func(a, b row) int {
			if a.Secondary != b.Secondary {
				return map[bool]int{false: -1, true: 1}[a.Secondary]
			}
			if a.Area != b.Area {
				return map[bool]int{true: -1, false: 1}[a.Area < b.Area]
			}
			return map[bool]int{true: -1, false: 1}[a.Figure < b.Figure]
		})
		if !slices.Equal(got, want) {
			t.Fatalf("run %d: withheld %v, want %v", run, got, want)
		}
		if th, err := withheld.Threshold(ctx, db.Pool); err != nil || th != 5 {
			t.Fatalf("stored threshold %d (%v), want 5", th, err)
		}
	}
}

// An aggregation that does not add up is refused with the area named, and nothing is stored.
func TestStoreRefusesFiguresThatDoNotAddUp(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	parent := h3.LatLngToCell(h3.NewLatLng(44.6471, 10.9252), 9)
	for area, people := range map[string]int{parent.String(): 20, parent.Children(10)[0].String(): 7} {
		geography := "h3_9"
		if area != parent.String() {
			geography = "h3_10"
		}
		if _, err := db.Pool.Exec(ctx, `INSERT INTO area_indicators (geography, area_id, period, indicator, people, residents, unstable)
			VALUES ($1, $2, '2025', 'poverty', $3, 500, false)`, geography, area, people); err != nil {
			t.Fatal(err)
		}
	}
	_, err := withheld.Store(ctx, db.Pool, 5)
	if err == nil || !contains(err.Error(), parent.String()) {
		t.Fatalf("error %v, want one naming %s", err, parent)
	}
	if th, _ := withheld.Threshold(ctx, db.Pool); th != 0 {
		t.Fatalf("a failed run was recorded (threshold %d)", th)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
