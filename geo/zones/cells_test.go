package zones

import (
	"context"
	"testing"

	"github.com/abitare/abitare/geo/hexgrid"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/paulmach/orb"
)

// TestAddMissingCellsRollsEveryRecordUp: a resident in a resolution-10 cell the cover lacks gets
// the cell, its ancestors and its lineage, once.
func TestAddMissingCellsRollsEveryRecordUp(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	if _, err := LoadModena(ctx, db.Pool); err != nil {
		t.Fatal(err)
	}
	far := hexgrid.Cell(orb.Point{12.5, 41.9}, hexgrid.FinestResolution) // Rome: outside Modena's cover
	_, err := db.Pool.Exec(ctx, `
		INSERT INTO ingest_batches (source, file_name, file_sha256, rows_read, rows_accepted, rows_rejected, rows_duplicate, loaded_by)
		VALUES ('population_register', 'a.csv', '\x00', 1, 1, 0, 0, 'test')`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Pool.Exec(ctx, `
		INSERT INTO residents (pseudonym, household, birth_year, sex, citizenship, household_type, h3_cell, batch_id)
		VALUES (decode(repeat('ab', 32), 'hex'), '\x01', 1980, 'F', 'italian', 'single', $1, (SELECT max(id) FROM ingest_batches))`, int64(far))
	if err != nil {
		t.Fatal(err)
	}
	for want := range []int{1, 0} {
		added, err := AddMissingCells(ctx, db.Pool)
		if err != nil {
			t.Fatal(err)
		}
		if added != 1-want {
			t.Fatalf("run %d added %d cells, want %d", want+1, added, 1-want)
		}
	}
	var cells, lineage int
	db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM h3_cells WHERE cell = ANY($1)), (SELECT count(*) FROM h3_lineage WHERE cell10 = $2)`,
		[]int64{int64(far), int64(far.Parent(9)), int64(far.Parent(8)), int64(far.Parent(7))}, int64(far)).Scan(&cells, &lineage)
	if cells != 4 || lineage != 1 {
		t.Fatalf("%d of the 4 cells and %d lineage rows stored", cells, lineage)
	}
}
