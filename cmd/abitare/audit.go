package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/abitare/abitare/audit"
	"github.com/abitare/abitare/postgres"
)

func runAudit(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("audit")
	limit := fs.Int("limit", 50, "list: newest entries to show")
	actor := fs.String("user", "", "list: only this user's entries")
	anchorFile := fs.String("anchor", "", "verify: a release manifest (abitare release --json) whose audit_head the trail must still have")
	reportActor := fs.String("actor", "", "custom-areas: the user whose custom-area queries to report on")
	since := fs.String("since", "", "custom-areas: only entries since then: a duration back from now (24h, 7d), an RFC 3339 time or a date (default: all)")
	asJSON := fs.Bool("json", false, "custom-areas: print the report as JSON")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "abitare audit verify [--anchor MANIFEST.json] | abitare audit list [--limit N] [--user NAME] |\n"+
			"abitare audit custom-areas --actor NAME [--since 24h|7d|RFC3339] [--json]")
		fs.PrintDefaults()
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
	if sub != "verify" && sub != "list" && sub != "custom-areas" {
		fs.Usage()
		return errors.New("audit: say verify, list or custom-areas")
	}
	var from time.Time
	if sub == "custom-areas" {
		if *reportActor == "" {
			fs.Usage()
			return errors.New("audit custom-areas: name the user with --actor")
		}
		t, err := audit.ParseSince(*since, time.Now())
		if err != nil {
			return fmt.Errorf("audit custom-areas: --%w", err)
		}
		from = t
	}
	db, err := postgres.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "custom-areas" {
		rep, err := audit.CustomAreas(ctx, db, *reportActor, from)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(env.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}
		printCustomAreaReport(env.stdout, rep)
		return nil
	}
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

// printCustomAreaReport writes the report for a terminal: the summary, then the units isolated
// and the pairs (the first 20 of each kind; --json has them all).
func printCustomAreaReport(w io.Writer, rep audit.CustomAreaReport) {
	fmt.Fprintln(w, rep.Summary)
	if rep.Unreadable > 0 || rep.Unresolved > 0 {
		fmt.Fprintf(w, "not compared: %d entries written before whole selections were recorded, %d polygons without cells\n", rep.Unreadable, rep.Unresolved)
	}
	if len(rep.Isolated) > 0 {
		fmt.Fprintln(w, "\nunits isolated (a pair of selections differs by the unit alone):")
		for _, u := range rep.Isolated {
			fmt.Fprintf(w, "  %-8s %-20s %4d %s  %s\n", u.Geography, u.Unit, u.Pairs, map[bool]string{true: "pair ", false: "pairs"}[u.Pairs == 1], strings.Join(u.Periods, ","))
		}
	}
	pairs := func(title string, total int, list []audit.SelectionPair) {
		if total == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s: %d\n", title, total)
		for i, p := range list {
			if i == 20 {
				fmt.Fprintf(w, "  ... %d more (--json lists up to %d)\n", total-20, audit.MaxListedPairs)
				break
			}
			diff := fmt.Sprintf("only in the first %s, only in the second %s", strings.Join(p.OnlyInA, " "), strings.Join(p.OnlyInB, " "))
			switch {
			case len(p.OnlyInA) == 0:
				diff = "the second adds " + strings.Join(p.OnlyInB, " ")
			case len(p.OnlyInB) == 0:
				diff = "the first adds " + strings.Join(p.OnlyInA, " ")
			}
			fmt.Fprintf(w, "  %s %s: entries %v (%d units) and %v (%d units): %s\n", p.Period, p.Geography, p.A.Seqs, p.A.Units, p.B.Seqs, p.B.Units, diff)
		}
	}
	pairs("pairs of selections differing by one unit", rep.OneUnitPairs, rep.OneUnit)
	pairs("pairs of selections differing by two units", rep.TwoUnitPairs, rep.TwoUnit)
	if rep.TwoUnitIncomplete {
		fmt.Fprintln(w, "(the search for pairs differing by two units stopped at its budget: give a later --since)")
	}
}
