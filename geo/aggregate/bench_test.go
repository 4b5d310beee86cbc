package aggregate_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/democity/tessellate"
	"github.com/abitare/abitare/disclosure"
	"github.com/abitare/abitare/disclosure/cellkey"
	"github.com/abitare/abitare/geo/aggregate"
	"github.com/abitare/abitare/geo/hotspots"
	"github.com/abitare/abitare/geo/modena"
	"github.com/abitare/abitare/geo/zones"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/abitare/abitare/tiles"
)

// BenchmarkAggregateCity aggregates a city of ABITARE_BENCH_PEOPLE residents (default
// 1,000,000) with ABITARE_BENCH_EVENTS events (default 5,000,000) over all geographies, for the
// year and its four quarters, then runs the hotspots. The baseline measured in the same run is
// a plain scan of the events table (count by domain).
func BenchmarkAggregateCity(b *testing.B) {
	people, events := 1_000_000, 5_000_000
	if v := os.Getenv("ABITARE_BENCH_PEOPLE"); v != "" {
		fmt.Sscan(v, &people)
	}
	if v := os.Getenv("ABITARE_BENCH_EVENTS"); v != "" {
		fmt.Sscan(v, &events)
	}
	db := testdb.New(b)
	ctx := context.Background()
	if _, err := zones.LoadModena(ctx, db.Pool); err != nil {
		b.Fatal(err)
	}
	omi, _ := modena.OMIZones()
	secs, err := tessellate.Sections(omi, people, 1)
	if err != nil {
		b.Fatal(err)
	}
	var in []zones.Section
	for _, s := range secs {
		h := s.Households
		in = append(in, zones.Section{ID: s.ID, MunicipalityCode: modena.MunicipalityCode, Residents: s.Residents, Households: &h, OMIZone: s.OMIZone, Synthetic: true, Geometry: s.Geometry})
	}
	if _, err := zones.StoreSections(ctx, db.Pool, in, zones.StoreOptions{}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for _, sql := range []string{
		`CREATE TABLE bench_cells AS SELECT row_number() OVER (ORDER BY c.cell) AS i, c.cell, ST_Centroid(c.geom) AS g,
			(SELECT s.id FROM census_sections s WHERE ST_Intersects(s.geom, ST_Centroid(c.geom)) LIMIT 1) AS sec
		 FROM h3_cells c WHERE c.resolution = 10`,
		`INSERT INTO ingest_batches (source, file_name, file_sha256, rows_read, rows_accepted, rows_rejected, rows_duplicate, loaded_by)
		 VALUES ('bench', 'bench', '\x00', 0, 0, 0, 0, 'bench')`,
		fmt.Sprintf(`INSERT INTO people (pseudonym, id_kind) SELECT sha256(i::text::bytea), 'cf' FROM generate_series(1, %d) i`, people/4),
		fmt.Sprintf(`INSERT INTO events (batch_id, person, source, domain, kind, event_date, h3_cell, section_id, geom)
		 SELECT 1, sha256(p::text::bytea), 'bench', d, d, date '2025-01-01' + (e %% 365)::int, c.cell, c.sec, c.g
		 FROM (SELECT e, 1 + (e * 7919) %% %d AS p, (ARRAY['poverty','housing','health','work','education'])[1 + (e / 3) %% 5] AS d,
		              1 + (e * 104729) %% (SELECT count(*) FROM bench_cells) AS ci
		       FROM generate_series(1::bigint, %d) e) x JOIN bench_cells c ON c.i = x.ci
		 ON CONFLICT DO NOTHING`, people/4, events),
		`ANALYZE`,
	} {
		if _, err := db.Pool.Exec(ctx, sql); err != nil {
			b.Fatalf("load: %v", err)
		}
	}
	b.Logf("loaded %d people in sections and %d events in %s", people, events, time.Since(start).Round(time.Second))

	var scan, aggregation, spots time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := db.Pool.Exec(ctx, `SELECT domain, count(DISTINCT person) FROM events GROUP BY domain`); err != nil {
			b.Fatal(err)
		}
		scan += time.Since(t0)
		t0 = time.Now()
		periods, _ := abitare.ParsePeriod("2025")
		if _, err := aggregate.Run(ctx, db.Pool, periods); err != nil {
			b.Fatal(err)
		}
		aggregation += time.Since(t0)
		t0 = time.Now()
		if _, err := hotspots.Run(ctx, db.Pool, "2025", hotspots.Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
		spots += time.Since(t0)
	}
	b.ReportMetric(aggregation.Seconds()/float64(b.N), "aggregate-s")
	b.ReportMetric(spots.Seconds()/float64(b.N), "hotspots-s")
	b.ReportMetric(aggregation.Seconds()/scan.Seconds(), "aggregate/scan")
	reportTiles(b, db)
}

// reportTiles renders every tile archive of the city, restricted and (after a release) public,
// and reports the time and the features rendered per second, which stays flat as the city
// grows if the cost is linear in the features.
func reportTiles(b *testing.B, db *testdb.DB) {
	ctx := context.Background()
	if _, err := aggregate.StoreAdaptive(ctx, db.Pool, aggregate.DefaultFloor); err != nil {
		b.Fatal(err)
	}
	if _, err := disclosure.Release(ctx, db.Pool, disclosure.Options{Params: cellkey.DefaultParams(),
		MinResidents: disclosure.DefaultMinResidents, By: "bench"}); err != nil {
		b.Fatal(err)
	}
	var elapsed time.Duration
	var features int64
	for _, a := range []tiles.Audience{tiles.Restricted, tiles.Public} {
		ts, err := tiles.Render(ctx, db.Pool, a, tiles.RenderOptions{MinCount: 5})
		if err != nil {
			b.Fatal(err)
		}
		elapsed += ts.Elapsed
		for _, ar := range ts.Archives {
			features += ar.Features
		}
	}
	b.ReportMetric(elapsed.Seconds(), "tiles-s")
	b.ReportMetric(float64(features)/elapsed.Seconds(), "tile-features/s")
}
