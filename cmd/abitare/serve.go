package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/disclosure/withheld"
	"github.com/abitare/abitare/pipeline"
	"github.com/abitare/abitare/postgres"
	"github.com/abitare/abitare/tiles"
	"github.com/abitare/abitare/ui"
	"github.com/abitare/abitare/web"
	"github.com/jackc/pgx/v5/pgxpool"
)

func runServe(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("serve")
	addr := fs.String("addr", envOr(env, "ABITARE_ADDR", "127.0.0.1:8080"), "listen address (env ABITARE_ADDR)")
	publicURL := fs.String("public-url", env.getenv("ABITARE_PUBLIC_URL"), "origin clients use, for TileJSON URLs (default: from each request)")
	publicDB := fs.String("public-database-url", env.getenv("ABITARE_PUBLIC_DATABASE_URL"),
		"serve anonymous users through this login role, a member of abitare_public (env ABITARE_PUBLIC_DATABASE_URL; default: the server's connection switched to abitare_public)")
	minCount := fs.Int("min-count", envInt(env, "ABITARE_MIN_COUNT", 5), "restricted outputs: counts from 1 to min-count-1 are withheld, with the secondary suppression aggregate chose for the same threshold (env ABITARE_MIN_COUNT); public figures follow the release")
	retention := fs.Duration("tile-retention", envDuration(env, "ABITARE_TILE_RETENTION", pipeline.TileRetention), "how long tiles of a superseded release or analysis run stay served, for maps still open on them (env ABITARE_TILE_RETENTION)")
	poll := fs.Duration("tile-poll", 15*time.Second, "how often to look for a new release or analysis run")
	trusted := fs.String("trusted-proxies", env.getenv("ABITARE_TRUSTED_PROXIES"), "comma-separated CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed (env ABITARE_TRUSTED_PROXIES; default none)")
	metricsFrom := fs.String("metrics-from", env.getenv("ABITARE_METRICS_FROM"), "comma-separated CIDRs that may read /metrics besides loopback (env ABITARE_METRICS_FROM)")
	insecure := fs.Bool("insecure-cookies", env.getenv("ABITARE_INSECURE_COOKIES") == "1", "session cookie without the Secure flag, for plain HTTP from another host (env ABITARE_INSECURE_COOKIES=1)")
	site := fs.String("site", env.getenv("ABITARE_SITE"), "an open-data bundle written by abitare publish, served at /open/ (env ABITARE_SITE)")
	ancestors := fs.String("embed-ancestors", envOr(env, "ABITARE_EMBED_ANCESTORS", web.DefaultEmbedAncestors),
		"sites that may frame the map at /embed, space-separated CSP sources, e.g. \"https://comune.example.it https://*.example.org\" (env ABITARE_EMBED_ANCESTORS); every other page refuses frames")
	basemap := fs.String("basemap-style", env.getenv("ABITARE_BASEMAP_STYLE"),
		"URL of a MapLibre style drawn under the data, e.g. https://tiles.openfreemap.org/styles/positron (env ABITARE_BASEMAP_STYLE; default none: no request to another site)")
	customAreaRate := fs.String("custom-area-rate", envOr(env, "ABITARE_CUSTOM_AREA_RATE", "30/m"),
		"each user's custom areas, figures and reports together: requests per period such as 30/m, 1/s or 600/h, or off; past it 429 (env ABITARE_CUSTOM_AREA_RATE)")
	customAreaBurst := fs.Int("custom-area-burst", envInt(env, "ABITARE_CUSTOM_AREA_BURST", web.DefaultCustomAreaRate.Burst),
		"custom areas a user may ask for at once before --custom-area-rate applies (env ABITARE_CUSTOM_AREA_BURST)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	caRate, err := web.ParseRate(*customAreaRate)
	if err != nil {
		return fmt.Errorf("--custom-area-rate: %w", err)
	}
	if *customAreaBurst < 1 {
		return fmt.Errorf("--custom-area-burst %d: want 1 or more", *customAreaBurst)
	}
	if err := web.CheckFrameAncestors(*ancestors); err != nil {
		return fmt.Errorf("--embed-ancestors: %w", err)
	}
	if err := ui.CheckBasemapStyle(*basemap); err != nil {
		return fmt.Errorf("--basemap-style: %w", err)
	}
	proxies, err := parsePrefixes(*trusted)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	scrapers, err := parsePrefixes(*metricsFrom)
	if err != nil {
		return fmt.Errorf("--metrics-from: %w", err)
	}
	srv, closeAll, err := openServer(ctx, web.Config{Addr: *addr, PublicURL: *publicURL, InsecureCookies: *insecure,
		TrustedProxies: proxies, MetricsFrom: scrapers, Site: *site, EmbedAncestors: *ancestors, BasemapStyle: *basemap,
		CustomAreaRate: web.RateLimit{Rate: caRate, Burst: *customAreaBurst}},
		web.BackendOptions{DatabaseURL: *dbURL, PublicDatabaseURL: *publicDB, RoleDatabaseURLs: roleURLs(env), MinCount: *minCount,
			TileRetention: *retention}, env.logger)
	if err != nil {
		return err
	}
	defer closeAll()
	if err := srv.Open(); err != nil {
		return err
	}
	srv.WatchTiles(ctx, *poll)

	<-ctx.Done()
	env.logger.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Close(shutdown)
}

// openServer connects the server's own pool (credentials, audit of logins) and one pool per
// role, and wires the server; closeAll closes them.
func openServer(ctx context.Context, cfg web.Config, opt web.BackendOptions, logger *slog.Logger) (*web.Server, func(), error) {
	db, err := postgres.Open(ctx, opt.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	opt.Logger, opt.ListenAddr = logger, cfg.Addr
	opt.RenderTiles = func(ctx context.Context, read *pgxpool.Pool, a tiles.Audience, minCount int) (*tiles.Tileset, error) {
		return pipeline.RenderWith(ctx, read, db, a, minCount, "server", logger)
	}
	warnWithheldThreshold(ctx, db, opt.MinCount, logger)
	backends, err := web.OpenBackends(ctx, opt)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	srv := web.NewServer(cfg, &auth.Store{DB: db}, backends, logger)
	return srv, func() { backends.Close(); db.Close() }, nil
}

// warnWithheldThreshold warns when the served threshold differs from the one the withheld
// figures were chosen for: small counts are still withheld, but the secondary suppression that
// keeps them from subtraction was made for the other threshold.
func warnWithheldThreshold(ctx context.Context, db *pgxpool.Pool, minCount int, logger *slog.Logger) {
	stored, err := withheld.Threshold(ctx, db)
	switch {
	case err != nil:
		logger.Warn("cannot read the withheld figures' threshold", "err", err)
	case stored == 0:
		logger.Warn("no withheld figures yet: run abitare aggregate before serving planners")
	case stored != minCount:
		logger.Warn("withheld figures were chosen for another threshold: run abitare aggregate --min-count to match",
			"stored", stored, "served", minCount)
	}
}

func envOr(env *environment, name, def string) string {
	if v := env.getenv(name); v != "" {
		return v
	}
	return def
}

// roleURLs are the roles' own database logins, from ABITARE_DATABASE_URL_<ROLE>.
func roleURLs(env *environment) map[auth.Role]string {
	out := map[auth.Role]string{}
	for _, role := range auth.Roles {
		if u := env.getenv(web.RoleURLEnv(role)); u != "" {
			out[role] = u
		}
	}
	return out
}

// parsePrefixes reads a comma-separated list of CIDRs (a bare address is a /32 or /128).
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !strings.Contains(item, "/") {
			a, err := netip.ParseAddr(item)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func envDuration(env *environment, name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(env.getenv(name)); err == nil {
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
