package aggregate

import (
	"fmt"
	"strings"
)

// Needs that call for help, and the signal of each in the pooled records. A person with such a
// signal and no social-services intervention in the same period is need without help.
var Needs = []struct{ Name, Signal string }{
	{"eviction", `kind = 'eviction'`},
	{"disability", `kind = 'disability'`},
	{"mental_health", `kind = 'mental_health'`},
	{"job_seeker", `kind = 'job_seeker_registration'`},
}

// storeCoverageSQL counts, per area, the people with each need signal in the period and those
// of them with no social-services event in the same period (the flags come with period_people).
func storeCoverageSQL() string {
	var aggregates, values []string
	for _, n := range Needs {
		aggregates = append(aggregates,
			fmt.Sprintf("count(*) FILTER (WHERE %s)::int AS %s_people", n.Name, n.Name),
			fmt.Sprintf("count(*) FILTER (WHERE %s AND NOT helped)::int AS %s_without", n.Name, n.Name))
		values = append(values, fmt.Sprintf("('%s', g.%s_people, g.%s_without)", n.Name, n.Name, n.Name))
	}
	return `
INSERT INTO area_coverage (geography, area_id, period, need, people, without_help)
SELECT g.geography, g.area_id, $1, v.need, v.people, v.without_help
FROM (` + byArea(strings.Join(aggregates, ", ")) + `) g,
     LATERAL (VALUES ` + strings.Join(values, ", ") + `) v(need, people, without_help)
WHERE v.people > 0 ORDER BY 1, 4, 2;`
}
