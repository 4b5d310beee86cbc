package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
)

//go:embed report.html.tmpl
var templates embed.FS

var page = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"word":      word,
	"indicator": indicatorName,
	"status":    statusName,
	"combo":     combinationName,
	"need":      needName,
	"num": func(lang string, v *float64) string {
		if v == nil {
			return "–"
		}
		return number(lang, *v, 1)
	},
	"int": func(v *int) string {
		if v == nil {
			return "–"
		}
		return fmt.Sprint(*v)
	},
	"plain":     func(lang string, v float64) string { return number(lang, v, 0) },
	"dec":       func(lang string, v float64) string { return number(lang, v, 1) },
	"yesno":     yesNo,
	"category":  categoryName,
	"dimension": dimensionName,
	"rr": func(lang string, v *float64) string {
		if v == nil {
			return "–"
		}
		return number(lang, *v, 2)
	},
}).ParseFS(templates, "report.html.tmpl"))

// htmlData is what the page template reads.
type htmlData struct {
	Report
	Lang, Area, Summary, FiguresKind, Protection string
	Chart                                        template.HTML
	HasExposed                                   bool // an OMI district's report: who is most exposed
	ExposedDomain                                string
}

// WriteHTML writes the report as a printable page: the summary paragraph, a chart of the
// area's rates against the city's (inline SVG), the tables, and the metadata. Print CSS keeps
// it to black on white with no table split across pages where avoidable.
func WriteHTML(w io.Writer, rep Report, lang string) error {
	d := htmlData{Report: rep, Lang: lang, Area: geographyName(lang, rep.Geography) + " " + rep.ID, Summary: Summary(rep, lang),
		FiguresKind: figuresKind(rep, lang), Protection: protectionText(rep, lang), Chart: rateChart(rep, lang),
		HasExposed: rep.Exposed != nil, ExposedDomain: ExposedDomain}
	if err := page.Execute(w, d); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

// rateChart draws each shown rate as a bar, its 95% interval as a whisker when there is one,
// and the city's rate as a tick, on one scale.
func rateChart(rep Report, lang string) template.HTML {
	var shown []Figure
	top := 0.0
	for _, f := range rep.Figures {
		if !f.shown() {
			continue
		}
		shown = append(shown, f)
		for _, v := range []*float64{f.Rate, f.CIHigh, f.CityRate} {
			if v != nil {
				top = math.Max(top, *v)
			}
		}
	}
	if len(shown) == 0 || top <= 0 {
		return ""
	}
	const label, width, row = 190.0, 330.0, 26.0
	x := func(v float64) float64 { return label + width*v/top }
	var b strings.Builder
	h := row*float64(len(shown)) + 10
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %.0f %.0f" width="100%%">`,
		template.HTMLEscapeString(word(lang, "rate_chart")), label+width+70, h)
	for i, f := range shown {
		y := 5 + row*float64(i)
		fmt.Fprintf(&b, `<text x="0" y="%.1f" font-size="12">%s</text>`, y+15, template.HTMLEscapeString(indicatorName(lang, f.Indicator)))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="14" fill="#8c6bb1"/>`, label, y+4, x(*f.Rate)-label)
		if f.CILow != nil && f.CIHigh != nil {
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#222" stroke-width="1.5"/>`, x(*f.CILow), x(*f.CIHigh), y+11, y+11)
		}
		if f.CityRate != nil {
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#d4006a" stroke-width="3"/>`, x(*f.CityRate), x(*f.CityRate), y, y+22)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11">%s</text>`, label+width+6, y+15, number(lang, *f.Rate, 1))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
