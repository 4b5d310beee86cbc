package aggregate

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
	var parts []string
	for _, n := range Needs {
		need := n.Name
		parts = append(parts, `SELECT p.geography, p.area_id, '`+need+`' AS need, count(*)::int AS people,
		       count(*) FILTER (WHERE NOT p.helped)::int AS without_help
		FROM placed p WHERE p.`+need+`
		GROUP BY p.geography, p.area_id`)
	}
	sql := "INSERT INTO area_coverage (geography, area_id, period, need, people, without_help)\nSELECT geography, area_id, $1, need, people, without_help FROM (\n"
	for i, p := range parts {
		if i > 0 {
			sql += "\nUNION ALL\n"
		}
		sql += p
	}
	return sql + "\n) c ORDER BY 1, 3, 2;"
}
