package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"

	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/ingest/addresses"
	"github.com/abitare/abitare/ingest/pseudonym"
	"github.com/abitare/abitare/ingest/source"
	"github.com/abitare/abitare/ingest/tabular"
)

func runIngest(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("ingest")
	srcName := fs.String("source", "", "source of the files: "+strings.Join(source.Names(), ", "))
	quiet := fs.Bool("quiet", false, "no progress bar")
	dryRun := fs.Bool("dry-run", false, "validate, geocode and report, then store nothing")
	opt := tabularFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: abitare ingest --source NAME [flags] FILE...\n\nLoads CSV or xlsx files in one transaction: all of them, or none if any record is bad.\nEncoding and delimiter are detected unless given. The linkage key comes from ABITARE_LINK_KEY.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	src, err := source.Lookup(*srcName)
	if err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("no files to ingest")
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
	register, err := addresses.Register(ctx, db)
	if err != nil {
		return err
	}
	loader := &ingest.Loader{DB: db, Pseudo: pseudo, Area: area, Register: register, Options: *opt,
		DryRun: *dryRun, LoadedBy: whoAmI(), Logger: env.logger}
	if !*quiet {
		loader.Progress = env.stderr
	}
	results, err := loader.Load(ctx, src, fs.Args())
	if err != nil {
		return err
	}
	for _, r := range results {
		printResult(env.stdout, r, *dryRun)
	}
	return nil
}

func printResult(w io.Writer, r ingest.FileResult, dryRun bool) {
	if r.AlreadyLoaded {
		fmt.Fprintf(w, "%s: already loaded as batch %d, nothing added\n", r.File, r.BatchID)
		return
	}
	verb := "stored"
	if dryRun {
		verb = "would be stored (dry run: nothing written)"
	}
	fmt.Fprintf(w, "%s [%s]: batch %d, period %s..%s: %d rows read, %d events %s, %d duplicates\n",
		r.File, r.Format, r.BatchID, r.PeriodStart.Format("02/01/2006"), r.PeriodEnd.Format("02/01/2006"),
		r.RowsRead, r.RowsAccepted, verb, r.RowsDuplicate)
	fmt.Fprintf(w, "  placed: %d from coordinates, %d geocoded from the address, %d not placed (kept, reported), %d of a comune outside the territory (kept, not placed)\n",
		r.RowsRead-r.RowsGeocoded-r.RowsUnlocated-r.RowsOutOfArea, r.RowsGeocoded, r.RowsUnlocated, r.RowsOutOfArea)
	fmt.Fprintf(w, "  linkage: %d people, %d also in another source (%s)", r.Linkage.People, r.Linkage.Linked, percent(r.Linkage.Linked, r.Linkage.People))
	for _, k := range r.Linkage.ByKind {
		fmt.Fprintf(w, "; %s %d/%d", k.Kind, k.Linked, k.People)
	}
	fmt.Fprintln(w)
	if len(r.Superseded) > 0 {
		fmt.Fprintf(w, "  replaces older extract(s) of the same period: batch %v\n", r.Superseded)
	}
}

func percent(part, whole int) string {
	if whole == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(whole))
}

// tabularFlags adds the flags that override format detection.
func tabularFlags(fs interface {
	StringVar(*string, string, string, string)
}) *tabular.Options {
	opt := &tabular.Options{}
	fs.StringVar(&opt.Encoding, "encoding", "", "file encoding: utf-8, windows-1252, latin-1 (default: detected)")
	fs.StringVar(&opt.Sheet, "sheet", "", "xlsx sheet (default: the first)")
	return opt
}

func linkageKey(env *environment) (*pseudonym.Keyed, error) {
	key := env.getenv("ABITARE_LINK_KEY")
	if key == "" {
		return nil, pseudonym.ErrNoKey
	}
	return pseudonym.New([]byte(key))
}

func whoAmI() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return "unknown"
}
