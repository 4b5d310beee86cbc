package main

import (
	"context"
	"fmt"
	"os"

	"github.com/abitare/abitare/geo/zones"
	"github.com/abitare/abitare/migrations"
)

func runMigrate(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("migrate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbURL == "" {
		return fmt.Errorf("no database: set DATABASE_URL or --database-url")
	}
	version, err := migrations.Up(ctx, *dbURL, env.logger)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "schema at version %d\n", version)
	return nil
}

func runZones(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("zones")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := zones.LoadModena(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "study area Modena: %d OMI zones; H3 cells res7 %d, res8 %d, res9 %d, res10 %d\n",
		sum.OMIZones, sum.Cells[7], sum.Cells[8], sum.Cells[9], sum.Cells[10])
	return nil
}

func runSections(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("sections")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: abitare sections [flags] FILE.geojson\n\nLoads census sections (ISTAT layout: SEZ21_ID, PRO_COM, P1, optional PF1) in EPSG:4326,\nreplacing the sections of the municipalities in the file.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("want one GeoJSON file")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	secs, err := zones.ReadSections(f, fs.Arg(0))
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := zones.StoreSections(ctx, db, secs); err != nil {
		return err
	}
	residents, synthetic := 0, 0
	for _, s := range secs {
		residents += s.Residents
		if s.Synthetic {
			synthetic++
		}
	}
	fmt.Fprintf(env.stdout, "%d census sections loaded (%d synthetic), %d residents\n", len(secs), synthetic, residents)
	return nil
}
