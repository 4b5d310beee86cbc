package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/abitare/abitare/audit"
	"github.com/abitare/abitare/disclosure"
	"github.com/abitare/abitare/disclosure/cellkey"
	"github.com/abitare/abitare/pipeline"
	"github.com/abitare/abitare/postgres"
	"github.com/abitare/abitare/tiles"
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
	r, err := pipeline.Release(ctx, pipeline.Conn{URL: *dbURL, DB: db}, disclosure.Options{Params: p, MinResidents: *minResidents, By: cliActor()}, env.logger)
	if err != nil {
		return err
	}
	m, head := r.Manifest, r.AuditHead
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			disclosure.Manifest
			AuditHead audit.Anchor `json:"audit_head"`
		}{m, head})
	}
	fmt.Fprintf(env.stdout, "release %d: %s, threshold %d, %s\nkey %s\nperiods %v; health published at %v only\n",
		m.ID, m.Method, m.Threshold, m.Budget, m.KeyID, m.Periods, m.HealthGeographies)
	fmt.Fprintf(env.stdout, "audit trail head: entry %d, hash %s (file this manifest away: abitare audit verify --anchor FILE)\n", head.Seq, head.Hash)
	fmt.Fprintf(env.stdout, "%-13s %9s %11s %15s %13s\n", "geography", "figures", "suppressed", "rate MAE/1000", "count MAE")
	for _, g := range slices.Sorted(maps.Keys(m.Utility)) {
		u := m.Utility[g]
		fmt.Fprintf(env.stdout, "%-13s %9d %11d %15.3f %13.3f\n", g, u.Figures, m.Summary[g][disclosure.Suppressed], u.RateMAE, u.CountMAE)
	}
	reportTileset(env, tiles.Public, r.Tiles)
	return nil
}

// cliActor names the operating-system user of a command in manifests and the audit trail.
func cliActor() string { return "cli:" + whoAmI() }
