package main

// The categories of one OMI district (GET /api/categories?geography=omi&id=) against
// differencing: a planner reads the city's categories and every district's for one domain, and
// the interval attack of disclosure/secondary runs over the union, with every relation that
// holds between them (a district's categories add up to its people classified, these plus its
// unclassified to its people in the domain, shown on the map; the districts plus the people
// placed in none to the city). No small count may be narrowed to fewer than three values.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/disclosure/secondary"
	"github.com/abitare/abitare/geo/profile"
	"github.com/abitare/abitare/postgres/testdb"
)

type categoriesAnswer struct {
	Geography    string                 `json:"geography"`
	ID           string                 `json:"id"`
	Unclassified *int                   `json:"unclassified_people"`
	Categories   []profile.CategoryRisk `json:"categories"`
}

func checkZoneCategories(t *testing.T, base string, db *testdb.DB, users map[auth.Role]testUser) {
	ctx := context.Background()
	const domain, period = "multi_domain", "2025"
	var threshold int
	if err := db.Pool.QueryRow(ctx, `SELECT (parameters->>'threshold')::int FROM analysis_runs WHERE kind = 'withheld' ORDER BY id DESC LIMIT 1`).Scan(&threshold); err != nil {
		t.Fatalf("no withheld run recorded by aggregate: %v", err)
	}
	planner := users[auth.Planner]
	read := func(query string) categoriesAnswer {
		t.Helper()
		status, body, _ := request(t, "GET", base+"/api/categories?domain="+domain+"&period="+period+query, planner, "")
		if status != http.StatusOK {
			t.Fatalf("categories%s: %d %s", query, status, truncate(body))
		}
		var a categoriesAnswer
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	for q, want := range map[string]int{"&geography=section&id=x": 400, "&geography=omi": 400, "&id=B1": 400, "&geography=omi&id=nowhere": 404} {
		if status, body, _ := request(t, "GET", base+"/api/categories?domain="+domain+"&period="+period+q, planner, ""); status != want {
			t.Errorf("categories%s: %d %s, want %d", q, status, truncate(body), want)
		}
	}
	if status, _, _ := request(t, "GET", base+"/api/categories?domain="+domain+"&geography=omi&id=x", users[auth.Public], ""); status == http.StatusOK {
		t.Error("the public reads a district's categories")
	}

	// The truth, as the database's functions count it, and the map's figures of the districts.
	type key struct{ zone, dim, cat string }
	truthIn, truthRes := map[key]int{}, map[key]int{}
	rows, err := db.Pool.Query(ctx, `SELECT zone, dimension, category, residents, in_need FROM zone_category_counts('2025-01-01', '2026-01-01', $1, 2025)`, domain)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k key
		var res, in int
		if err := rows.Scan(&k.zone, &k.dim, &k.cat, &res, &in); err != nil {
			t.Fatal(err)
		}
		truthIn[k], truthRes[k] = in, res
	}
	rows.Close()
	outside := map[string]int{}
	rows, err = db.Pool.Query(ctx, `SELECT zone, people FROM zone_unclassified_need('2025-01-01', '2026-01-01', $1)`, domain)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var z string
		var n int
		_ = rows.Scan(&z, &n)
		outside[z] = n
	}
	rows.Close()
	var zones []string
	if err := db.Pool.QueryRow(ctx, `SELECT array_agg(code ORDER BY code) FROM omi_zones`).Scan(&zones); err != nil {
		t.Fatal(err)
	}
	mapPeople, mapWithheld := map[string]int{}, map[string]bool{}
	rows, err = db.Pool.Query(ctx, `SELECT i.area_id, i.people, w.area_id IS NOT NULL FROM area_indicators i
		LEFT JOIN withheld_figures w ON w.geography = i.geography AND w.area_id = i.area_id AND w.period = i.period AND w.figure = i.indicator
		WHERE i.geography = 'omi' AND i.period = $1 AND i.indicator = $2`, period, domain)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var z string
		var n int
		var w bool
		_ = rows.Scan(&z, &n, &w)
		mapPeople[z], mapWithheld[z] = n, w
	}
	rows.Close()

	city := read("")
	answers := map[string]categoriesAnswer{"city": city}
	var dims []string
	var cats [][2]string
	for _, c := range city.Categories {
		cats = append(cats, [2]string{c.Dimension, c.Category})
	}
	for _, c := range cats {
		if len(dims) == 0 || dims[len(dims)-1] != c[0] {
			found := false
			for _, d := range dims {
				found = found || d == c[0]
			}
			if !found {
				dims = append(dims, c[0])
			}
		}
	}
	shownZones := 0
	for _, z := range zones {
		a := read("&geography=omi&id=" + url.QueryEscape(z))
		if a.Geography != "omi" || a.ID != z || len(a.Categories) != len(cats) {
			t.Fatalf("district %s: answer for %s %s with %d categories, want %d", z, a.Geography, a.ID, len(a.Categories), len(cats))
		}
		answers[z] = a
		// A district's people are placed as the map places them: its classified plus its
		// unclassified are the map's count of the district.
		classified := 0
		for _, c := range cats {
			if c[0] == dims[0] {
				classified += truthIn[key{z, c[0], c[1]}]
			}
		}
		if got := classified + outside[z]; got != mapPeople[z] {
			t.Errorf("district %s: %d people in %s by categories, %d on the map", z, got, domain, mapPeople[z])
		}
		for _, c := range a.Categories {
			k := key{z, c.Dimension, c.Category}
			if c.Residents != truthRes[k] {
				t.Fatalf("district %s %s/%s: %d residents, true %d", z, c.Dimension, c.Category, c.Residents, truthRes[k])
			}
			if c.People != nil {
				shownZones++
				if *c.People != truthIn[k] || (*c.People >= 1 && *c.People < threshold) {
					t.Fatalf("district %s %s/%s: shows %d people, true %d, threshold %d", z, c.Dimension, c.Category, *c.People, truthIn[k], threshold)
				}
			}
		}
	}

	// The attack's table: per area (the city, each district, the people in no district) its
	// people in the domain, its unclassified, per dimension its classified and each category.
	p := secondary.Problem{Threshold: threshold}
	var shown, unknown0 []bool // unknown0: not shown and possibly zero (a rate not applicable, the remainder)
	add := func(v int, isShown, maybeZero bool) int {
		p.Values = append(p.Values, v)
		shown, unknown0 = append(shown, isShown), append(unknown0, !isShown && maybeZero)
		return len(p.Values) - 1
	}
	type area struct {
		total, rest int
		dim         map[string]int
		cat         map[[2]string]int
	}
	build := func(z string, a *categoriesAnswer, totalShown bool) area {
		ar := area{dim: map[string]int{}, cat: map[[2]string]int{}}
		zone := z
		if z == "city" {
			zone = "*"
		}
		in := func(c [2]string) int {
			if zone == "*" {
				n := 0
				for _, zz := range append([]string{""}, zones...) {
					n += truthIn[key{zz, c[0], c[1]}]
				}
				return n
			}
			return truthIn[key{zone, c[0], c[1]}]
		}
		rest := outside[zone]
		if zone == "*" {
			rest = 0
			for _, n := range outside {
				rest += n
			}
		}
		classified := map[string]int{}
		for _, c := range cats {
			classified[c[0]] += in(c)
		}
		ar.total = add(classified[dims[0]]+rest, totalShown, a == nil)
		ar.rest = add(rest, a != nil && a.Unclassified != nil, a == nil)
		byCat := map[[2]string]profile.CategoryRisk{}
		rrShown := map[string]bool{}
		if a != nil {
			for _, c := range a.Categories {
				byCat[[2]string{c.Dimension, c.Category}] = c
				rrShown[c.Dimension] = rrShown[c.Dimension] || c.RR != nil
			}
		}
		parts := map[string][]int{}
		for _, c := range cats {
			k, ok := byCat[c]
			ar.cat[c] = add(in(c), ok && k.People != nil, a == nil || (ok && k.People == nil && k.Status != "withheld"))
			parts[c[0]] = append(parts[c[0]], ar.cat[c])
		}
		for _, d := range dims {
			ar.dim[d] = add(classified[d], rrShown[d], a == nil)
			p.Equations = append(p.Equations, secondary.Equation{Whole: ar.total, Parts: []int{ar.dim[d], ar.rest}},
				secondary.Equation{Whole: ar.dim[d], Parts: parts[d]})
		}
		return ar
	}
	cityArea := build("city", &city, true)
	areas := []area{build("", nil, false)}
	for _, z := range zones {
		a := answers[z]
		areas = append(areas, build(z, &a, !mapWithheld[z]))
	}
	across := func(cell func(area) int) {
		e := secondary.Equation{Whole: cell(cityArea)}
		for _, a := range areas {
			e.Parts = append(e.Parts, cell(a))
		}
		p.Equations = append(p.Equations, e)
	}
	across(func(a area) int { return a.total })
	across(func(a area) int { return a.rest })
	for _, d := range dims {
		across(func(a area) int { return a.dim[d] })
	}
	for _, c := range cats {
		across(func(a area) int { return a.cat[c] })
	}
	p.Hidden = unknown0
	disclosed := func(withheld []bool) (n int, example secondary.Interval, value int) {
		for c, iv := range secondary.Attack(p, withheld) {
			v := p.Values[c]
			if iv.Lo > v || iv.Hi < v {
				t.Fatalf("the attack model is unsound: cell %d is %d, interval %+v", c, v, iv)
			}
			if v >= 1 && v < threshold && iv.Hi-iv.Lo+1 < secondary.DefaultRange {
				n, example, value = n+1, iv, v
			}
		}
		return
	}
	real, primaryOnly := make([]bool, len(p.Values)), make([]bool, len(p.Values))
	small, withheld := 0, 0
	for c, v := range p.Values {
		real[c] = !shown[c] && !unknown0[c]
		primaryOnly[c] = !unknown0[c] && v >= 1 && v < threshold
		if v >= 1 && v < threshold {
			small++
		}
		if real[c] {
			withheld++
		}
	}
	got, iv, v := disclosed(real)
	baseN, biv, bv := disclosed(primaryOnly)
	t.Logf("%s %s: city and %d districts, %d cells (%d small), %d district counts shown, %d withheld; disclosed by differencing: %d; with small-count suppression alone: %d (e.g. %d narrowed to %+v)",
		domain, period, len(zones), len(p.Values), small, shownZones, withheld, got, baseN, bv, biv)
	if got > 0 {
		t.Fatalf("%d small counts disclosed by differencing the city's and the districts' categories, e.g. %d narrowed to %+v", got, v, iv)
	}
	if shownZones == 0 {
		t.Fatal("no district count shown: the view is empty")
	}

	// A district's area report lists its top relative risks from the same protected answer.
	for _, z := range zones {
		var top []profile.CategoryRisk
		for _, c := range answers[z].Categories {
			if c.RR != nil && len(top) < 5 {
				top = append(top, c)
			}
		}
		if len(top) == 0 {
			continue
		}
		status, body, _ := request(t, "GET", base+"/api/areas/omi/"+url.PathEscape(z)+"/report?period="+period+"&lang=en", planner, "")
		if status != http.StatusOK {
			t.Fatalf("district %s report: %d %s", z, status, truncate(body))
		}
		page := string(body)
		if !strings.Contains(page, "Who is most exposed") || strings.Count(page, `<tr data-category="`) != len(top) ||
			!strings.Contains(page, `<tr data-category="`+top[0].Dimension+":"+top[0].Category+`"`) {
			t.Fatalf("district %s report: no section of its %d top categories (first %s/%s)", z, len(top), top[0].Dimension, top[0].Category)
		}
		t.Logf("district %s report lists %d categories, first %s/%s (RR %.2f)", z, len(top), top[0].Dimension, top[0].Category, *top[0].RR)
		break
	}
}
