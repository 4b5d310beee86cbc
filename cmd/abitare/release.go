package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/abitare/abitare/audit"
	"github.com/abitare/abitare/geo/disclosure"
	"github.com/abitare/abitare/geo/disclosure/cellkey"
	"github.com/abitare/abitare/postgres"
	"github.com/abitare/abitare/tiles"
	"github.com/jackc/pgx/v5/pgxpool"
)

func runRelease(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("release")
	p := cellkey.DefaultParams()
	fs.IntVar(&p.Threshold, "threshold", envInt(env, "ABITARE_MIN_COUNT", p.Threshold), "smallest positive count published: none from 1 to threshold-1 (env ABITARE_MIN_COUNT)")
	fs.IntVar(&p.MaxDeviation, "max-deviation", p.MaxDeviation, "largest change the perturbation makes to a count (kept internal)")
	fs.Float64Var(&p.Variance, "variance", p.Variance, "variance of the perturbation of large counts")
	fs.Float64Var(&p.ZeroProbability, "zero-probability", p.ZeroProbability, "probability that a true zero is published as a positive count")
	minResidents := fs.Int("min-residents", disclosure.DefaultMinResidents, "residents an area needs for its figures to be published")
	asJSON := fs.Bool("json", false, "print the whole manifest as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := disclosure.Publish(ctx, db, disclosure.Options{Params: p, MinResidents: *minResidents, By: cliActor()})
	if err != nil {
		return err
	}
	head, err := anchorRelease(ctx, db, m.ID)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			disclosure.Manifest
			AuditHead audit.Anchor `json:"audit_head"`
		}{m, head}); err != nil {
			return err
		}
		_, err := renderTileset(ctx, &environment{stdout: io.Discard, logger: env.logger}, *dbURL, db, tiles.Public, 0)
		return err
	}
	fmt.Fprintf(env.stdout, "release %d: %s, threshold %d, %s\nkey %s\nperiods %v; health published at %v only\n",
		m.ID, m.Method, m.Threshold, m.Budget, m.KeyID, m.Periods, m.HealthGeographies)
	var geos []string
	for g := range m.Utility {
		geos = append(geos, g)
	}
	sort.Strings(geos)
	fmt.Fprintf(env.stdout, "audit trail head: entry %d, hash %s (file this manifest away: abitare audit verify --anchor FILE)\n", head.Seq, head.Hash)
	fmt.Fprintf(env.stdout, "%-13s %9s %11s %15s %13s\n", "geography", "figures", "suppressed", "rate MAE/1000", "count MAE")
	for _, g := range geos {
		u := m.Utility[g]
		fmt.Fprintf(env.stdout, "%-13s %9d %11d %15.3f %13.3f\n", g, u.Figures, m.Summary[g][disclosure.Suppressed], u.RateMAE, u.CountMAE)
	}
	_, err = renderTileset(ctx, env, *dbURL, db, tiles.Public, 0)
	return err
}

// anchorRelease records the audit trail's head in the release, so that its manifest anchors
// the trail outside the database.
func anchorRelease(ctx context.Context, db *pgxpool.Pool, release int64) (audit.Anchor, error) {
	head, err := audit.Head(ctx, db)
	if err != nil {
		return head, err
	}
	if _, err := db.Exec(ctx, `UPDATE releases SET audit_head = $2 WHERE id = $1`, release, head); err != nil {
		return head, fmt.Errorf("record the audit trail's head in release %d: %w", release, err)
	}
	return head, nil
}

// cliActor names the operating-system user of a command in manifests and the audit trail.
func cliActor() string { return "cli:" + whoAmI() }
