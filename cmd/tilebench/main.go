// Command tilebench is the baseline of the tile load benchmark (.ci/bench-tiles, make
// bench-tiles): a tile server in the manner of pg_tileserv, which cuts every tile on request
// with ST_AsMVT from a plain PostGIS table. It copies a layer's features, as an audience sees
// them, into a tile-ready table with the geometry in EPSG:3857 and a GiST index
// (tiles.CreateReadyTable), then answers GET /{z}/{x}/{y}.mvt with one query per tile: the raw
// MVT (not gzip-compressed, as pg_tileserv sends it), 204 No Content when the tile is empty.
// The table is dropped again on a clean shutdown (SIGINT or SIGTERM).
//
//	DATABASE_URL=postgres://... tilebench --addr 127.0.0.1:18082 --layer indicators
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/abitare/abitare/tiles"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(ctx, logger, os.Args[1:]); err != nil {
		logger.Error("tilebench failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, logger *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("tilebench", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:18082", "listen address")
	layer := fs.String("layer", "indicators", "the layer served")
	audience := fs.String("audience", string(tiles.Public), "whose figures: public or restricted")
	minCount := fs.Int("min-count", 5, "restricted figures: counts from 1 to min-count-1 are withheld")
	table := fs.String("table", "bench_tile_ready", "the tile-ready table (re-created, dropped on exit)")
	maxConns := fs.Int("max-conns", 8, "database connections")
	dbURL := fs.String("database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL (default $DATABASE_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbURL == "" {
		return errors.New("no database: set DATABASE_URL or --database-url")
	}
	a := tiles.Audience(*audience)
	if a != tiles.Public && a != tiles.Restricted {
		return fmt.Errorf("--audience %q: want public or restricted", *audience)
	}

	cfg, err := pgxpool.ParseConfig(*dbURL)
	if err != nil {
		return fmt.Errorf("database URL: %w", err)
	}
	cfg.MaxConns = int32(*maxConns)
	cfg.MinConns = int32(*maxConns)
	// Tile queries are small: JIT compilation would only slow every one of them down.
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	cfg.ConnConfig.RuntimeParams["application_name"] = "tilebench"
	db, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	defer db.Close()

	start := time.Now()
	ready, err := tiles.CreateReadyTable(ctx, db, a, *layer, *table, *minCount)
	if err != nil {
		return err
	}
	defer dropTable(db, *table, logger)
	logger.Info("tile-ready table made", "table", *table, "layer", *layer, "audience", a,
		"elapsed", time.Since(start).Round(time.Millisecond).String())

	srv := &http.Server{
		Addr:              *addr,
		Handler:           handler(ready, db, logger),
		ReadHeaderTimeout: 10 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("serving tiles", "addr", *addr, "path", "/{z}/{x}/{y}.mvt", "db_conns", *maxConns)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// handler answers GET /{z}/{x}/{y}.mvt with a tile cut from the table.
func handler(ready *tiles.ReadyTable, db *pgxpool.Pool, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{z}/{x}/{file}", func(w http.ResponseWriter, r *http.Request) {
		z, errZ := strconv.Atoi(r.PathValue("z"))
		x, errX := strconv.Atoi(r.PathValue("x"))
		name, ok := strings.CutSuffix(r.PathValue("file"), ".mvt")
		y, errY := strconv.Atoi(name)
		if !ok || errors.Join(errZ, errX, errY) != nil {
			http.NotFound(w, r)
			return
		}
		if err := tiles.CheckTile(z, x, y); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// A query cancelled half-way costs its pooled connection (pgx closes it), so a tile
		// whose client has gone is still finished: the pool keeps its connections (and the
		// benchmark the same PostgreSQL backends to measure) across clients' disconnects.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
		defer cancel()
		mvt, err := ready.Tile(ctx, db, z, x, y)
		if err != nil {
			logger.Error("tile failed", "z", z, "x", x, "y", y, "err", err)
			http.Error(w, "tile failed", http.StatusInternalServerError)
			return
		}
		if len(mvt) == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.mapbox-vector-tile")
		w.Header().Set("Content-Length", strconv.Itoa(len(mvt)))
		_, _ = w.Write(mvt)
	})
	return mux
}

// dropTable removes the tile-ready table, so that the benchmark leaves nothing behind.
func dropTable(db *pgxpool.Pool, table string, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := db.Exec(ctx, `DROP TABLE IF EXISTS `+pgx.Identifier{table}.Sanitize()); err != nil {
		logger.Error("drop tile-ready table", "table", table, "err", err)
	}
}
