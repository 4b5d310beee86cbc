// Package source describes the agency exports the observatory takes in: their columns, their
// codes, and the domain of need each code counts towards. Adding a partner means adding a Source.
package source

import (
	"fmt"
	"sort"
	"strings"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/ingest/field"
)

// Domains of need (the vocabulary's, named here for the tables below).
const (
	Poverty   = abitare.Poverty
	Housing   = abitare.Housing
	Health    = abitare.Health
	Work      = abitare.Work
	Education = abitare.Education
)

// Kind is one code of a source's event-type column.
type Kind struct {
	Name   string // the observatory's name for the event, e.g. economic_support
	Domain string
}

// Coded is an optional column whose values come from a fixed list.
type Coded struct {
	Column string
	Values []string
}

// Source is the layout of one partner's export. Column names are canonical: upper case, words
// joined by "_", without accents; headers are matched after the same normalisation and through
// the aliases in Aliases.
type Source struct {
	Name  string // e.g. social_services
	Title string // e.g. "Servizi sociali del Comune"
	// TemporaryCodes reports that the identifier column may hold STP or ENI codes (health).
	TemporaryCodes bool
	KindColumn     string
	DateColumn     string
	Kinds          map[string]Kind
	// Optional columns; "" when the source has none.
	EndDateColumn       string
	AmountColumn        string // euro
	ScoreColumn         string // ranking score
	IncomeColumn        string // ISEE, euro per year
	HouseholdSizeColumn string
	DaysLostColumn      string
	Stage               Coded // e.g. eviction stage
	Status              Coded // e.g. job-seeker registration status
	Severity            Coded // e.g. injury severity
}

// Columns every source carries: who, and where they live. A record has coordinates, or an
// address to geocode, or both.
const (
	IDColumn        = "CODICE_FISCALE"
	AddressColumn   = "INDIRIZZO"
	HouseNoColumn   = "CIVICO" // optional: the number may be written inside INDIRIZZO
	PostcodeColumn  = "CAP"
	LatitudeColumn  = "LATITUDINE"
	LongitudeColumn = "LONGITUDINE"
	// MunicipalityColumn is the comune of residence (ISTAT code, cadastral code or name): the
	// address is looked up among that comune's streets only. Optional in a territory of one comune.
	MunicipalityColumn = "COMUNE"
)

// Aliases maps normalised header variants seen in real exports to canonical column names.
var Aliases = map[string]string{
	"COD_FISCALE": IDColumn, "CODICEFISCALE": IDColumn, "CF": IDColumn, "C_F": IDColumn,
	"COD_FISC": IDColumn, "CODICE_ASSISTITO": IDColumn, "CODICE_FISCALE_ASSISTITO": IDColumn,
	"CODICE_FISCALE_BENEFICIARIO": IDColumn, "CODICE_FISCALE_RICHIEDENTE": IDColumn,
	"VIA": AddressColumn, "INDIRIZZO_RESIDENZA": AddressColumn, "RESIDENZA": AddressColumn,
	"N_CIVICO": HouseNoColumn, "NUMERO_CIVICO": HouseNoColumn, "NUM_CIVICO": HouseNoColumn,
	"COMUNE_RESIDENZA": MunicipalityColumn, "COMUNE_DI_RESIDENZA": MunicipalityColumn, "COD_COMUNE": MunicipalityColumn,
	"CODICE_COMUNE": MunicipalityColumn, "ISTAT_COMUNE": MunicipalityColumn,
	"COD_ISTAT_COMUNE": MunicipalityColumn, "PRO_COM_T": MunicipalityColumn, "CODICE_CATASTALE": MunicipalityColumn,
	"C_A_P": PostcodeColumn, "CODICE_POSTALE": PostcodeColumn,
	"LAT": LatitudeColumn, "LATITUDE": LatitudeColumn, "Y": LatitudeColumn,
	"LON": LongitudeColumn, "LNG": LongitudeColumn, "LONGITUDE": LongitudeColumn, "X": LongitudeColumn,
	"DATA_INIZIO_INTERVENTO": "DATA_INIZIO", "DATA_FINE_INTERVENTO": "DATA_FINE",
	"IMPORTO": "IMPORTO_EURO", "IMPORTO_EROGATO": "IMPORTO_EURO", "ISEE": "ISEE_EURO", "VALORE_ISEE": "ISEE_EURO",
	"COMPONENTI": "NUM_COMPONENTI", "N_COMPONENTI": "NUM_COMPONENTI", "COMPONENTI_NUCLEO": "NUM_COMPONENTI",
	"GRAVITA_EVENTO": "GRAVITA", "GG_PERSI": "GIORNI_PERSI", "GIORNI_DI_INABILITA": "GIORNI_PERSI",
}

// NormaliseHeader turns a header cell into its canonical column name: "Cod. Fiscale" and
// "CODICE_FISCALE" both become CODICE_FISCALE; "Gravità" becomes GRAVITA.
func NormaliseHeader(h string) string {
	name := field.Fold(h, '_')
	if canonical, ok := Aliases[name]; ok {
		return canonical
	}
	return name
}

// Required lists the columns a file of this source must have.
func (s Source) Required() []string {
	return []string{IDColumn, s.KindColumn, s.DateColumn}
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
		KindColumn: "TIPO_INTERVENTO", DateColumn: "DATA_INIZIO", EndDateColumn: "DATA_FINE",
		AmountColumn: "IMPORTO_EURO", IncomeColumn: "ISEE_EURO", HouseholdSizeColumn: "NUM_COMPONENTI",
		Kinds: map[string]Kind{
			"CONTRIBUTO_ECONOMICO":      {"economic_support", Poverty},
			"CONTRIBUTO_AFFITTO":        {"rent_support", Housing},
			"EMERGENZA_ABITATIVA":       {"emergency_housing", Housing},
			"SOSTEGNO_EDUCATIVO_MINORI": {"educational_support", Education},
		},
	},
	{
		Name: "housing_office", Title: "Ufficio casa del Comune",
		KindColumn: "TIPO_PRATICA", DateColumn: "DATA_PRATICA", ScoreColumn: "PUNTEGGIO",
		IncomeColumn: "ISEE_EURO", HouseholdSizeColumn: "NUM_COMPONENTI",
		Stage: Coded{"FASE_SFRATTO", []string{"INTIMAZIONE", "CONVALIDA", "ESECUZIONE"}},
		Kinds: map[string]Kind{
			"DOMANDA_ERP":      {"public_housing_application", Housing},
			"ASSEGNAZIONE_ERP": {"public_housing_allocation", Housing},
			"SFRATTO":          {"eviction", Housing},
		},
	},
	{
		Name: "health_authority", Title: "Azienda USL di Modena", TemporaryCodes: true,
		KindColumn: "TIPO_PRESA_IN_CARICO", DateColumn: "DATA_PRESA_IN_CARICO", EndDateColumn: "DATA_DIMISSIONE",
		Kinds: map[string]Kind{
			"CRONICITA":      {"chronic_condition", Health},
			"DISABILITA":     {"disability", Health},
			"SALUTE_MENTALE": {"mental_health", Health},
			"DIPENDENZE":     {"addiction", Health},
		},
	},
	{
		Name: "employment_agency", Title: "Agenzia regionale per il lavoro (Centro per l'impiego)",
		KindColumn: "TIPO_EVENTO", DateColumn: "DATA_EVENTO",
		Status: Coded{"STATO", []string{"ATTIVA", "SOSPESA", "CESSATA"}},
		Kinds: map[string]Kind{
			"ISCRIZIONE_CPI":         {"job_seeker_registration", Work},
			"FORMAZIONE":             {"training", Education},
			"INSERIMENTO_LAVORATIVO": {"job_placement", Work},
		},
	},
	{
		Name: "injury_insurer", Title: "INAIL (infortuni e malattie professionali)",
		KindColumn: "TIPO_EVENTO", DateColumn: "DATA_EVENTO", DaysLostColumn: "GIORNI_PERSI",
		Severity: Coded{"GRAVITA", []string{"LIEVE", "GRAVE", "PERMANENTE", "MORTALE"}},
		Kinds: map[string]Kind{
			"INFORTUNIO":             {"workplace_injury", Health},
			"MALATTIA_PROFESSIONALE": {"occupational_disease", Health},
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

// All returns every known source, in a fixed order.
func All() []Source { return append([]Source(nil), all...) }

// Names lists the known sources.
func Names() []string {
	names := make([]string, len(all))
	for i, s := range all {
		names[i] = s.Name
	}
	return names
}
