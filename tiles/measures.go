package tiles

import (
	"fmt"
	"strings"

	"github.com/abitare/abitare"
)

// The planner's derived measures on the restricted indicator layers: the composite indices
// (area_composite) and, per need, the share of people in need without help (area_coverage).
// They follow the profile's rules (geo/profile): an index is withheld when any of its inputs
// (the composite domains) is withheld, small or listed in withheld_figures, since it is a
// known function of them; a coverage share only when the need's people, those without help
// and the helped (their difference) may all be shown.
//
// Only joins on primary keys and the pivot's own GROUP BY: no aggregated subquery is joined, so
// that a plan made without statistics (tiles are rendered right after aggregation) stays cheap.

// measureFields are the fields the measures add to a layer.
func measureFields() []string {
	f := []string{"ampi", "Number", "imd", "Number"}
	for _, need := range abitare.Needs {
		f = append(f, unhelpedField(need), "Number")
	}
	return f
}

// unhelpedField is the share (0-1) of a need's people without help.
func unhelpedField(need string) string { return "unhelped_" + need }

// compositeWithheldColumn is a column of the indicator pivot (rows c of area_indicators, cw
// their withheld_figures): whether any composite input of the area is withheld.
func compositeWithheldColumn() string {
	domains := "'" + strings.Join(abitare.CompositeDomains, "', '") + "'"
	return fmt.Sprintf(`coalesce(bool_or(c.indicator IN (%s) AND c.rate IS NOT NULL
		AND (%s IS NULL OR cw.figure IS NOT NULL)), false) AS composite_withheld`, domains, shownCount("c.people"))
}

// withMeasures wraps an indicator pivot p (one row per geography, area_id, with period and
// composite_withheld) with the measures of its areas, keeping the pivot's columns.
func withMeasures(pivot string) string {
	cols := []string{"p.*",
		"CASE WHEN NOT p.composite_withheld THEN round(k.ampi::numeric, 1)::float8 END AS ampi",
		"CASE WHEN NOT p.composite_withheld THEN round(k.imd::numeric, 1)::float8 END AS imd"}
	joins := []string{`LEFT JOIN area_composite k ON k.geography = p.geography AND k.area_id = p.area_id AND k.period = p.period`}
	for i, need := range abitare.Needs {
		v, vp, vw := fmt.Sprintf("v%d", i), fmt.Sprintf("vp%d", i), fmt.Sprintf("vw%d", i)
		cols = append(cols, fmt.Sprintf(`CASE WHEN %[1]s.people > 0
		     AND %[5]s IS NOT NULL AND %[2]s.figure IS NULL
		     AND %[6]s IS NOT NULL AND %[3]s.figure IS NULL
		     AND %[7]s IS NOT NULL
		     THEN round(%[1]s.without_help::numeric / %[1]s.people, 3)::float8 END AS %[4]s`, v, vp, vw, unhelpedField(need),
			shownCount(v+".people"), shownCount(v+".without_help"), shownCount(v+".people - "+v+".without_help")))
		joins = append(joins,
			fmt.Sprintf(`LEFT JOIN area_coverage %[1]s ON %[1]s.geography = p.geography AND %[1]s.area_id = p.area_id AND %[1]s.period = p.period AND %[1]s.need = '%[2]s'`, v, need),
			fmt.Sprintf(`LEFT JOIN withheld_figures %[1]s ON %[1]s.geography = p.geography AND %[1]s.area_id = p.area_id AND %[1]s.period = p.period AND %[1]s.figure = 'coverage:%[2]s:people'`, vp, need),
			fmt.Sprintf(`LEFT JOIN withheld_figures %[1]s ON %[1]s.geography = p.geography AND %[1]s.area_id = p.area_id AND %[1]s.period = p.period AND %[1]s.figure = 'coverage:%[2]s:without_help'`, vw, need))
	}
	return fmt.Sprintf("(SELECT %s\n\tFROM %s p\n\t%s)", strings.Join(cols, ",\n\t\t"), pivot, strings.Join(joins, "\n\t"))
}
