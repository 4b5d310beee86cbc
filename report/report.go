// Package report builds an area's report, the page a planner or the housing office takes to a
// meeting: the area's figures against the city's, with intervals, rank, quarters, combinations
// of domains, hotspot results with their run's parameters, and a paragraph in plain Italian or
// English generated from the figures. It is written as an XLSX workbook or a printable HTML page
// (the browser saves it as PDF).
//
// A report holds only what the caller's role may see: Build reads restricted figures for roles
// that read aggregates, the published ones otherwise.
//
//	rep, err := report.Build(ctx, profiles, report.Request{Geography: "h3_9", ID: id, Period: "2025", Restricted: true})
//	if err != nil { ... }
//	err = report.WriteHTML(w, rep, "it") // or report.WriteXLSX(w, rep, "en")
package report

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/geo/profile"
)

// Source is what a report is read from (geo/profile's Reader).
type Source interface {
	Compare(ctx context.Context, geography string, ids []string, period string) (profile.Comparison, error)
	PublishedCompare(ctx context.Context, geography string, ids []string, period string) (profile.PublishedComparison, error)
	Run(ctx context.Context, id int64) (profile.AnalysisRun, error)
}

// ZoneCategoriesSource is a Source that also reads the categories of an OMI district
// (geo/profile's Reader): a restricted report on a district then says who is most exposed.
type ZoneCategoriesSource interface {
	ZoneCategories(ctx context.Context, domain, zone, period string) ([]profile.CategoryRisk, *int, error)
}

// ExposedDomain is the domain of a district's "who is most exposed" section, and ExposedTop
// how many categories it lists.
const (
	ExposedDomain = "multi_domain"
	ExposedTop    = 5
)

// Request names the area and says which figures the caller may see.
type Request struct {
	Geography, ID, Period string
	Restricted            bool // true figures (planners); false: the published ones
}

// Figure is one indicator of the area, with the city's rate beside it. Fields a role does not
// see (intervals, EB rates for the public) stay nil.
type Figure struct {
	Indicator string
	People    *int
	Residents float64
	Rate      *float64
	CILow     *float64
	CIHigh    *float64
	EBRate    *float64
	Change    *float64
	Status    string
	CityRate  *float64
	Rank      *profile.Rank
}

// Report is one area's report.
type Report struct {
	Geography, ID, Period string
	Restricted            bool
	Release               int64  // the public release the published figures come from
	Protection            string // how published figures are protected
	Figures               []Figure
	Quarters              map[string][]profile.Rate
	Overlap               []profile.Combination
	Hotspots              []profile.Hotspot
	Runs                  map[int64]profile.AnalysisRun
	Composite             *profile.Composite
	IDISE                 *profile.IDISE // ISTAT's index of a census section, when loaded
	Coverage              []profile.Coverage
	// Exposed: for a district (restricted), the categories of residents with the highest
	// relative risk of need in ExposedDomain, from the district's protected categories
	// (geo/profile ZoneCategories): only those whose relative risk is shown.
	Exposed   []profile.CategoryRisk
	Generated time.Time
}

// Build reads the area's report.
func Build(ctx context.Context, src Source, req Request) (Report, error) {
	rep := Report{Geography: req.Geography, ID: req.ID, Period: req.Period, Restricted: req.Restricted, Generated: time.Now().UTC()}
	ids := []string{req.ID}
	if !req.Restricted {
		c, err := src.PublishedCompare(ctx, req.Geography, ids, req.Period)
		if err != nil {
			return rep, fmt.Errorf("report of %s %s: %w", req.Geography, req.ID, err)
		}
		a := c.Areas[0]
		rep.Release, rep.Protection, rep.Quarters = c.Release, c.Protection, a.Quarters
		city := publishedRates(c.City.Indicators)
		for _, i := range a.Indicators {
			rep.Figures = append(rep.Figures, Figure{Indicator: i.Indicator, People: i.People, Residents: float64(i.Residents),
				Rate: i.Rate, Status: i.Status, CityRate: city[i.Indicator], Rank: a.Ranks[i.Indicator]})
		}
		sortFigures(rep.Figures)
		return rep, nil
	}
	c, err := src.Compare(ctx, req.Geography, ids, req.Period)
	if err != nil {
		return rep, fmt.Errorf("report of %s %s: %w", req.Geography, req.ID, err)
	}
	a := c.Areas[0]
	city := map[string]*float64{}
	for _, i := range c.City.Indicators {
		city[i.Indicator] = i.Rate
	}
	for _, i := range a.Indicators {
		rep.Figures = append(rep.Figures, Figure{Indicator: i.Indicator, People: i.People, Residents: i.Residents, Rate: i.Rate,
			CILow: i.CILow, CIHigh: i.CIHigh, EBRate: i.EBRate, Change: i.Change, Status: i.Status, CityRate: city[i.Indicator], Rank: a.Ranks[i.Indicator]})
	}
	sortFigures(rep.Figures)
	rep.Quarters, rep.Overlap, rep.Hotspots, rep.Composite, rep.Coverage = a.Quarters, a.Overlap, a.Hotspots, a.Composite, a.Coverage
	rep.IDISE = a.IDISE
	rep.Runs = map[int64]profile.AnalysisRun{}
	for _, h := range a.Hotspots {
		if _, seen := rep.Runs[h.RunID]; seen {
			continue
		}
		run, err := src.Run(ctx, h.RunID)
		if err != nil {
			return rep, fmt.Errorf("report of %s %s: hotspot run %d: %w", req.Geography, req.ID, h.RunID, err)
		}
		rep.Runs[h.RunID] = run
	}
	if zc, ok := src.(ZoneCategoriesSource); ok && req.Geography == "omi" {
		list, _, err := zc.ZoneCategories(ctx, ExposedDomain, req.ID, req.Period)
		if err != nil {
			return rep, fmt.Errorf("report of %s %s: categories: %w", req.Geography, req.ID, err)
		}
		rep.Exposed = topExposed(list, ExposedTop)
	}
	return rep, nil
}

// topExposed keeps the n categories with the highest relative risk shown (the list comes
// sorted, highest first, those without one last).
func topExposed(list []profile.CategoryRisk, n int) []profile.CategoryRisk {
	out := []profile.CategoryRisk{}
	for _, c := range list {
		if c.RR != nil && len(out) < n {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b profile.CategoryRisk) int {
		switch {
		case *a.RR > *b.RR:
			return -1
		case *a.RR < *b.RR:
			return 1
		}
		return 0
	})
	return out
}

func publishedRates(list []profile.PublishedIndicator) map[string]*float64 {
	out := map[string]*float64{}
	for _, i := range list {
		out[i.Indicator] = i.Rate
	}
	return out
}

// sortFigures puts the figures in the vocabulary's order: the domains, then multi-domain need.
func sortFigures(f []Figure) {
	slices.SortStableFunc(f, func(a, b Figure) int {
		return slices.Index(abitare.Indicators, a.Indicator) - slices.Index(abitare.Indicators, b.Indicator)
	})
}

// shown reports whether a figure's rate may be read: a true count shown to a restricted role,
// or a protected count published.
func (f Figure) shown() bool {
	return f.Rate != nil && (f.Status == abitare.Shown || f.Status == abitare.Protected)
}
