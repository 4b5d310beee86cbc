// Command abitare is the housing-need observatory: it migrates the database, loads geography,
// generates the demo city, ingests agency files, aggregates them and serves the map.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/postgres"
	"github.com/jackc/pgx/v5/pgxpool"
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *environment, args []string) error
}

var commands = []command{
	{"migrate", "apply the database schema", runMigrate},
	{"zones", "load Modena's boundary, OMI zones and H3 cells (bundled real data)", runZones},
	{"territory", "load the study area's municipalities from ISTAT's boundary file: abitare territory load FILE", runTerritory},
	{"districts", "load a comune's districts (OMI zones from GeoPOI KML, or any zoning from GeoJSON): abitare districts load FILE --municipality CODE", runDistricts},
	{"sections", "load census sections from an ISTAT-layout GeoJSON file", runSections},
	{"demo", "write the synthetic demo city: sections and agency files", runDemo},
	{"addresses", "load the address register: abitare addresses load FILE", runAddresses},
	{"population", "load the population register: abitare population load FILE", runPopulation},
	{"idise", "load ISTAT's IDISE per census section, beside the AMPI: abitare idise load FILE", runIDISE},
	{"ingest", "load agency files: abitare ingest --source NAME FILE...", runIngest},
	{"batches", "list loaded files, or roll one back: abitare batches [rollback ID]", runBatches},
	{"linkage", "report how people link across sources and how records were placed", runLinkage},
	{"aggregate", "compute the area figures per period and geography", runAggregate},
	{"trends", "build the quarterly history of every area and its emerging hot and cold spots (after aggregate)", runTrends},
	{"release", "publish the protected figures for the public, with their manifest", runRelease},
	{"publish", "write the open-data bundle of every release as static files: abitare publish DIR", runPublish},
	{"tiles", "list, render or extract the vector-tile archives: abitare tiles list | render | extract DIR", runTiles},
	{"serve", "serve the map, the tiles and TileJSON", runServe},
	{"users", "manage users, roles and API tokens", runUsers},
	{"audit", "check the audit trail's hash chain (verify), list it, or report a user's custom areas by overlap (custom-areas)", runAudit},
}

// environment is what every command may use: configuration from the environment and a logger.
type environment struct {
	stdout, stderr io.Writer
	stdin          io.Reader // nil: os.Stdin
	getenv         func(string) string
	logger         *slog.Logger
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &environment{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	env.logger = newLogger(os.Stderr, os.Getenv("ABITARE_LOG_FORMAT"))
	if err := run(ctx, env, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "abitare:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.stdout)
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, env, args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return err
		}
	}
	usage(env.stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "abitare: the housing-need observatory\n\nUsage: abitare COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEnvironment: DATABASE_URL (PostgreSQL with PostGIS), ABITARE_LINK_KEY (linkage key, ingest),\nABITARE_LOG_FORMAT (json or text). Run abitare COMMAND -h for a command's flags.")
}

func newLogger(w io.Writer, format string) *slog.Logger {
	if strings.EqualFold(format, "text") {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// flagSet returns a flag set whose errors and help go to stderr, with the database flag.
func (env *environment) flagSet(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("abitare "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dbURL := fs.String("database-url", env.getenv("DATABASE_URL"), "PostgreSQL URL (default $DATABASE_URL)")
	return fs, dbURL
}

// openStudyArea opens the database and reads the study area, for the commands that place
// records in it. The caller closes the pool.
func openStudyArea(ctx context.Context, url string) (*pgxpool.Pool, *ingest.StudyArea, error) {
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	area, err := ingest.LoadStudyArea(ctx, db)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, area, nil
}
