package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/abitare/abitare/pipeline"
	"github.com/abitare/abitare/postgres"
)

// runTrends builds the quarterly history of every area and its emerging hot and cold spots
// (run it after aggregate, which counts the residents of the H3 cells).
func runTrends(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("trends")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := pipeline.Trends(ctx, db)
	if err != nil {
		return err
	}
	h, sum := res.History, res.Trends
	fmt.Fprintf(env.stdout, "history: %d quarters (%s to %s), %d areas, %d counts (%s)\n", len(h.Quarters),
		h.Quarters[0], h.Quarters[len(h.Quarters)-1], h.Areas, h.Rows, h.Elapsed.Round(1e6))
	if res.Short != nil {
		// A young observatory: the history is kept and grows; trends come with the tenth quarter.
		fmt.Fprintf(env.stdout, "no emerging hot spots yet: %v\n", res.Short)
		return nil
	}
	fmt.Fprintf(env.stdout, "emerging hot and cold spots (run %d, %d quarters):\n", sum.RunID, sum.Quarters)
	for _, key := range slices.Sorted(func(yield func(string) bool) {
		for k := range sum.Categories {
			if !strings.HasSuffix(k, " no_pattern") && !yield(k) {
				return
			}
		}
	}) {
		fmt.Fprintf(env.stdout, "  %s: %d\n", key, sum.Categories[key])
	}
	return nil
}
