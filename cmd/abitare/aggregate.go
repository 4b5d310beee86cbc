package main

import (
	"context"
	"fmt"

	"github.com/abitare/abitare/geo/aggregate"
)

func runAggregate(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("aggregate")
	periodFlag := fs.String("period", "", "period: a year such as 2025 (with its quarters) or a quarter such as 2025-Q2 (default: every period with events)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var periods []aggregate.Period
	if *periodFlag != "" {
		if periods, err = aggregate.ParsePeriod(*periodFlag); err != nil {
			return err
		}
	} else if periods, err = aggregate.Periods(ctx, db); err != nil {
		return err
	}
	if len(periods) == 0 {
		return fmt.Errorf("no events to aggregate: ingest some files first")
	}
	for _, p := range periods {
		sum, err := aggregate.Run(ctx, db, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "period %s: %d people; areas:", sum.Period, sum.People)
		for _, g := range aggregate.Geographies {
			fmt.Fprintf(env.stdout, " %s %d", g, sum.Areas[g])
		}
		fmt.Fprintf(env.stdout, " (%s)\n", sum.Elapsed.Round(1e6))
	}
	return nil
}
