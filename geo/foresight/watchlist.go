package foresight

import (
	"cmp"
	"context"
	"slices"

	"github.com/abitare/abitare/geo/trends"
	"github.com/abitare/abitare/postgres"
)

// WatchItem is an area the housing office and planners should look at, and why.
type WatchItem struct {
	ID       string `json:"id"`
	Category string `json:"category"` // emerging hot spot category
	// Rising: the Mann-Kendall test finds a significant upward trend in the area's Gi* z-scores.
	Rising bool    `json:"rising"`
	MKZ    float64 `json:"mk_z"`
	MKP    float64 `json:"mk_p"`
	// Next is the forecast of the next quarter, when one is made and not withheld.
	Next *ForecastStep `json:"next,omitempty"`
	// Above: the forecast rate exceeds the level asked for.
	Above   bool     `json:"above"`
	Reasons []string `json:"reasons"` // rising_trend, new_hot_spot, intensifying_hot_spot, consecutive_hot_spot, forecast_above
}

// watchedCategories are the categories that call for attention: hot spots that are new or
// getting worse.
var watchedCategories = []trends.Category{trends.NewHotSpot, trends.IntensifyingHotSpot, trends.ConsecutiveHotSpot}

// Watchlist lists the areas of a trend geography with a significant rising trend, a new,
// consecutive or intensifying hot spot, or a next-quarter forecast above level (per 1,000;
// 0 leaves that test out), most urgent first: most reasons, then the strongest trend.
func Watchlist(ctx context.Context, db postgres.Querier, geography, domain string, level float64) ([]WatchItem, error) {
	list, err := ReadTrends(ctx, db, geography, domain)
	if err != nil {
		return nil, err
	}
	fc, err := Forecasts(ctx, db, geography, domain, "", 1)
	if err != nil {
		return nil, err
	}
	next := map[string]ForecastStep{}
	for _, a := range fc.Areas {
		if len(a.Steps) > 0 && !a.Steps[0].Withheld {
			next[a.ID] = a.Steps[0]
		}
	}
	var out []WatchItem
	for _, t := range list {
		item := WatchItem{ID: t.ID, Category: t.Category, MKZ: t.MKZ, MKP: t.MKP, Reasons: []string{}}
		item.Rising = t.MKZ > 0 && t.MKP <= trends.DefaultTrendAlpha
		if item.Rising {
			item.Reasons = append(item.Reasons, "rising_trend")
		}
		if c, err := trends.ParseCategory(t.Category); err == nil && slices.Contains(watchedCategories, c) {
			item.Reasons = append(item.Reasons, t.Category)
		}
		if st, ok := next[t.ID]; ok {
			item.Next = &st
			if level > 0 && st.Rate > level {
				item.Above = true
				item.Reasons = append(item.Reasons, "forecast_above")
			}
		}
		if len(item.Reasons) > 0 {
			out = append(out, item)
		}
	}
	slices.SortFunc(out, func(a, b WatchItem) int {
		return cmp.Or(cmp.Compare(len(b.Reasons), len(a.Reasons)), cmp.Compare(b.MKZ, a.MKZ), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}
