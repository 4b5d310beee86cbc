package web

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/profile"
	"golang.org/x/sync/singleflight"
)

// The categories view (/api/categories) reads person-level tables and protects the whole
// city-by-district table of a domain and period: 1.6 to 2.1 s a call on the demo city. Its
// answer changes only when the data are aggregated again (abitare aggregate records an
// analysis run), so answers are kept per domain, period, geography and area until the newest
// analysis run changes, a bounded number of them; the same request arriving while one is
// computed waits for it. A request is checked before any of this (checkCategories), so an
// unknown district or a period without figures costs one small query.

// maxCachedCategories bounds the answers kept: 6 domains by a few periods by the city and 20
// districts.
const maxCachedCategories = 512

type categoriesKey struct{ domain, period, geography, id string }

type categoriesAnswer struct {
	list         []profile.CategoryRisk
	unclassified *int
}

type categoriesCache struct {
	max int

	mu      sync.Mutex
	version int64 // the newest analysis run the entries were computed under
	entries map[categoriesKey]categoriesAnswer
	order   []categoriesKey // oldest first, for eviction
	flight  singleflight.Group

	computed atomic.Int64 // answers computed, for tests
}

// answer returns the cached answer of k under version, or computes and keeps it.
func (c *categoriesCache) answer(version int64, k categoriesKey, compute func() (categoriesAnswer, error)) (categoriesAnswer, error) {
	if a, ok := c.get(version, k); ok {
		return a, nil
	}
	v, err, _ := c.flight.Do(fmt.Sprintf("%d\x00%s\x00%s\x00%s\x00%s", version, k.domain, k.period, k.geography, k.id), func() (any, error) {
		if a, ok := c.get(version, k); ok {
			return a, nil
		}
		a, err := compute()
		if err != nil {
			return nil, err
		}
		c.computed.Add(1)
		c.put(version, k, a)
		return a, nil
	})
	if err != nil {
		return categoriesAnswer{}, err
	}
	return v.(categoriesAnswer), nil
}

func (c *categoriesCache) get(version int64, k categoriesKey) (categoriesAnswer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version {
		return categoriesAnswer{}, false
	}
	a, ok := c.entries[k]
	return a, ok
}

func (c *categoriesCache) put(version int64, k categoriesKey, a categoriesAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case version > c.version || c.entries == nil:
		c.version, c.entries, c.order = version, map[categoriesKey]categoriesAnswer{}, nil
	case version < c.version:
		return // computed under an older aggregation than the entries now kept
	}
	if _, ok := c.entries[k]; ok {
		return
	}
	limit := c.max
	if limit <= 0 {
		limit = maxCachedCategories
	}
	for len(c.order) >= limit {
		delete(c.entries, c.order[0])
		c.order = slices.Delete(c.order, 0, 1)
	}
	c.entries[k] = a
	c.order = append(c.order, k)
}

// size is how many answers are kept, for tests.
func (c *categoriesCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// checkCategories checks a categories request before anything heavy is read: the domain, the
// period, that the period has been aggregated and that the district exists (400 or 404). It
// returns the newest analysis run, which versions the cached answers.
func (s *Server) checkCategories(ctx context.Context, b *Backend, domain, period, district string) (version int64, err error) {
	if !slices.Contains(abitare.Indicators, domain) {
		return 0, invalid("domain %q: want one of %v", domain, abitare.Indicators)
	}
	if _, err := abitare.ParsePeriod(period); err != nil {
		return 0, err
	}
	var aggregated, known bool
	err = b.DB.QueryRow(ctx, `SELECT (SELECT coalesce(max(id), 0) FROM analysis_runs),
		EXISTS (SELECT 1 FROM area_indicators WHERE geography = 'municipality' AND period = $1),
		$2 = '' OR EXISTS (SELECT 1 FROM omi_zones WHERE code = $2) OR EXISTS (SELECT 1 FROM census_sections WHERE omi_zone = $2)`,
		period, district).Scan(&version, &aggregated, &known)
	if err != nil {
		return 0, fmt.Errorf("categories: check the request: %w", err)
	}
	switch {
	case !aggregated:
		return 0, abitare.Errorf(abitare.NotFound, "categories: no figures for period %s (run abitare aggregate)", period)
	case !known:
		return 0, abitare.Errorf(abitare.NotFound, "categories: no OMI district %q", district)
	}
	return version, nil
}
