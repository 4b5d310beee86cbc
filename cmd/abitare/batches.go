package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/ingest/addresses"
	"github.com/abitare/abitare/postgres"
)

func runBatches(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("batches")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: abitare batches              list the loaded files with their provenance\n       abitare batches rollback ID  remove one batch's events atomically")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	switch {
	case fs.NArg() == 0:
		batches, err := ingest.Batches(ctx, db)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tSOURCE\tFILE\tSHA-256\tSTATUS\tPERIOD\tREAD\tSTORED\tDUPL.\tGEOCODED\tUNPLACED\tPEOPLE\tBY\tAT")
		for _, b := range batches {
			status := b.Status
			if b.SupersededBy != nil {
				status += " by " + strconv.FormatInt(*b.SupersededBy, 10)
			}
			period := ""
			if b.PeriodStart != nil {
				period = b.PeriodStart.Format("02/01/2006") + "-" + b.PeriodEnd.Format("02/01/2006")
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", b.ID, b.Source, b.FileName,
				hex.EncodeToString(b.SHA256)[:12], status, period, b.RowsRead, b.RowsAccepted, b.RowsDuplicate,
				b.RowsGeocoded, b.RowsUnlocated, b.People, b.LoadedBy, b.LoadedAt.Format("2006-01-02 15:04"))
		}
		return w.Flush()
	case fs.NArg() == 2 && fs.Arg(0) == "rollback":
		id, err := strconv.ParseInt(fs.Arg(1), 10, 64)
		if err != nil {
			return fmt.Errorf("batch id %q is not a number", fs.Arg(1))
		}
		removed, err := ingest.Rollback(ctx, db, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "batch %d rolled back: %d events removed (run abitare aggregate to refresh the figures)\n", id, removed)
		return nil
	default:
		fs.Usage()
		return fmt.Errorf("unknown arguments %v", fs.Args())
	}
}

func runLinkage(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("linkage")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := ingest.Report(ctx, db)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	total := 0
	for _, c := range rep.PeopleBySources {
		total += c.People
	}
	fmt.Fprintln(w, "People by number of sources they appear in:")
	for _, c := range rep.PeopleBySources {
		fmt.Fprintf(w, "  %d source(s)\t%d\t%s\n", c.Sources, c.People, percent(c.People, total))
	}
	fmt.Fprintln(w, "\nBy source:\nSOURCE\tPEOPLE\tIN ANOTHER SOURCE\tEVENTS\tCOORDINATES\tEXACT ADDRESS\tFUZZY ADDRESS\tSTREET ONLY\tNOT PLACED\tGEOCODING RATE")
	for _, s := range rep.Sources {
		rate := "n/a"
		if s.Events > s.ByQuality["coordinates"] {
			rate = fmt.Sprintf("%.1f%%", 100*s.GeocodedRate)
		}
		fmt.Fprintf(w, "%s\t%d\t%d (%s)\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", s.Source, s.People, s.Linked, percent(s.Linked, s.People),
			s.Events, s.ByQuality["coordinates"], s.ByQuality["address_exact"], s.ByQuality["address_fuzzy"],
			s.ByQuality["street"], s.ByQuality["none"], rate)
	}
	fmt.Fprintln(w, "\nBy identifier kind (cf: fiscal code; stp/eni: temporary health codes, which do not link):\nKIND\tPEOPLE\tIN MORE THAN ONE SOURCE")
	for _, k := range rep.Kinds {
		fmt.Fprintf(w, "%s\t%d\t%d (%s)\n", k.Kind, k.People, k.Linked, percent(k.Linked, k.People))
	}
	return w.Flush()
}

func runAddresses(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("addresses")
	opt := tabularFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: abitare addresses load FILE\n\nLoads an address register in the ANNCSU layout (see docs/address-register.md),\nreplacing the addresses of the municipalities it covers.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 || fs.Arg(0) != "load" {
		fs.Usage()
		return fmt.Errorf("want: abitare addresses load FILE")
	}
	db, area, err := openStudyArea(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := addresses.Load(ctx, db, fs.Arg(1), area, *opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "address register: %d civic numbers on %d streets (municipalities %v)\n", sum.Points, sum.Streets, sum.Municipalities)
	if len(sum.Skipped) > 0 {
		n := 0
		for _, k := range sum.Skipped {
			n += k
		}
		fmt.Fprintf(env.stdout, "%d civic numbers skipped: %d comuni outside the territory\n", n, len(sum.Skipped))
	}
	return nil
}
