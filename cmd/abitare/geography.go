package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/abitare/abitare/geo/territory"
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

func runTerritory(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("territory")
	region := fs.String("region", "", "keep the municipalities of this region (two digits, e.g. 08)")
	province := fs.String("province", "", "keep the municipalities of this province (three digits, e.g. 036)")
	list := fs.String("municipalities", "", "keep these municipalities (comma-separated six-digit ISTAT codes)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: abitare territory load [flags] FILE

Stores the municipalities of the study area from ISTAT's boundary file ("Confini delle unità
amministrative a fini statistici": a zipped shapefile ComDDMMYYYY_g_WGS84.zip with COD_REG,
COD_PROV, COD_UTS, PRO_COM, PRO_COM_T, COMUNE) or GeoJSON with the same fields, replacing the
territory in one transaction. The CRS comes from the .prj (GeoJSON: its crs, else WGS 84).`)
		fs.PrintDefaults()
	}
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 2 || positional[0] != "load" {
		fs.Usage()
		return fmt.Errorf("want: abitare territory load FILE [--region RR | --province PPP | --municipalities CODES]")
	}
	sel := territory.Selection{Region: *region, Province: *province}
	if *list != "" {
		sel.Municipalities = strings.Split(*list, ",")
	}
	if err := sel.Validate(); err != nil {
		return err
	}
	f, err := territory.ReadFile(positional[1])
	if err != nil {
		return err
	}
	if f.Municipalities, err = sel.Apply(f.Municipalities); err != nil {
		return fmt.Errorf("%s: %w", positional[1], err)
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := territory.Store(ctx, db, f, env.logger)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "territory (%s, EPSG:%d): %d municipalities in %d provinces and %d regions, %.1f km²; H3 cells res7 %d, res8 %d, res9 %d, res10 %d\n",
		sel, f.SRID, sum.Municipalities, sum.Provinces, sum.Regions, sum.AreaKm2, sum.Cells[7], sum.Cells[8], sum.Cells[9], sum.Cells[10])
	if len(sum.Removed) > 0 {
		fmt.Fprintf(env.stdout, "removed from the territory, with their sections, districts and addresses: %s\n", strings.Join(sum.Removed, ", "))
	}
	return nil
}

// parseInterspersed parses flags wherever they stand among the arguments (abitare territory load
// FILE --province 036) and returns the others in order.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
