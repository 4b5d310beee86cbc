package aggregate

import (
	"context"
	"fmt"

	"github.com/abitare/abitare"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Periods lists every year that has events, each followed by its quarters that have events,
// oldest first.
func Periods(ctx context.Context, db *pgxpool.Pool) ([]abitare.Period, error) {
	rows, err := db.Query(ctx, `
		SELECT DISTINCT extract(year FROM event_date)::int, extract(quarter FROM event_date)::int
		FROM events ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("list periods: %w", err)
	}
	defer rows.Close()
	var periods []abitare.Period
	lastYear := 0
	for rows.Next() {
		var y, q int
		if err := rows.Scan(&y, &q); err != nil {
			return nil, err
		}
		if y != lastYear {
			periods = append(periods, abitare.Year(y))
			lastYear = y
		}
		periods = append(periods, abitare.Quarter(y, q))
	}
	return periods, rows.Err()
}
