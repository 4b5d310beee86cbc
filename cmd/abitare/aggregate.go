package main

import (
	"context"
	"fmt"
	"time"

	"maps"
	"slices"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/aggregate"
	"github.com/abitare/abitare/geo/hotspots"
	"github.com/abitare/abitare/pipeline"
	"github.com/abitare/abitare/postgres"
	"github.com/abitare/abitare/tiles"
	"github.com/jackc/pgx/v5/pgxpool"
)

func runAggregate(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("aggregate")
	periodFlag := fs.String("period", "", "period: a year such as 2025 (with its quarters), a quarter such as 2025-Q2, or latest (the latest year with events; default: every period with events)")
	permutations := fs.Int("permutations", 999, "hotspots: conditional permutations per area")
	seed := fs.Uint64("seed", 1, "hotspots: random seed (results are reproducible for a seed)")
	fdr := fs.Float64("fdr", 0.05, "hotspots: Benjamini-Hochberg false-discovery rate")
	floor := fs.Int("floor", aggregate.DefaultFloor, "adaptive hexagons: residents each must reach")
	minCount := fs.Int("min-count", envInt(env, "ABITARE_MIN_COUNT", 5), "restricted outputs: counts from 1 to min-count-1 are withheld, and others so that they cannot be recovered by subtraction (env ABITARE_MIN_COUNT)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var periods []abitare.Period
	switch *periodFlag {
	case "":
		periods, err = aggregate.Periods(ctx, db)
	case "latest":
		periods, err = latestYear(ctx, db)
	default:
		periods, err = abitare.ParsePeriod(*periodFlag)
	}
	if err != nil {
		return err
	}
	if len(periods) == 0 {
		return fmt.Errorf("no events to aggregate: ingest some files first")
	}

	figures, err := pipeline.Aggregate(ctx, db, periods, *floor)
	if err != nil {
		return err
	}
	for _, sum := range figures.Periods {
		fmt.Fprintf(env.stdout, "period %s: %d people; areas:", sum.Period, sum.People)
		for _, g := range abitare.Geographies {
			fmt.Fprintf(env.stdout, " %s %d", g, sum.Areas[g])
		}
		fmt.Fprintf(env.stdout, " (%s)\n", sum.Elapsed.Round(time.Millisecond))
	}
	spots, err := pipeline.Hotspots(ctx, db, periods, hotspots.Options{Permutations: *permutations, Seed: *seed, FDR: *fdr})
	if err != nil {
		return err
	}
	for _, s := range spots {
		fmt.Fprintf(env.stdout, "period %s hotspots (run %d, %d permutations, seed %d, FDR %.2f, %s):", s.Period, s.Summary.RunID,
			*permutations, *seed, *fdr, s.Elapsed.Round(time.Millisecond))
		for _, g := range hotspots.Geographies {
			fmt.Fprintf(env.stdout, " %s %d", g, s.Summary.Significant["moran:multi_domain@"+g])
		}
		fmt.Fprintln(env.stdout, " areas in significant multi-domain clusters")
	}
	kept, err := pipeline.Withhold(ctx, db, *minCount)
	if err != nil {
		return err
	}
	for _, p := range slices.Sorted(maps.Keys(kept.Periods)) {
		r := kept.Periods[p]
		fmt.Fprintf(env.stdout, "period %s withheld: %d small counts, %d more to protect them (%d rounds)\n", p, r.Primary, r.Secondary, r.Rounds)
	}
	fmt.Fprintf(env.stdout, "withheld figures stored (run %d, threshold %d, %s)\n", kept.RunID, *minCount, kept.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(env.stdout, "adaptive hexagons: %d cells, each the finest reaching %d residents\n", figures.Adaptive, figures.Floor)
	_, err = renderTileset(ctx, env, *dbURL, db, tiles.Restricted, *minCount)
	return err
}

// latestYear is the latest year with events and its quarters with events: what a monthly run
// recomputes while the earlier years' figures stand (trends read the whole history).
func latestYear(ctx context.Context, db *pgxpool.Pool) ([]abitare.Period, error) {
	all, err := aggregate.Periods(ctx, db)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	var out []abitare.Period
	for _, p := range all {
		if p.Start.Year() == all[len(all)-1].Start.Year() {
			out = append(out, p)
		}
	}
	return out, nil
}
