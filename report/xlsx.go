package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the report as a workbook: a summary sheet, then the figures, the quarters,
// the combinations of domains, the hotspot results with their runs' parameters, and metadata.
func WriteXLSX(w io.Writer, rep Report, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheets := []struct {
		name string
		rows [][]any
	}{
		{word(lang, "summary"), summaryRows(rep, lang)},
		{word(lang, "figures_kind"), figureRows(rep, lang)},
		{word(lang, "quarters"), quarterRows(rep, lang)},
		{word(lang, "overlap"), overlapRows(rep, lang)},
		{"Hotspot", hotspotRows(rep, lang)},
		{word(lang, "metadata"), metadataRows(rep, lang)},
	}
	if rep.Exposed != nil { // an OMI district's report: who is most exposed, before the metadata
		sheets = append(sheets[:len(sheets)-1], struct {
			name string
			rows [][]any
		}{word(lang, "exposed_sheet"), exposedRows(rep, lang)}, sheets[len(sheets)-1])
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("xlsx report: %w", err)
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return fmt.Errorf("xlsx report: %w", err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return fmt.Errorf("xlsx report: sheet %s: %w", s.name, err)
		}
		if err := writeRows(f, s.name, s.rows, bold); err != nil {
			return fmt.Errorf("xlsx report: sheet %s: %w", s.name, err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx report: %w", err)
	}
	return nil
}

// writeRows writes rows from A1, the first in bold, and sizes the columns.
func writeRows(f *excelize.File, sheet string, rows [][]any, bold int) error {
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			return err
		}
	}
	if len(rows) > 0 && len(rows[0]) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(rows[0]), 1)
		if err := f.SetCellStyle(sheet, "A1", last, bold); err != nil {
			return err
		}
		col, _ := excelize.ColumnNumberToName(len(rows[0]))
		if err := f.SetColWidth(sheet, "A", col, 18); err != nil {
			return err
		}
	}
	return nil
}

func summaryRows(rep Report, lang string) [][]any {
	return [][]any{
		{word(lang, "title")},
		{word(lang, "area"), geographyName(lang, rep.Geography) + " " + rep.ID},
		{word(lang, "period"), rep.Period},
		{word(lang, "figures_kind"), figuresKind(rep, lang)},
		{word(lang, "summary"), Summary(rep, lang)},
	}
}

func figuresKind(rep Report, lang string) string {
	if rep.Restricted {
		return word(lang, "restricted")
	}
	return word(lang, "published_kind")
}

// value is a cell's value: the number, or empty when nil.
func value[T int | float64](v *T) any {
	if v == nil {
		return ""
	}
	return *v
}

func figureRows(rep Report, lang string) [][]any {
	head := []any{word(lang, "indicator"), word(lang, "people"), word(lang, "residents"), word(lang, "rate")}
	if rep.Restricted {
		head = append(head, word(lang, "ci_low"), word(lang, "ci_high"), word(lang, "eb"), word(lang, "change"))
	}
	head = append(head, word(lang, "city"), word(lang, "rank"), word(lang, "of"), word(lang, "status"))
	rows := [][]any{head}
	for _, x := range rep.Figures {
		r := []any{indicatorName(lang, x.Indicator), value(x.People), x.Residents, value(x.Rate)}
		if rep.Restricted {
			r = append(r, value(x.CILow), value(x.CIHigh), value(x.EBRate), value(x.Change))
		}
		rank, of := any(""), any("")
		if x.Rank != nil {
			rank, of = x.Rank.Rank, x.Rank.Of
		}
		rows = append(rows, append(r, value(x.CityRate), rank, of, statusName(lang, x.Status)))
	}
	return rows
}

func quarterRows(rep Report, lang string) [][]any {
	rows := [][]any{{word(lang, "indicator"), word(lang, "period"), word(lang, "quarter_rate"), word(lang, "status")}}
	for _, x := range rep.Figures {
		for _, q := range rep.Quarters[x.Indicator] {
			rows = append(rows, []any{indicatorName(lang, x.Indicator), q.Period, value(q.Rate), statusName(lang, q.Status)})
		}
	}
	return rows
}

func overlapRows(rep Report, lang string) [][]any {
	rows := [][]any{{word(lang, "combination"), word(lang, "people"), word(lang, "status")}}
	for _, c := range rep.Overlap {
		rows = append(rows, []any{combinationName(lang, c.Combination), value(c.People), statusName(lang, c.Status)})
	}
	return rows
}

func hotspotRows(rep Report, lang string) [][]any {
	rows := [][]any{{word(lang, "analysis"), word(lang, "statistic"), word(lang, "p_value"), word(lang, "cluster"),
		word(lang, "significant"), word(lang, "run"), word(lang, "parameters")}}
	for _, h := range rep.Hotspots {
		params := ""
		if run, ok := rep.Runs[h.RunID]; ok {
			params = string(run.Parameters)
		}
		rows = append(rows, []any{h.Analysis, value(h.Statistic), value(h.PValue), h.Cluster, yesNo(lang, h.Significant), h.RunID, params})
	}
	return rows
}

func metadataRows(rep Report, lang string) [][]any {
	rows := [][]any{
		{word(lang, "metadata"), ""},
		{word(lang, "generated"), rep.Generated.Format("2006-01-02 15:04 UTC")},
		{word(lang, "figures_kind"), figuresKind(rep, lang)},
		{word(lang, "protection"), protectionText(rep, lang)},
		{word(lang, "source"), ""},
	}
	if rep.Release > 0 {
		rows = append(rows, []any{word(lang, "release"), strconv.FormatInt(rep.Release, 10)}, []any{word(lang, "licence"), ""})
	}
	if rep.Composite != nil {
		rows = append(rows, []any{"AMPI", value(rep.Composite.AMPI)}, []any{"IMD", value(rep.Composite.IMD)})
	}
	if rep.IDISE != nil {
		rows = append(rows, []any{"IDISE (ISTAT)", rep.IDISE.Value})
	}
	for _, c := range rep.Coverage {
		rows = append(rows, []any{word(lang, "coverage") + ": " + needName(lang, c.Need), fmt.Sprintf("%v / %v", value(c.WithoutHelp), value(c.People))})
	}
	return rows
}

func protectionText(rep Report, lang string) string {
	if rep.Geography == CustomGeography {
		return word(lang, "protection_custom")
	}
	if rep.Restricted {
		return word(lang, "protection_restricted")
	}
	return rep.Protection
}

func yesNo(lang string, b bool) string {
	if b {
		return word(lang, "yes")
	}
	return word(lang, "no")
}

// combinationName writes "poverty+health" as "Povertà + Salute".
func combinationName(lang, c string) string {
	parts := strings.Split(c, "+")
	for i, p := range parts {
		parts[i] = indicatorName(lang, p)
	}
	return strings.Join(parts, " + ")
}

// exposedRows: the categories of residents with the highest relative risk of need in the
// district (Report.Exposed), with intervals and statuses.
func exposedRows(rep Report, lang string) [][]any {
	rows := [][]any{
		{word(lang, "exposed"), indicatorName(lang, ExposedDomain)},
		{word(lang, "category"), word(lang, "dimension"), word(lang, "residents"), word(lang, "people"), word(lang, "rate"),
			word(lang, "ci_low"), word(lang, "ci_high"), word(lang, "rr"), word(lang, "rr_low"), word(lang, "rr_high"), word(lang, "status")},
	}
	for _, c := range rep.Exposed {
		rows = append(rows, []any{categoryName(lang, c.Dimension, c.Category), dimensionName(lang, c.Dimension), c.Residents, value(c.People),
			value(c.Rate), value(c.CILow), value(c.CIHigh), value(c.RR), value(c.RRLow), value(c.RRHigh), statusName(lang, c.Status)})
	}
	if len(rep.Exposed) == 0 {
		rows = append(rows, []any{word(lang, "exposed_none")})
	}
	return rows
}
