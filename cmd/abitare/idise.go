package main

import (
	"context"
	"fmt"
	"math"

	"github.com/abitare/abitare/ingest/idise"
	"github.com/abitare/abitare/postgres"
)

// runIDISE loads ISTAT's IDISE for the census sections and compares it with the AMPI.
func runIDISE(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("idise")
	opt := tabularFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: abitare idise load FILE\n\nLoads ISTAT's sub-municipal hardship index (IDISE) per census section (columns SEZ21_ID,\nIDISE and optionally AREA; see docs/idise.md), replacing the previous load, and compares it\nwith the observatory's AMPI.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 || fs.Arg(0) != "load" {
		fs.Usage()
		return fmt.Errorf("want: abitare idise load FILE")
	}
	db, err := postgres.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := idise.Load(ctx, db, fs.Arg(1), *opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "IDISE: %d census sections loaded\n", sum.Sections)
	if math.IsNaN(sum.Spearman) {
		fmt.Fprintf(env.stdout, "%d sections also have an AMPI: too few to compare (run abitare aggregate)\n", sum.Matched)
		return nil
	}
	fmt.Fprintf(env.stdout, "%d sections also have an AMPI for %s: Spearman rank correlation %.3f\n", sum.Matched, sum.Period, sum.Spearman)
	return nil
}
