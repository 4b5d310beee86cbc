package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/abitare/abitare/geo/districts"
	"github.com/abitare/abitare/geo/territory"
	"github.com/abitare/abitare/geo/zones"
	"github.com/abitare/abitare/ingest/census"
	"github.com/abitare/abitare/migrations"
	"github.com/abitare/abitare/postgres"
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
	omiOnly := fs.Bool("omi-only", false, "keep the territory (abitare territory load): store Modena's OMI zones, and every other comune as its own district")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if *omiOnly {
		ds, err := zones.LoadModenaDistricts(ctx, db)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "districts: Modena's %d OMI zones and %d other comuni of the territory's %d, each its own district\n",
			ds.OMIZones, ds.Comuni, ds.Territory)
		return nil
	}
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
	censusFile := fs.String("census", "", "ISTAT's table of census variables (CSV, ';'): P1 and PF1 per section of a shapefile")
	reportM2 := fs.Float64("tiling-report-m2", zones.DefaultReportM2, "report overlaps and gaps of sections larger than this (m²)")
	refusePct := fs.Float64("tiling-refuse-percent", zones.DefaultRefusePercent, "refuse a comune whose sections overlap, leave gaps or spill over more than this share of its area (%)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: abitare sections [flags] FILE

Loads census sections, replacing the sections of the comuni in the file. FILE is either
ISTAT's zipped shapefile (R08_21_WGS84.zip with SEZ21_ID and PRO_COM, or the 2011 layout with
SEZ2011; any CRS its .prj names) with --census, ISTAT's table of census variables (P1
residents, PF1 households), or GeoJSON in EPSG:4326 with SEZ21_ID, PRO_COM, P1 and PF1.
Sections of comuni outside the territory are skipped and counted; sections must tile their
comune.`)
		fs.PrintDefaults()
	}
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		fs.Usage()
		return fmt.Errorf("want one file of sections")
	}
	secs, srid, err := readSectionsFile(positional[0], *censusFile)
	if err != nil {
		return err
	}
	db, err := postgres.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := zones.StoreSections(ctx, db, secs, zones.StoreOptions{SRID: srid, Tiling: zones.Tiling{ReportM2: *reportM2, RefusePercent: *refusePct}})
	if err != nil {
		return err
	}
	printSections(env.stdout, res)
	return nil
}

// readSectionsFile reads sections from ISTAT's shapefile with its census table, or GeoJSON.
func readSectionsFile(path, censusFile string) ([]zones.Section, int, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".zip", ".shp":
		if censusFile == "" {
			return nil, 0, fmt.Errorf("%s: a shapefile of sections needs --census, ISTAT's table of census variables", path)
		}
		vars, err := census.Read(censusFile)
		if err != nil {
			return nil, 0, err
		}
		return zones.ReadISTATSections(path, vars)
	}
	if censusFile != "" {
		return nil, 0, fmt.Errorf("--census goes with a shapefile of sections; GeoJSON carries P1 and PF1 itself")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	secs, err := zones.ReadSections(f, path)
	return secs, 4326, err
}

func printSections(w io.Writer, res zones.StoreResult) {
	fmt.Fprintf(w, "%d census sections loaded, %d residents\n", res.Stored, res.Residents)
	if len(res.Skipped) > 0 {
		codes := slices.Sorted(maps.Keys(res.Skipped))
		n := 0
		for _, c := range codes {
			n += res.Skipped[c]
		}
		fmt.Fprintf(w, "%d sections skipped: their comuni are outside the territory (%s)\n", n, strings.Join(codes, ", "))
	}
	for _, t := range res.Tiling {
		fmt.Fprintf(w, "  %s: %.2f km²; sections overlap by %.4f km², leave %.4f km² uncovered, reach %.4f km² outside\n",
			t.Municipality, t.AreaKm2, t.OverlapKm2, t.GapKm2, t.OutsideKm2)
		for _, o := range t.Overlaps {
			fmt.Fprintf(w, "    overlap %s / %s: %.0f m²\n", o.A, o.B, o.M2)
		}
	}
}

func runTerritory(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("territory")
	region := fs.String("region", "", "keep the municipalities of this region (two digits, e.g. 08)")
	province := fs.String("province", "", "keep the municipalities of this province (three digits, e.g. 036)")
	list := fs.String("municipalities", "", "keep these municipalities (comma-separated six-digit ISTAT codes)")
	layer := fs.String("layer", "", "the layer to read of a GeoPackage or zip that holds several (a table name, or the .shp's name)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: abitare territory load [flags] FILE

Stores the municipalities of the study area from ISTAT's boundary file ("Confini delle unità
amministrative a fini statistici": a zipped shapefile ComDDMMYYYY_g_WGS84.zip with COD_REG,
COD_PROV, COD_UTS, PRO_COM, PRO_COM_T, COMUNE), or a GeoPackage (.gpkg, as ogr2ogr -f GPKG
writes it) or GeoJSON with the same fields, replacing the territory in one transaction. The CRS
comes from the .prj (GeoPackage: the layer's gpkg_spatial_ref_sys row; GeoJSON: its crs, else
WGS 84) and PostGIS reprojects. A file with several layers needs --layer.`)
		fs.PrintDefaults()
	}
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 2 || positional[0] != "load" {
		fs.Usage()
		return fmt.Errorf("want: abitare territory load FILE [--layer NAME] [--region RR | --province PPP | --municipalities CODES]")
	}
	sel := territory.Selection{Region: *region, Province: *province}
	if *list != "" {
		sel.Municipalities = strings.Split(*list, ",")
	}
	if err := sel.Validate(); err != nil {
		return err
	}
	f, err := territory.ReadLayer(positional[1], *layer)
	if err != nil {
		return err
	}
	if f, err = sel.Select(f); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, *dbURL)
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
	if sum.OwnDistrict > 0 {
		fmt.Fprintf(env.stdout, "%d comuni without districts are each their own district (abitare districts load gives a comune its own)\n", sum.OwnDistrict)
	}
	if len(sum.Removed) > 0 {
		fmt.Fprintf(env.stdout, "removed from the territory, with their sections, districts and addresses: %s\n", strings.Join(sum.Removed, ", "))
	}
	return nil
}

func runDistricts(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("districts")
	municipality := fs.String("municipality", "", "the comune's six-digit ISTAT code, e.g. 036023 (it must be in the territory)")
	kind := fs.String("kind", districts.KindOMI, "omi (OMI zones: the code's first letter is the band) or quartieri (any other zoning)")
	codeField := fs.String("code-field", "", "GeoJSON: the property holding the district's code (default: zona_omi, CODZONA, code, codice...)")
	nameField := fs.String("name-field", "", "GeoJSON: the property holding the district's name (default: descrizione, name, nome...)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: abitare districts load FILE --municipality CODE [--kind omi|quartieri] [--code-field F --name-field F]

Replaces the districts of one comune, in one transaction: the OMI zones of the Agenzia delle
Entrate's GeoPOI KML (or KMZ) export of the comune (placemarks named like B3, described by the
zone's text), or GeoJSON in WGS 84 of any zoning, with its code and name fields. Districts are
clipped to the comune, stored as CODE/ZONE (036023/B3), and the comune's census sections are
placed in them again. Every comune without districts is its own district.`)
		fs.PrintDefaults()
	}
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 2 || positional[0] != "load" {
		fs.Usage()
		return fmt.Errorf("want: abitare districts load FILE --municipality CODE")
	}
	if *municipality == "" {
		return fmt.Errorf("--municipality: which comune are the districts of? (its six-digit ISTAT code)")
	}
	f, err := districts.Read(positional[1], districts.Options{Kind: *kind, CodeField: *codeField, NameField: *nameField})
	if err != nil {
		return err
	}
	db, err := postgres.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := districts.Store(ctx, db, *municipality, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "districts of %s %s: %d %s from %s", sum.Municipality, sum.Name, sum.Stored, f.Kind, f.Name)
	if sum.ClippedKm2 > 0.0005 {
		fmt.Fprintf(env.stdout, ", %.3f km² outside the comune cut off", sum.ClippedKm2)
	}
	fmt.Fprintf(env.stdout, "; %d census sections placed, %d in no district; %d comuni of the territory are their own district\n",
		sum.Sections, sum.Unplaced, sum.OwnDistrict)
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
