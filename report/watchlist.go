package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/abitare/abitare/geo/foresight"
	"github.com/xuri/excelize/v2"
)

// Watchlist is the planners' and the housing office's list of areas to watch, as exported:
// the areas and why each is listed, and the request that drew it.
type Watchlist struct {
	Geography, Domain string
	Above             float64 // forecast level per 1,000; 0 when not asked
	Actor             string
	Generated         time.Time
	Items             []foresight.WatchItem
}

var watchWords = map[string][2]string{
	"list":      {"Aree da osservare", "Areas to watch"},
	"request":   {"Richiesta", "Request"},
	"area":      {"Area", "Area"},
	"category":  {"Tendenza (hot spot emergenti)", "Trend (emerging hot spots)"},
	"trend_z":   {"Mann-Kendall Z", "Mann-Kendall Z"},
	"trend_p":   {"Mann-Kendall p", "Mann-Kendall p"},
	"next":      {"Trimestre previsto", "Quarter forecast"},
	"rate":      {"Tasso previsto per 1.000", "Forecast rate per 1,000"},
	"interval":  {"Intervallo al 95%", "95% interval"},
	"reasons":   {"Motivi", "Reasons"},
	"domain":    {"Ambito", "Domain"},
	"above":     {"Soglia della previsione per 1.000", "Forecast level per 1,000"},
	"actor":     {"Richiesto da", "Requested by"},
	"generated": {"Generato", "Generated"},
	"caution": {
		"Tendenze e previsioni per area, non per persona; dati riservati: non diffondere.",
		"Trends and forecasts by area, not by person; restricted figures: do not circulate.",
	},
	"rising_trend":          {"tendenza in crescita", "rising trend"},
	"new_hot_spot":          {"nuovo hot spot", "new hot spot"},
	"consecutive_hot_spot":  {"hot spot consecutivo", "consecutive hot spot"},
	"intensifying_hot_spot": {"hot spot in intensificazione", "intensifying hot spot"},
	"forecast_above":        {"previsione sopra la soglia", "forecast above the level"},
}

func wword(lang, key string) string { return fromTable(watchWords, lang, key) }

// WriteWatchlistXLSX writes the watchlist as a workbook: the areas, then the request.
func WriteWatchlistXLSX(w io.Writer, l Watchlist, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("xlsx watchlist: %w", err)
	}
	list, request := wword(lang, "list"), wword(lang, "request")
	if err := f.SetSheetName("Sheet1", list); err != nil {
		return fmt.Errorf("xlsx watchlist: %w", err)
	}
	if _, err := f.NewSheet(request); err != nil {
		return fmt.Errorf("xlsx watchlist: %w", err)
	}
	rows := [][]any{{geographyName(lang, l.Geography), wword(lang, "category"), wword(lang, "trend_z"), wword(lang, "trend_p"),
		wword(lang, "next"), wword(lang, "rate"), wword(lang, "interval"), wword(lang, "reasons")}}
	for _, it := range l.Items {
		reasons := make([]string, len(it.Reasons))
		for i, r := range it.Reasons {
			reasons[i] = wword(lang, r)
		}
		next, rate, interval := "", any(""), ""
		if it.Next != nil {
			next, rate = it.Next.Period, round2(it.Next.Rate)
			interval = fmt.Sprintf("%.2f – %.2f", it.Next.Lo95, it.Next.Hi95)
		}
		rows = append(rows, []any{it.ID, it.Category, round2(it.MKZ), it.MKP, next, rate, interval, strings.Join(reasons, ", ")})
	}
	if err := writeRows(f, list, rows, bold); err != nil {
		return fmt.Errorf("xlsx watchlist: %w", err)
	}
	above := ""
	if l.Above > 0 {
		above = fmt.Sprintf("%g", l.Above)
	}
	req := [][]any{
		{request, ""},
		{wword(lang, "domain"), indicatorName(lang, l.Domain)},
		{word(lang, "area"), geographyName(lang, l.Geography)},
		{wword(lang, "above"), above},
		{wword(lang, "actor"), l.Actor},
		{wword(lang, "generated"), l.Generated.UTC().Format(time.RFC3339)},
		{"", wword(lang, "caution")},
	}
	if err := writeRows(f, request, req, bold); err != nil {
		return fmt.Errorf("xlsx watchlist: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx watchlist: %w", err)
	}
	return nil
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
