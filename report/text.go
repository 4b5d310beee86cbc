package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/abitare/abitare/geo/profile"
)

// maxSentences is how many indicators the summary describes, those furthest above the city first.
const maxSentences = 3

// Summary is the plain-language paragraph that opens a report: the indicators whose rate is
// furthest above the city's, each as a ratio to the city rate with its 95% interval (restricted
// figures) and the area's place among the areas of its geography; then the indicators not shown.
func Summary(rep Report, lang string) string {
	type described struct {
		f     Figure
		ratio float64
	}
	var shown []described
	var hidden []string
	for _, f := range rep.Figures {
		switch {
		case f.shown() && f.CityRate != nil && *f.CityRate > 0:
			shown = append(shown, described{f, *f.Rate / *f.CityRate})
		case !f.shown():
			hidden = append(hidden, strings.ToLower(indicatorName(lang, f.Indicator)))
		}
	}
	sort.SliceStable(shown, func(i, j int) bool { return shown[i].ratio > shown[j].ratio })
	var out []string
	for _, d := range shown[:min(maxSentences, len(shown))] {
		out = append(out, sentence(rep.Geography, d.f, d.ratio, lang))
	}
	if len(hidden) > 0 {
		if lang == "en" {
			out = append(out, fmt.Sprintf("Not shown here, to protect small counts or because not published at this level: %s.", strings.Join(hidden, ", ")))
		} else {
			out = append(out, fmt.Sprintf("Non mostrati qui, per proteggere conteggi piccoli o perché non diffusi a questo livello: %s.", strings.Join(hidden, ", ")))
		}
	}
	if len(out) == 0 {
		return word(lang, "none")
	}
	return strings.Join(out, " ")
}

// sentence describes one indicator against the city.
func sentence(geography string, f Figure, ratio float64, lang string) string {
	name := indicatorName(lang, f.Indicator)
	var b strings.Builder
	if lang == "en" {
		fmt.Fprintf(&b, "%s here is %s times the city rate", name, number(lang, ratio, 1))
	} else {
		fmt.Fprintf(&b, "%s: qui il tasso è %s volte quello cittadino", name, number(lang, ratio, 1))
	}
	if f.CILow != nil && f.CIHigh != nil {
		lo, hi := *f.CILow / *f.CityRate, *f.CIHigh / *f.CityRate
		unclear := lo <= 1 && hi >= 1
		if lang == "en" {
			fmt.Fprintf(&b, " (95%% interval %s–%s", number(lang, lo, 1), number(lang, hi, 1))
			if unclear {
				b.WriteString(": not clearly different from the city")
			}
		} else {
			fmt.Fprintf(&b, " (intervallo 95%% %s–%s", number(lang, lo, 1), number(lang, hi, 1))
			if unclear {
				b.WriteString(": non chiaramente diverso dalla città")
			}
		}
		b.WriteString(")")
	}
	if f.Rank != nil && f.Rank.Of > 1 {
		b.WriteString(", ")
		b.WriteString(placeAmong(geography, *f.Rank, lang))
	}
	b.WriteString(".")
	return b.String()
}

// placeAmong says where a rank falls among the areas of the geography.
func placeAmong(geography string, r profile.Rank, lang string) string {
	plural := fromTable(geographyPlural, lang, geography)
	share := float64(r.Rank) / float64(r.Of)
	type band struct {
		upTo   float64
		it, en string
	}
	for _, b := range []band{
		{0.1, "tra il decimo più alto delle %s", "among the highest tenth of %s"},
		{0.25, "nel quarto più alto delle %s", "in the highest quarter of %s"},
		{0.5, "nella metà più alta delle %s", "in the upper half of %s"},
		{1, "nella metà più bassa delle %s", "in the lower half of %s"},
	} {
		if share <= b.upTo {
			if lang == "en" {
				return fmt.Sprintf(b.en, plural)
			}
			return fmt.Sprintf(b.it, plural)
		}
	}
	return ""
}

// number writes v with the decimals given, with the language's decimal separator.
func number(lang string, v float64, decimals int) string {
	s := strconv.FormatFloat(math.Round(v*math.Pow10(decimals))/math.Pow10(decimals), 'f', decimals, 64)
	if lang == "en" {
		return s
	}
	return strings.Replace(s, ".", ",", 1)
}
