package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/abitare/abitare/ingest/population"
)

func runPopulation(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("population")
	opt := tabularFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: abitare population load FILE\n\nLoads the municipal population register (anagrafe), pseudonymised with ABITARE_LINK_KEY,\nreplacing the previous one: the denominators of rates by category.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 || fs.Arg(0) != "load" {
		fs.Usage()
		return fmt.Errorf("want: abitare population load FILE")
	}
	pseudo, err := linkageKey(env)
	if err != nil {
		return err
	}
	db, area, err := openStudyArea(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	l := &population.Loader{DB: db, Pseudo: pseudo, Area: area, LoadedBy: whoAmI(), Options: *opt}
	n, err := l.Load(ctx, fs.Arg(1))
	if errors.Is(err, population.ErrAlreadyLoaded) {
		fmt.Fprintf(env.stdout, "population register: already loaded (%d residents), nothing changed\n", n)
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "population register: %d residents\n", n)
	return nil
}
