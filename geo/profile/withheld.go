package profile

import (
	"context"
	"fmt"
	"strings"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/disclosure"
)

// withheldSet is an area's withheld figures (package withheld), by period and figure.
type withheldSet map[string]map[string]bool

func (w withheldSet) has(period, figure string) bool { return w[period][figure] }

// withheldOf reads the figures withheld for one area, in every period.
func (r *Reader) withheldOf(ctx context.Context, geography, id string) (withheldSet, error) {
	rows, err := r.DB.Query(ctx, `SELECT period, figure FROM withheld_figures WHERE geography = $1 AND area_id = $2`, geography, id)
	if err != nil {
		return nil, fmt.Errorf("read withheld figures: %w", err)
	}
	defer rows.Close()
	out := withheldSet{}
	for rows.Next() {
		var period, figure string
		if err := rows.Scan(&period, &figure); err != nil {
			return nil, err
		}
		if out[period] == nil {
			out[period] = map[string]bool{}
		}
		out[period][figure] = true
	}
	return out, rows.Err()
}

// statusOf says whether a count may be shown: not when it is small or withheld to protect
// a small one.
func (r *Reader) statusOf(count int, defined, withheld bool) string {
	switch {
	case !defined:
		return abitare.NotApplicable
	case withheld || disclosure.Withheld(count, r.MinCount):
		return abitare.Withheld
	}
	return abitare.Shown
}

// hotspotIndicators are the indicators an analysis's statistic is computed from
// (moran:<x>, gi:<x>, bivariate:<x>:<y>).
func hotspotIndicators(analysis string) []string {
	parts := strings.Split(analysis, ":")
	if len(parts) < 2 {
		return nil
	}
	var out []string
	for _, p := range parts[1:] {
		out = append(out, strings.SplitN(p, "@", 2)[0])
	}
	return out
}

// anyWithheld reports whether any of an area's figures in a period is withheld.
func (w withheldSet) anyWithheld(period string, figures []string) bool {
	for _, f := range figures {
		if w.has(period, f) {
			return true
		}
	}
	return false
}
