package main

import (
	"context"
	"fmt"
	"time"

	"github.com/abitare/abitare/democity"
)

func runDemo(ctx context.Context, env *environment, args []string) error {
	fs, _ := env.flagSet("demo")
	seed := fs.Uint64("seed", 1, "random seed: the same seed writes the same files")
	out := fs.String("out", "demo-data", "folder to write the files into")
	residents := fs.Int("residents", democity.DefaultResidents, "residents of the synthetic city")
	year := fs.Int("year", democity.DefaultYear, "last year of the agency events (and the register's)")
	history := fs.Int("history-years", democity.DefaultHistoryYears, "years before --year the agency files also cover, with need that moves over time (truth in dynamics.json); 0 for --year alone")
	prov := fs.Bool("province", false, "the province of Modena (47 comuni, 2011 populations) instead of the city")
	scale := fs.Float64("scale", democity.DefaultScale, "with --province: share of each comune's 2011 population to generate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	start := time.Now()
	sum, err := democity.Generate(democity.Config{Seed: *seed, Residents: *residents, Year: *year, HistoryYears: *history, Province: *prov, Scale: *scale}, *out)
	if err != nil {
		return err
	}
	what := "demo city"
	if *prov {
		what = "demo province"
	}
	fmt.Fprintf(env.stdout, "%s written to %s in %s: %+v\n", what, *out, time.Since(start).Round(time.Millisecond), sum)
	return nil
}
