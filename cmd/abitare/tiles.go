package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/abitare/abitare/pipeline"
	"github.com/abitare/abitare/postgres"
	"github.com/abitare/abitare/tiles"
	"github.com/abitare/abitare/tiles/pmtiles"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func runTiles(ctx context.Context, env *environment, args []string) error {
	const usage = "usage: abitare tiles list | render [--audience public|restricted] | extract [--audience A] [--layer L] DIR"
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return errors.New(usage)
	}
	sub := args[0]
	fs, dbURL := env.flagSet("tiles " + sub)
	minCount := fs.Int("min-count", envInt(env, "ABITARE_MIN_COUNT", 5), "restricted tiles: counts from 1 to min-count-1 are withheld (env ABITARE_MIN_COUNT)")
	layer := fs.String("layer", "indicators", "extract: the layer")
	audience := fs.String("audience", "public", "render, extract: public or restricted")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a := tiles.Audience(*audience)
	if a != tiles.Public && a != tiles.Restricted {
		return fmt.Errorf("--audience %q: want public or restricted", *audience)
	}
	rest := fs.Args()
	run := map[string]func(db *pgxpool.Pool) error{
		"list":    func(db *pgxpool.Pool) error { return listTilesets(ctx, env, db) },
		"render":  func(db *pgxpool.Pool) error { _, err := renderTileset(ctx, env, *dbURL, db, a, *minCount); return err },
		"extract": func(db *pgxpool.Pool) error { return extractTiles(ctx, env, db, a, *layer, rest[0]) },
	}[sub]
	if run == nil || (sub == "extract") != (len(rest) == 1) || (sub != "extract" && len(rest) != 0) {
		return errors.New(usage)
	}
	db, err := postgres.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	return run(db)
}

// renderTileset renders an audience's tiles (pipeline.Render) and reports them.
func renderTileset(ctx context.Context, env *environment, dbURL string, db *pgxpool.Pool, a tiles.Audience, minCount int) (*tiles.Tileset, error) {
	ts, err := pipeline.Render(ctx, pipeline.Conn{URL: dbURL, DB: db}, a, minCount, cliActor(), env.logger)
	if err != nil {
		return nil, err
	}
	reportTileset(env, a, ts)
	return ts, nil
}

func reportTileset(env *environment, a tiles.Audience, ts *tiles.Tileset) {
	var n, size int
	for _, ar := range ts.Archives {
		n += ar.Tiles
		size += len(ar.Data)
	}
	fmt.Fprintf(env.stdout, "%s tiles %s: %d layers, %d tiles, %.1f MB, rendered in %s\n",
		a, ts.Version(), len(ts.Archives), n, float64(size)/1e6, ts.Elapsed.Round(time.Millisecond))
}

func listTilesets(ctx context.Context, env *environment, db *pgxpool.Pool) error {
	rows, err := db.Query(ctx, `
		SELECT t.id, t.audience, coalesce(t.release_id, 0), coalesce(t.run_id, 0), t.min_count, t.created_at, t.build_seconds,
		       count(a.layer), coalesce(sum(a.tiles), 0), coalesce(sum(length(a.archive)), 0)
		FROM tilesets t LEFT JOIN tile_archives a ON a.tileset_id = t.id
		GROUP BY t.id ORDER BY t.id`)
	if err != nil {
		return fmt.Errorf("list tilesets: %w", err)
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tAUDIENCE\tRELEASE\tRUN\tMIN COUNT\tCREATED\tSECONDS\tLAYERS\tTILES\tMB")
	var id, release, run, tilesN, size int64
	var audience string
	var minCount, layers int
	var created time.Time
	var secs float64
	_, err = pgx.ForEachRow(rows, []any{&id, &audience, &release, &run, &minCount, &created, &secs, &layers, &tilesN, &size}, func() error {
		ts := tiles.Tileset{ID: id, Audience: tiles.Audience(audience), ReleaseID: release}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%.1f\t%d\t%d\t%.1f\n", ts.Version(), audience, release, run, minCount,
			created.Format(time.DateTime), secs, layers, tilesN, float64(size)/1e6)
		return nil
	})
	if err != nil {
		return fmt.Errorf("list tilesets: %w", err)
	}
	return tw.Flush()
}

// extractTiles writes a layer's tiles of the latest tileset to DIR/z/x/y.mvt, gzip-compressed as
// stored: the same bytes a static web server (or the tile benchmark's nginx) can serve.
func extractTiles(ctx context.Context, env *environment, db *pgxpool.Pool, a tiles.Audience, layer, dir string) error {
	var data []byte
	err := db.QueryRow(ctx, `
		SELECT a.archive FROM tile_archives a JOIN tilesets t ON t.id = a.tileset_id
		WHERE t.audience = $1 AND a.layer = $2 ORDER BY t.id DESC LIMIT 1`, a, layer).Scan(&data)
	if err != nil {
		return fmt.Errorf("read %s tiles of %s (run abitare release / aggregate first): %w", a, layer, err)
	}
	archive, err := pmtiles.Open(data)
	if err != nil {
		return err
	}
	n := 0
	for t := range archive.Tiles() {
		path := filepath.Join(dir, strconv.Itoa(int(t.Z)), strconv.Itoa(int(t.X)), strconv.Itoa(int(t.Y))+".mvt")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, t.Data, 0o644); err != nil {
			return err
		}
		n++
	}
	fmt.Fprintf(env.stdout, "%d tiles of %s written to %s (gzip-compressed MVT)\n", n, layer, dir)
	return nil
}
