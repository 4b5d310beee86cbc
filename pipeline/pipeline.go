// Package pipeline names the stages that turn the partners' files into what the map serves,
// in the order they run, and is the one place each is called from: by the commands (cmd/abitare),
// by the server (which renders a missing tileset through Render) and by the jobs of the
// operations issue. Each stage reads what the stages before it stored and replaces what it
// stores itself in one transaction, so each is safe to run again.
//
//	stage       reads                                   stores
//	Ingest      a partner's file (package ingest)       events, people, ingest_batches
//	Aggregate   events, people, census_sections,        area_stats, area_indicators, area_overlap,
//	            h3_population                           area_composite, area_coverage, adaptive_hexagons
//	Hotspots    area_indicators (years only)            hotspots, analysis_runs
//	Withhold    area_indicators, area_overlap, ...      withheld_figures, analysis_runs
//	Render      the figures an audience may read        tilesets, tile_archives
//	Trends      events (the quarterly history)          area_history, area_trends, analysis_runs
//	Release     area_indicators, area_overlap           releases, released_indicators, released_overlap
//	                                                    (cell key; the public reads them as public_*)
//	Publish     the public tables, as the public role   the open-data bundle (files)
//
// Usage, as abitare aggregate and abitare release run them:
//
//	figures, err := pipeline.Aggregate(ctx, db, periods, aggregate.DefaultFloor)
//	spots, err := pipeline.Hotspots(ctx, db, periods, hotspots.Options{Permutations: 999, Seed: 1, FDR: 0.05})
//	kept, err := pipeline.Withhold(ctx, db, minCount)
//	ts, err := pipeline.Render(ctx, pipeline.Conn{URL: url, DB: db}, tiles.Restricted, minCount, actor, logger)
//	rel, err := pipeline.Release(ctx, pipeline.Conn{URL: url, DB: db}, opts, logger)
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/audit"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/disclosure"
	"github.com/abitare/abitare/disclosure/withheld"
	"github.com/abitare/abitare/geo/aggregate"
	"github.com/abitare/abitare/geo/foresight"
	"github.com/abitare/abitare/geo/history"
	"github.com/abitare/abitare/geo/hotspots"
	"github.com/abitare/abitare/postgres"
	"github.com/abitare/abitare/publish"
	"github.com/abitare/abitare/tiles"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Conn is the database a stage runs on: the owner's pool, and its URL for the stages that read
// through a role's own connections (rendering, publishing).
type Conn struct {
	URL string
	DB  *pgxpool.Pool
}

// Figures is what Aggregate stored.
type Figures struct {
	Periods  []aggregate.Summary
	Adaptive int // adaptive hexagons stored
	Floor    int // residents each adaptive hexagon reaches
}

// Aggregate computes the figures of the periods (people, rates, intervals, overlaps, composite
// indices, coverage) and the adaptive hexagons.
func Aggregate(ctx context.Context, db *pgxpool.Pool, periods []abitare.Period, floor int) (Figures, error) {
	if len(periods) == 0 {
		return Figures{}, fmt.Errorf("no events to aggregate: ingest some files first")
	}
	sums, err := aggregate.Run(ctx, db, periods)
	if err != nil {
		return Figures{}, err
	}
	n, err := aggregate.StoreAdaptive(ctx, db, floor)
	if err != nil {
		return Figures{}, err
	}
	return Figures{Periods: sums, Adaptive: n, Floor: floor}, nil
}

// Spots is one year's hotspot run.
type Spots struct {
	Period  string
	Summary hotspots.Summary
	Elapsed time.Duration
}

// Hotspots runs the local spatial statistics of the years among periods: quarters are too thin.
func Hotspots(ctx context.Context, db *pgxpool.Pool, periods []abitare.Period, opt hotspots.Options) ([]Spots, error) {
	var out []Spots
	for _, p := range periods {
		if p.IsQuarter() {
			continue
		}
		start := time.Now()
		hs, err := hotspots.Run(ctx, db, p.Label, opt)
		if err != nil {
			return out, err
		}
		out = append(out, Spots{Period: p.Label, Summary: hs, Elapsed: time.Since(start)})
	}
	return out, nil
}

// Withhold decides which true counts the restricted outputs do not show: the small ones and
// those that would let them be recovered (disclosure/withheld).
func Withhold(ctx context.Context, db *pgxpool.Pool, threshold int) (withheld.Summary, error) {
	return withheld.Store(ctx, db, threshold)
}

// TileRetention is how long a superseded tileset stays served and stored (the server's default, --tile-retention).
const TileRetention = 30 * 24 * time.Hour

// Render renders an audience's tiles reading as its database role (anonymous users' for the
// public ones, a planner's for the restricted ones), stores them and prunes the tilesets
// superseded for longer than the retention. With RenderWith it is the one renderer: the
// commands call it, and the server when a tileset is missing.
func Render(ctx context.Context, c Conn, a tiles.Audience, minCount int, by string, logger *slog.Logger) (*tiles.Tileset, error) {
	role := auth.Public
	if a == tiles.Restricted {
		role = auth.Planner
	}
	read, err := postgres.OpenRole(ctx, c.URL, role, 4)
	if err != nil {
		return nil, err
	}
	defer read.Close()
	ts, err := RenderWith(ctx, read, c.DB, a, minCount, by, logger)
	if err != nil {
		return nil, err
	}
	if _, err := tiles.Prune(ctx, c.DB, TileRetention); err != nil {
		return nil, err
	}
	return ts, nil
}

// RenderWith renders and stores an audience's tiles through a pool already running as its
// role (the server's), storing through write.
func RenderWith(ctx context.Context, read, write *pgxpool.Pool, a tiles.Audience, minCount int, by string, logger *slog.Logger) (*tiles.Tileset, error) {
	ts, err := tiles.Render(ctx, read, a, tiles.RenderOptions{MinCount: minCount, Logger: logger})
	if err != nil {
		return nil, err
	}
	if err := tiles.Save(ctx, write, ts, by); err != nil {
		return nil, err
	}
	return ts, nil
}

// History is what Trends stored.
type History struct {
	History history.Summary
	Trends  foresight.TrendSummary
	// Short is set when the history is too short for trends yet (foresight.ErrShortHistory):
	// the history is kept and grows, and trends come with the tenth quarter.
	Short error
}

// Trends rebuilds the quarterly history of every area and finds the emerging hot and cold spots.
func Trends(ctx context.Context, db *pgxpool.Pool) (History, error) {
	var h History
	var err error
	if h.History, err = history.Build(ctx, db); err != nil {
		return h, err
	}
	if len(h.History.Quarters) == 0 {
		return h, fmt.Errorf("trends: no events: ingest some files first")
	}
	h.Trends, err = foresight.RunTrends(ctx, db)
	if errors.Is(err, foresight.ErrShortHistory) {
		h.Short = err
		return h, nil
	}
	return h, err
}

// Released is a public release: its manifest, the audit trail's head it anchors, and its tiles.
type Released struct {
	Manifest  disclosure.Manifest
	AuditHead audit.Anchor
	Tiles     *tiles.Tileset
}

// Release makes a public release of the figures (cell-key perturbation, disclosure.Release),
// records the audit trail's head in it, and renders its public tiles.
func Release(ctx context.Context, c Conn, opt disclosure.Options, logger *slog.Logger) (Released, error) {
	var r Released
	var err error
	if r.Manifest, err = disclosure.Release(ctx, c.DB, opt); err != nil {
		return r, err
	}
	if r.AuditHead, err = anchorRelease(ctx, c.DB, r.Manifest.ID); err != nil {
		return r, err
	}
	r.Tiles, err = Render(ctx, c, tiles.Public, 0, opt.By, logger)
	return r, err
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

// Publish writes the open-data bundle of every release kept into dir, reading as the public
// role: nothing the public may not see can reach the bundle.
func Publish(ctx context.Context, url, dir string, opt publish.Options) (publish.Summary, error) {
	pool, err := postgres.OpenRole(ctx, url, auth.Public, 4)
	if err != nil {
		return publish.Summary{}, err
	}
	defer pool.Close()
	return publish.Write(ctx, pool, dir, opt)
}
