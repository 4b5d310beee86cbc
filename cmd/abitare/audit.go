package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/abitare/abitare/web/audit"
)

func runAudit(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("audit")
	limit := fs.Int("limit", 50, "list: newest entries to show")
	actor := fs.String("user", "", "list: only this user's entries")
	anchorFile := fs.String("anchor", "", "verify: a release manifest (abitare release --json) whose audit_head the trail must still have")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "abitare audit verify [--anchor MANIFEST.json] | abitare audit list [--limit N] [--user NAME]")
	}
	// The subcommand may come before its flags or after them.
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if sub == "" && fs.NArg() == 1 {
		sub = fs.Arg(0)
	} else if fs.NArg() != 0 {
		sub = ""
	}
	if sub != "verify" && sub != "list" {
		fs.Usage()
		return errors.New("audit: say verify or list")
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "list" {
		entries, err := audit.List(ctx, db, audit.Filter{Limit: *limit, Actor: *actor})
		if err != nil {
			return err
		}
		for _, e := range entries {
			fmt.Fprintf(env.stdout, "%6d %s %-16s %-15s %-24s %-40s %s\n", e.Seq, e.At.UTC().Format(time.RFC3339), e.Actor, e.Role, e.Action, e.Target, e.Purpose)
		}
		return nil
	}
	var anchors []audit.Anchor
	if *anchorFile != "" {
		a, err := readAnchor(*anchorFile)
		if err != nil {
			return err
		}
		anchors = append(anchors, a)
	}
	rep, err := audit.Verify(ctx, db, anchors...)
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
	for _, a := range anchors {
		fmt.Fprintf(env.stdout, "anchored: entry %d still has hash %s\n", a.Seq, a.Hash)
	}
	return nil
}

// readAnchor reads the audit_head of a release manifest (or a bare {"seq", "hash"}).
func readAnchor(path string) (audit.Anchor, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return audit.Anchor{}, fmt.Errorf("anchor: %w", err)
	}
	var m struct {
		AuditHead *audit.Anchor `json:"audit_head"`
		audit.Anchor
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return audit.Anchor{}, fmt.Errorf("anchor %s: not JSON: %w", path, err)
	}
	a := m.Anchor
	if m.AuditHead != nil {
		a = *m.AuditHead
	}
	if a.Seq <= 0 || len(a.Hash) != 64 {
		return audit.Anchor{}, fmt.Errorf("anchor %s: no audit_head with a seq and a 64-character hash", path)
	}
	return a, nil
}
