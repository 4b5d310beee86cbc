package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/abitare/abitare/web/audit"
)

func runAudit(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("audit")
	limit := fs.Int("limit", 50, "list: newest entries to show")
	actor := fs.String("user", "", "list: only this user's entries")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "abitare audit verify | abitare audit list [--limit N] [--user NAME]")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "verify" && fs.Arg(0) != "list") {
		fs.Usage()
		return errors.New("audit: say verify or list")
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if fs.Arg(0) == "list" {
		entries, err := audit.List(ctx, db, audit.Filter{Limit: *limit, Actor: *actor})
		if err != nil {
			return err
		}
		for _, e := range entries {
			fmt.Fprintf(env.stdout, "%6d %s %-16s %-15s %-24s %-40s %s\n", e.Seq, e.At.UTC().Format(time.RFC3339), e.Actor, e.Role, e.Action, e.Target, e.Purpose)
		}
		return nil
	}
	rep, err := audit.Verify(ctx, db)
	if err != nil {
		return err
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(env.stdout, "entry %d: %s\n", p.Seq, p.Reason)
	}
	if !rep.OK() {
		return fmt.Errorf("audit trail broken: %d problems in %d entries", len(rep.Problems), rep.Entries)
	}
	fmt.Fprintf(env.stdout, "audit trail intact: %d entries, %d to %d, head %s\n", rep.Entries, rep.First, rep.Last, rep.Head)
	return nil
}
