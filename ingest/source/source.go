// Package source describes the agency exports the observatory takes in: their columns, their
// codes, and the domain of need each code counts towards. Adding a partner means adding a Source.
package source

import (
	"fmt"
	"sort"
	"strings"
)

// Domains of need.
const (
	Poverty   = "poverty"
	Housing   = "housing"
	Health    = "health"
	Work      = "work"
	Education = "education"
)

// Kind is one code of a source's event-type column.
type Kind struct {
	Name   string // the observatory's name for the event, e.g. economic_support
	Domain string
}

// Source is the layout of one partner's export.
type Source struct {
	Name  string // e.g. social_services
	Title string // e.g. "Servizi sociali del Comune"
	// Column names, upper case as in the header. Optional ones are "" when the source has none.
	KindColumn    string
	DateColumn    string
	EndDateColumn string
	AmountColumn  string
	ScoreColumn   string
	StageColumn   string
	Stages        []string // allowed values of StageColumn
	Kinds         map[string]Kind
}

// Columns every source carries: who, and where they live.
const (
	FiscalCodeColumn = "CODICE_FISCALE"
	AddressColumn    = "INDIRIZZO"
	PostcodeColumn   = "CAP"
	LatitudeColumn   = "LATITUDINE"
	LongitudeColumn  = "LONGITUDINE"
)

// Required lists the columns a file of this source must have.
func (s Source) Required() []string {
	cols := []string{FiscalCodeColumn, s.KindColumn, s.DateColumn, LatitudeColumn, LongitudeColumn}
	for _, c := range []string{s.EndDateColumn, s.AmountColumn, s.ScoreColumn, s.StageColumn} {
		if c != "" {
			cols = append(cols, c)
		}
	}
	return cols
}

// KindCodes lists the accepted codes of the kind column, sorted.
func (s Source) KindCodes() []string {
	codes := make([]string, 0, len(s.Kinds))
	for c := range s.Kinds {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
}

var all = []Source{
	{
		Name: "social_services", Title: "Servizi sociali del Comune",
		KindColumn: "TIPO_INTERVENTO", DateColumn: "DATA_INIZIO", EndDateColumn: "DATA_FINE", AmountColumn: "IMPORTO_EURO",
		Kinds: map[string]Kind{
			"CONTRIBUTO_ECONOMICO": {"economic_support", Poverty},
			"CONTRIBUTO_AFFITTO":   {"rent_support", Housing},
		},
	},
	{
		Name: "housing_office", Title: "Ufficio casa",
		KindColumn: "TIPO_PRATICA", DateColumn: "DATA_PRATICA", ScoreColumn: "PUNTEGGIO", StageColumn: "FASE_SFRATTO",
		Stages: []string{"INTIMAZIONE", "CONVALIDA", "ESECUZIONE"},
		Kinds: map[string]Kind{
			"DOMANDA_ERP": {"public_housing_application", Housing},
			"SFRATTO":     {"eviction", Housing},
		},
	},
	{
		Name: "health_authority", Title: "Azienda USL",
		KindColumn: "TIPO_PRESA_IN_CARICO", DateColumn: "DATA_PRESA_IN_CARICO",
		Kinds: map[string]Kind{
			"CRONICITA":      {"chronic_condition", Health},
			"DISABILITA":     {"disability", Health},
			"SALUTE_MENTALE": {"mental_health", Health},
		},
	},
}

// Lookup returns the source called name.
func Lookup(name string) (Source, error) {
	for _, s := range all {
		if s.Name == name {
			return s, nil
		}
	}
	return Source{}, fmt.Errorf("unknown source %q, want one of %s", name, strings.Join(Names(), ", "))
}

// Names lists the known sources.
func Names() []string {
	names := make([]string, len(all))
	for i, s := range all {
		names[i] = s.Name
	}
	return names
}
