package main

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"strings"

	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/ingest/pseudonym"
	"github.com/abitare/abitare/ingest/source"
)

func runIngest(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("ingest")
	srcName := fs.String("source", "", "source of the files: "+strings.Join(source.Names(), ", "))
	quiet := fs.Bool("quiet", false, "no progress bar")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: abitare ingest --source NAME [flags] FILE...\n\nLoads the files in one transaction: all of them, or none if any record is bad.\nThe linkage key comes from ABITARE_LINK_KEY.")
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
	key := env.getenv("ABITARE_LINK_KEY")
	if key == "" {
		return pseudonym.ErrNoKey
	}
	pseudo, err := pseudonym.New([]byte(key))
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	area, err := ingest.LoadStudyArea(ctx, db)
	if err != nil {
		return err
	}
	loader := &ingest.Loader{DB: db, Pseudo: pseudo, Area: area, LoadedBy: whoAmI(), Logger: env.logger}
	if !*quiet {
		loader.Progress = env.stderr
	}
	results, err := loader.Load(ctx, src, fs.Args())
	if err != nil {
		return err
	}
	for _, r := range results {
		if r.AlreadyLoaded {
			fmt.Fprintf(env.stdout, "%s: already loaded as batch %d, nothing added\n", r.File, r.BatchID)
			continue
		}
		fmt.Fprintf(env.stdout, "%s: batch %d, %d rows read, %d events stored, %d duplicates\n",
			r.File, r.BatchID, r.RowsRead, r.RowsAccepted, r.RowsDuplicate)
	}
	return nil
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
