package synthetic

import (
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// agencyFile is the content of one agency file.
type agencyFile struct {
	header string
	rows   []string
}

func fileIndex(name string) int {
	switch name {
	case FileServiziSociali:
		return 0
	case FileUfficioCasa:
		return 1
	}
	return 2
}

// buildEvents selects, for every kind, exactly the scaled volume of households or persons with
// the highest score plus Gumbel noise, and renders their rows sorted by date.
func buildEvents(rng *rand.Rand, c *city, cfg Config) ([3]agencyFile, []KindRows) {
	files := [3]agencyFile{{header: HeaderServiziSociali}, {header: HeaderUfficioCasa}, {header: HeaderAUSL}}
	var rows [3][]row
	r := drawRisks(rng, c)
	var kinds []KindRows
	for _, base := range BaseVolumes {
		n := scaledVolume(base.Rows, cfg.Residents)
		var out []row
		switch base.File {
		case FileServiziSociali, FileUfficioCasa:
			score := r.poverty
			if base.Kind != KindContributoEconomico {
				score = r.housing
			}
			sel := topN(rng, n, func(i int) float64 { return score[i] }, len(c.hh))
			out = householdRows(rng, c, cfg.Year, base.Kind, sel, r)
		default:
			kind := base.Kind
			sel := topN(rng, n, func(i int) float64 {
				return r.health[i] + healthAge(kind, int(c.people[i].age))
			}, len(c.people))
			out = healthRows(rng, c, cfg.Year, kind, sel)
		}
		fi := fileIndex(base.File)
		rows[fi] = append(rows[fi], out...)
		kinds = append(kinds, KindRows{File: base.File, Kind: base.Kind, Rows: len(out)})
	}
	for i := range rows {
		sortRows(rows[i])
		for _, rw := range rows[i] {
			files[i].rows = append(files[i].rows, rw.line)
		}
	}
	return files, kinds
}

// householdRows renders one row per selected household, naming an adult applicant.
func householdRows(rng *rand.Rand, c *city, year int, kind string, sel []int, r risks) []row {
	out := make([]row, 0, len(sel))
	var b strings.Builder
	for _, hi := range sel {
		h := c.hh[hi]
		p := c.people[applicant(rng, c, hi)]
		date := dayIn(rng, year)
		b.Reset()
		switch kind {
		case KindContributoEconomico, KindContributoAffitto:
			amount := lognormalAmount(rng, 1500, 0.6, 300, 6000)
			if kind == KindContributoAffitto {
				amount = lognormalAmount(rng, 1200, 0.5, 300, 4000)
			}
			join(&b, p.cf, kind, formatDate(date), endDate(rng, date, year), formatEuro(amount), residence(h))
		case KindDomandaERP:
			score := min(40, max(5, 20+4*r.housing[hi]+4*rng.NormFloat64()))
			join(&b, p.cf, kind, formatDate(date), formatScore(math.Round(score*10)/10), "", residence(h))
		default: // SFRATTO
			join(&b, p.cf, kind, formatDate(date), "", evictionStage(rng), residence(h))
		}
		out = append(out, row{date: date, line: b.String()})
	}
	return out
}

// healthRows renders one row per selected person.
func healthRows(rng *rand.Rand, c *city, year int, kind string, sel []int) []row {
	out := make([]row, 0, len(sel))
	var b strings.Builder
	for _, pi := range sel {
		p := c.people[pi]
		date := dayIn(rng, year)
		b.Reset()
		join(&b, p.cf, kind, formatDate(date), residence(c.hh[p.hh]))
		out = append(out, row{date: date, line: b.String()})
	}
	return out
}

// endDate is empty for open interventions (a quarter of them), otherwise start plus 3, 6 or 12
// months, capped at the end of the year.
func endDate(rng *rand.Rand, start time.Time, year int) string {
	if rng.Float64() < 0.25 {
		return ""
	}
	end := start.AddDate(0, []int{3, 6, 12}[rng.IntN(3)], -1)
	if last := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC); end.After(last) {
		end = last
	}
	return formatDate(end)
}

func evictionStage(rng *rand.Rand) string {
	switch u := rng.Float64(); {
	case u < 0.5:
		return "INTIMAZIONE"
	case u < 0.8:
		return "CONVALIDA"
	}
	return "ESECUZIONE"
}
