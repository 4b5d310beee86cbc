package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/abitare/abitare/geo/profile"
	"github.com/abitare/abitare/records"
	"github.com/xuri/excelize/v2"
)

func f64(v float64) *float64 { return &v }
func iptr(v int) *int        { return &v }

// sample is a section whose housing rate is 24 per 1,000 against the city's 10, third of 100.
func sample() Report {
	return Report{Geography: "section", ID: "036023000123", Period: "2025", Restricted: true,
		Figures: []Figure{
			{Indicator: "poverty", People: iptr(30), Residents: 2000, Rate: f64(15), CILow: f64(10.1), CIHigh: f64(21.4), Status: "published", CityRate: f64(14), Rank: &profile.Rank{Rank: 40, Of: 100}},
			{Indicator: "housing", People: iptr(48), Residents: 2000, Rate: f64(24), CILow: f64(17.7), CIHigh: f64(31.8), Status: "published", CityRate: f64(10), Rank: &profile.Rank{Rank: 3, Of: 100}},
			{Indicator: "health", Status: "withheld", Residents: 2000, CityRate: f64(8)},
		},
		Quarters: map[string][]profile.Rate{"housing": {{Period: "2025-Q1", Rate: f64(5.5), Status: "published"}}},
		Overlap:  []profile.Combination{{Combination: "poverty+housing", People: iptr(12), Status: "published"}},
		Hotspots: []profile.Hotspot{{Analysis: "moran:housing", Statistic: f64(2.1), PValue: f64(0.004), Cluster: 1, Significant: true, RunID: 7}},
		Runs:     map[int64]profile.AnalysisRun{7: {ID: 7, Kind: "local_moran", Parameters: json.RawMessage(`{"permutations":999}`)}},
		IDISE:    &profile.IDISE{Value: 104.25},
	}
}

func TestSummaryStatesRatiosIntervalsAndPlaceFromTheFigures(t *testing.T) {
	rep := sample()
	en := Summary(rep, "en")
	// Housing first (2.4 times), its interval 17.7/10 to 31.8/10, third of a hundred.
	want := "Housing hardship here is 2.4 times the city rate (95% interval 1.8–3.2), among the highest tenth of sections."
	if !strings.HasPrefix(en, want) {
		t.Fatalf("English summary\n%s\nwant it to open with\n%s", en, want)
	}
	// Poverty's interval 0.72–1.53 holds 1: said so; 40th of 100 is the upper half.
	if !strings.Contains(en, "Poverty here is 1.1 times the city rate (95% interval 0.7–1.5: not clearly different from the city), in the upper half of sections.") {
		t.Fatalf("English summary misses poverty: %s", en)
	}
	if !strings.Contains(en, "Not shown here") || !strings.Contains(en, "health") {
		t.Fatalf("English summary does not name the withheld indicator: %s", en)
	}
	if strings.Index(en, "Housing") > strings.Index(en, "Poverty") {
		t.Fatalf("the highest ratio does not come first: %s", en)
	}
	it := Summary(rep, "it")
	if !strings.HasPrefix(it, "Disagio abitativo: qui il tasso è 2,4 volte quello cittadino (intervallo 95% 1,8–3,2), tra il decimo più alto delle sezioni.") {
		t.Fatalf("Italian summary: %s", it)
	}
	// The public's figures have no interval: none is claimed.
	pub := sample()
	pub.Restricted = false
	for i := range pub.Figures {
		pub.Figures[i].CILow, pub.Figures[i].CIHigh = nil, nil
		if pub.Figures[i].Status == "published" {
			pub.Figures[i].Status = "protected"
		}
	}
	if s := Summary(pub, "en"); strings.Contains(s, "interval") || !strings.Contains(s, "2.4 times") {
		t.Fatalf("public summary: %s", s)
	}
}

func TestPlaceAmongBands(t *testing.T) {
	for _, c := range []struct {
		rank, of int
		want     string
	}{{1, 10, "highest tenth"}, {11, 100, "highest quarter"}, {25, 100, "highest quarter"}, {26, 100, "upper half"}, {51, 100, "lower half"}, {100, 100, "lower half"}} {
		if got := placeAmong("h3_9", profile.Rank{Rank: c.rank, Of: c.of}, "en"); !strings.Contains(got, c.want) || !strings.HasSuffix(got, "hexagons") {
			t.Errorf("rank %d of %d: %q, want %q", c.rank, c.of, got, c.want)
		}
	}
}

func TestWriteXLSXIsAWorkbookWithTheFigures(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, sample(), "en"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Summary,Figures,Quarters,Combinations of domains,Hotspot,Metadata" {
		t.Fatalf("sheets %s", got)
	}
	rows, err := f.GetRows("Figures")
	if err != nil {
		t.Fatal(err)
	}
	// Header, then poverty, housing, health; housing's interval bounds in their columns.
	if len(rows) != 4 || rows[2][0] != "Housing hardship" || rows[2][4] != "17.7" || rows[2][5] != "31.8" || rows[2][9] != "3" {
		t.Fatalf("figures sheet: %q", rows)
	}
	if rows[3][1] != "" || rows[3][len(rows[3])-1] != "withheld (confidentiality)" {
		t.Fatalf("withheld row shows a count or the wrong status: %q", rows[3])
	}
	hot, _ := f.GetRows("Hotspot")
	if len(hot) != 2 || !strings.Contains(hot[1][6], "permutations") {
		t.Fatalf("hotspot sheet without the run's parameters: %q", hot)
	}
}

func TestWriteHTMLNamesTheAreaInBothLanguages(t *testing.T) {
	for _, lang := range Langs {
		var buf bytes.Buffer
		if err := WriteHTML(&buf, sample(), lang); err != nil {
			t.Fatal(err)
		}
		page := buf.String()
		name := geographyName(lang, "section") + " 036023000123"
		idise := map[string]string{"it": "IDISE (ISTAT) 104,3", "en": "IDISE (ISTAT) 104.3"}[lang]
		for _, want := range []string{`<html lang="` + lang + `">`, name, "<svg", "@media print", escaped(Summary(sample(), lang)), idise} {
			if !strings.Contains(page, want) {
				t.Errorf("%s page lacks %q", lang, want)
			}
		}
	}
}

// escaped is s as html/template writes text.
func escaped(s string) string {
	return strings.NewReplacer("'", "&#39;", `"`, "&#34;", "<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(s)
}

type fakeSource struct {
	runs []int64
}

func (f *fakeSource) Compare(_ context.Context, g string, ids []string, period string) (profile.Comparison, error) {
	a := profile.Area{Geography: g, ID: ids[0], Period: period, Indicators: []profile.Indicator{
		{Indicator: "housing", People: iptr(48), Residents: 2000, Rate: f64(24), CILow: f64(17.7), CIHigh: f64(31.8), Status: "published"}},
		Hotspots: []profile.Hotspot{{Analysis: "moran:housing", RunID: 7}, {Analysis: "gi:housing", RunID: 7}}}
	city := profile.Area{Geography: "municipality", ID: "036023", Indicators: []profile.Indicator{{Indicator: "housing", Rate: f64(10), Status: "published"}}}
	return profile.Comparison{Geography: g, Period: period, Areas: []profile.ComparedArea{{Area: a, Ranks: map[string]*profile.Rank{"housing": {Rank: 3, Of: 100}}}}, City: city}, nil
}

func (f *fakeSource) PublishedCompare(_ context.Context, g string, ids []string, period string) (profile.PublishedComparison, error) {
	a := profile.PublishedArea{Geography: g, ID: ids[0], Period: period, Indicators: []profile.PublishedIndicator{
		{Indicator: "housing", People: iptr(50), Residents: 2000, Rate: f64(25), Status: "protected"}}}
	city := profile.PublishedArea{Geography: "municipality", Indicators: []profile.PublishedIndicator{{Indicator: "housing", Rate: f64(10), Status: "protected"}}}
	return profile.PublishedComparison{Geography: g, Period: period, Release: 4, Protection: "cell key",
		Areas: []profile.PublishedComparedArea{{PublishedArea: a}}, City: city}, nil
}

func (f *fakeSource) Run(_ context.Context, id int64) (profile.AnalysisRun, error) {
	f.runs = append(f.runs, id)
	return profile.AnalysisRun{ID: id, Kind: "local_moran"}, nil
}

func TestBuildReadsWhatTheRoleMaySee(t *testing.T) {
	src := &fakeSource{}
	rep, err := Build(context.Background(), src, Request{Geography: "section", ID: "S1", Period: "2025", Restricted: true})
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Figures[0]; f.CILow == nil || *f.CityRate != 10 || f.Rank.Rank != 3 {
		t.Fatalf("restricted figure %+v", f)
	}
	if fmt.Sprint(src.runs) != "[7]" || rep.Runs[7].Kind != "local_moran" {
		t.Fatalf("runs read %v, want run 7 once", src.runs)
	}
	pub, err := Build(context.Background(), src, Request{Geography: "section", ID: "S1", Period: "2025"})
	if err != nil {
		t.Fatal(err)
	}
	if f := pub.Figures[0]; f.CILow != nil || *f.People != 50 || pub.Release != 4 || pub.Restricted {
		t.Fatalf("public report %+v, release %d", f, pub.Release)
	}
}

func TestWriteTargetingXLSXCarriesThePeopleAndTheRequest(t *testing.T) {
	single := "MONOGENITORE"
	l := TargetingList{Geography: "section", ID: "S1", Need: "eviction", Period: "2025", WithoutHelp: true,
		Purpose: "eviction prevention outreach", Actor: "casa1", Order: "without help first",
		People: []records.Targeted{{Person: "ab12", Domains: []string{"housing", "poverty"}, LastEvent: "2025-05-01", HouseholdType: &single},
			{Person: "cd34", Domains: []string{"housing"}, Helped: true, LastEvent: "2025-03-01"}}}
	var buf bytes.Buffer
	if err := WriteTargetingXLSX(&buf, l, "it"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Elenco")
	if len(rows) != 3 || rows[1][0] != "ab12" || rows[1][1] != "Disagio abitativo, Povertà" || rows[1][3] != "MONOGENITORE" || rows[2][2] != "sì" || rows[2][3] != "" {
		t.Fatalf("list sheet: %q", rows)
	}
	req, _ := f.GetRows("Richiesta")
	text := fmt.Sprint(req)
	for _, want := range []string{"eviction prevention outreach", "casa1", "Sezione di censimento S1", "registro degli accessi"} {
		if !strings.Contains(text, want) {
			t.Errorf("request sheet lacks %q: %s", want, text)
		}
	}
}

// zoneSource is a fakeSource that reads a district's categories too.
type zoneSource struct {
	fakeSource
	asked []string
}

func (z *zoneSource) ZoneCategories(_ context.Context, domain, zone, period string) ([]profile.CategoryRisk, *int, error) {
	z.asked = append(z.asked, domain+"/"+zone+"/"+period)
	cat := func(dim, c string, rr *float64, status string) profile.CategoryRisk {
		k := profile.CategoryRisk{Dimension: dim, Category: c, Residents: 400, Status: status, RR: rr}
		if rr != nil {
			k.People, k.Rate, k.CILow, k.CIHigh, k.RRLow, k.RRHigh = iptr(20), f64(50), f64(30), f64(77), f64(*rr-0.5), f64(*rr+0.5)
		}
		return k
	}
	// Sorted as the Reader sorts them: by relative risk, highest first, those without one last.
	return []profile.CategoryRisk{
		cat("citizenship", "non_eu", f64(3.1), "published"), cat("age", "80+", f64(2.4), "published"),
		cat("disability", "yes", f64(2.2), "published"), cat("household_type", "single_parent", f64(1.9), "published"),
		cat("sex", "F", f64(1.2), "published"), cat("age", "25-44", f64(0.8), "published"),
		cat("age", "00-14", nil, "withheld"), cat("sex", "M", nil, "published"),
	}, nil, nil
}

func TestDistrictReportSaysWhoIsMostExposed(t *testing.T) {
	src := &zoneSource{}
	rep, err := Build(context.Background(), src, Request{Geography: "omi", ID: "B1", Period: "2025", Restricted: true})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(src.asked) != "[multi_domain/B1/2025]" || len(rep.Exposed) != 5 || rep.Exposed[0].Category != "non_eu" || rep.Exposed[4].Category != "F" {
		t.Fatalf("asked %v, exposed %+v", src.asked, rep.Exposed)
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, rep, "en"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Summary,Figures,Quarters,Combinations of domains,Hotspot,Who is most exposed,Metadata" {
		t.Fatalf("sheets %s", got)
	}
	rows, _ := f.GetRows("Who is most exposed")
	if len(rows) != 7 || rows[2][0] != "Non-EU citizens" || rows[2][7] != "3.1" || rows[2][8] != "2.6" || rows[2][10] != "shown" || rows[3][0] != "80+ years" {
		t.Fatalf("exposed sheet: %q", rows)
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, rep, "it"); err != nil {
		t.Fatal(err)
	}
	html := page.String()
	for _, want := range []string{"Chi è più esposto", "Cittadinanza extra UE", "3,10", "2,60–3,60", `data-category="sex:F"`} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML report without %q", want)
		}
	}
	if strings.Contains(html, `data-category="age:00-14"`) || strings.Contains(html, `data-category="age:25-44"`) {
		t.Error("HTML report lists a category outside the top five")
	}

	// Other geographies, and the public, get no such section.
	sec, err := Build(context.Background(), src, Request{Geography: "section", ID: "S1", Period: "2025", Restricted: true})
	if err != nil || sec.Exposed != nil || len(src.asked) != 1 {
		t.Fatalf("section report: %v, exposed %v, asked %v", err, sec.Exposed, src.asked)
	}
	pub, err := Build(context.Background(), src, Request{Geography: "omi", ID: "B1", Period: "2025"})
	if err != nil || pub.Exposed != nil || len(src.asked) != 1 {
		t.Fatalf("public report: %v, exposed %v, asked %v", err, pub.Exposed, src.asked)
	}
}

// The English report names household types and needs in English, the Italian one in Italian:
// never the register's or the database's codes.
func TestReportNamesCategoriesAndNeedsInItsLanguage(t *testing.T) {
	rep := sample()
	rep.Geography, rep.ID = "omi", "B1"
	rep.Exposed = []profile.CategoryRisk{{Dimension: "household_type", Category: "monogenitore", Residents: 300, People: iptr(12), RR: f64(2.1), Status: "published"}}
	rep.Coverage = []profile.Coverage{{Need: "job_seeker", People: iptr(40), WithoutHelp: iptr(10), Status: "published"}}
	want := map[string][]string{"en": {"Single parent", "Job seeker"}, "it": {"Un genitore con figli", "In cerca di lavoro"}}
	for _, lang := range Langs {
		var buf bytes.Buffer
		if err := WriteHTML(&buf, rep, lang); err != nil {
			t.Fatal(err)
		}
		page := buf.String()
		for _, w := range want[lang] {
			if !strings.Contains(page, w) {
				t.Errorf("%s report lacks %q", lang, w)
			}
		}
		for _, code := range []string{">monogenitore", ">job_seeker"} {
			if strings.Contains(page, code) {
				t.Errorf("%s report shows the code %q", lang, code)
			}
		}
	}
}
