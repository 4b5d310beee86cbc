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
	year := fs.Int("year", 2025, "year of the agency events")
	if err := fs.Parse(args); err != nil {
		return err
	}
	start := time.Now()
	sum, err := democity.Generate(democity.Config{Seed: *seed, Residents: *residents, Year: *year}, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "demo city written to %s in %s: %+v\n", *out, time.Since(start).Round(time.Millisecond), sum)
	return nil
}
