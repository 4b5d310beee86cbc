package aggregate

import (
	"fmt"
	"strings"

	"github.com/abitare/abitare"
)

// storePiecesSQL stores, per figure, the people of the period placed in each census section and
// H3 10 cell at once (disclosure_pieces): the atoms both partitions are sums of. The figure
// names are withheld_figures': the indicators, the overlap layers, and per need its people, those
// without help and those helped.
func storePiecesSQL() string {
	type figure struct{ name, filter string }
	var figures []figure
	for _, ind := range abitare.Indicators {
		figures = append(figures, figure{ind, indicatorFilter(ind)})
	}
	figures = append(figures, figure{"two_plus", "domains >= 2"}, figure{"all_three", "domains = 3"})
	for _, n := range Needs {
		figures = append(figures,
			figure{"coverage:" + n.Name + ":people", n.Name},
			figure{"coverage:" + n.Name + ":without_help", n.Name + " AND NOT helped"},
			figure{"coverage:" + n.Name + ":helped", n.Name + " AND helped"})
	}
	var counts, values []string
	for i, f := range figures {
		counts = append(counts, fmt.Sprintf("count(*) FILTER (WHERE %s)::int AS f%d", f.filter, i))
		values = append(values, fmt.Sprintf("('%s', g.f%d)", f.name, i))
	}
	return `
INSERT INTO disclosure_pieces (period, section_id, cell10, figure, people)
SELECT $1, g.section_id, g.cell10, v.figure, v.people
FROM (SELECT coalesce(section_id, '') AS section_id, coalesce(to_hex(cell10), '') AS cell10, ` + strings.Join(counts, ", ") + `
      FROM period_people WHERE section_id IS NOT NULL OR cell10 IS NOT NULL GROUP BY 1, 2) g,
     LATERAL (VALUES ` + strings.Join(values, ", ") + `) v(figure, people)
WHERE v.people > 0;`
}
