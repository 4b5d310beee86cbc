package main

import (
	"context"
	"strconv"
	"time"

	"github.com/abitare/abitare/geo/profile"
	"github.com/abitare/abitare/tiles"
	"github.com/abitare/abitare/web"
)

func runServe(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("serve")
	addr := fs.String("addr", envOr(env, "ABITARE_ADDR", "127.0.0.1:8080"), "listen address (env ABITARE_ADDR)")
	publicURL := fs.String("public-url", env.getenv("ABITARE_PUBLIC_URL"), "origin clients use, for TileJSON URLs (default: from each request)")
	minCount := fs.Int("min-count", envInt(env, "ABITARE_MIN_COUNT", 5), "disclosure threshold: counts from 1 to min-count-1 are never published (env ABITARE_MIN_COUNT)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	tiler, err := tiles.NewTiler(db, tiles.DefaultLayers(), *minCount)
	if err != nil {
		return err
	}
	profiles := &profile.Reader{DB: db, MinCount: *minCount}
	srv := web.NewServer(web.Config{Addr: *addr, PublicURL: *publicURL}, tiler, profiles, env.logger)
	if err := srv.Open(); err != nil {
		return err
	}
	<-ctx.Done()
	env.logger.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Close(shutdown)
}

func envOr(env *environment, name, def string) string {
	if v := env.getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(env *environment, name string, def int) int {
	if v, err := strconv.Atoi(env.getenv(name)); err == nil {
		return v
	}
	return def
}
