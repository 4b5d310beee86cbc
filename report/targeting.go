package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/abitare/abitare/records"
	"github.com/xuri/excelize/v2"
)

// TargetingList is the housing office's outreach list as exported: the people, and the request
// that drew it (who, why, when), which travels with the file.
type TargetingList struct {
	Geography, ID, Need, Period string
	WithoutHelp                 bool
	HouseholdType               string
	Order                       string
	Purpose, Actor              string
	Generated                   time.Time
	People                      []records.Targeted
}

var targetingWords = map[string][2]string{
	"list":        {"Elenco", "List"},
	"request":     {"Richiesta", "Request"},
	"person":      {"Persona (pseudonimo)", "Person (pseudonym)"},
	"domains":     {"Ambiti", "Domains"},
	"helped":      {"Aiutata dai servizi sociali", "Helped by social services"},
	"household":   {"Tipo di famiglia (anagrafe)", "Household type (register)"},
	"last_event":  {"Ultimo evento", "Last event"},
	"need":        {"Bisogno", "Need"},
	"without":     {"Solo senza aiuto", "Without help only"},
	"purpose":     {"Finalità dichiarata", "Stated purpose"},
	"actor":       {"Richiesto da", "Requested by"},
	"order":       {"Ordine", "Order"},
	"people":      {"Persone", "People"},
	"any":         {"tutti", "any"},
	"notice_head": {"Avvertenza", "Notice"},
	"notice": {
		"Dati personali pseudonimizzati: usarli solo per la finalità dichiarata, non diffonderli, cancellare il file quando non serve più. L'estrazione è registrata nel registro degli accessi.",
		"Pseudonymised personal data: use it only for the stated purpose, do not circulate it, delete the file when no longer needed. The export is recorded in the audit trail.",
	},
}

func tword(lang, key string) string { return fromTable(targetingWords, lang, key) }

// WriteTargetingXLSX writes the list as a workbook: the people, then the request.
func WriteTargetingXLSX(w io.Writer, l TargetingList, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("xlsx targeting list: %w", err)
	}
	list, request := tword(lang, "list"), tword(lang, "request")
	if err := f.SetSheetName("Sheet1", list); err != nil {
		return fmt.Errorf("xlsx targeting list: %w", err)
	}
	if _, err := f.NewSheet(request); err != nil {
		return fmt.Errorf("xlsx targeting list: %w", err)
	}
	rows := [][]any{{tword(lang, "person"), tword(lang, "domains"), tword(lang, "helped"), tword(lang, "household"), tword(lang, "last_event")}}
	for _, p := range l.People {
		household := ""
		if p.HouseholdType != nil {
			household = *p.HouseholdType
		}
		names := make([]string, len(p.Domains))
		for i, d := range p.Domains {
			names[i] = indicatorName(lang, d)
		}
		rows = append(rows, []any{p.Person, strings.Join(names, ", "), yesNo(lang, p.Helped), household, p.LastEvent})
	}
	if err := writeRows(f, list, rows, bold); err != nil {
		return fmt.Errorf("xlsx targeting list: %w", err)
	}
	household := l.HouseholdType
	if household == "" {
		household = tword(lang, "any")
	}
	req := [][]any{
		{tword(lang, "request"), ""},
		{word(lang, "area"), geographyName(lang, l.Geography) + " " + l.ID},
		{tword(lang, "need"), needName(lang, l.Need)},
		{word(lang, "period"), l.Period},
		{tword(lang, "without"), yesNo(lang, l.WithoutHelp)},
		{tword(lang, "household"), household},
		{tword(lang, "purpose"), l.Purpose},
		{tword(lang, "actor"), l.Actor},
		{word(lang, "generated"), l.Generated.Format("2006-01-02 15:04 UTC")},
		{tword(lang, "order"), l.Order},
		{tword(lang, "people"), len(l.People)},
		{tword(lang, "notice_head"), tword(lang, "notice")},
	}
	if err := writeRows(f, request, req, bold); err != nil {
		return fmt.Errorf("xlsx targeting list: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx targeting list: %w", err)
	}
	return nil
}
