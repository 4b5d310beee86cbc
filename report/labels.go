package report

// The words of a report in Italian and English.

import "github.com/abitare/abitare"

// Langs are the languages a report is written in; the first is the default.
var Langs = []string{"it", "en"}

// ParseLang returns lang when a report can be written in it, else an error naming the choices.
func ParseLang(lang string) (string, error) {
	switch lang {
	case "":
		return Langs[0], nil
	case "it", "en":
		return lang, nil
	}
	return "", abitare.Errorf(abitare.Invalid, "lang %q: want it or en", lang)
}

var indicatorNames = map[string][2]string{
	"poverty":      {"Povertà", "Poverty"},
	"housing":      {"Disagio abitativo", "Housing hardship"},
	"health":       {"Salute", "Health"},
	"work":         {"Lavoro", "Work"},
	"education":    {"Istruzione", "Education"},
	"multi_domain": {"Bisogno in 2 o più ambiti", "Need in 2 or more domains"},
}

// CustomGeography is the geography of a report on a custom area (geo/customarea), whose ID is
// the selection's short label.
const CustomGeography = "custom"

var geographyNames = map[string][2]string{
	"h3_7":          {"Esagono H3 (risoluzione 7)", "H3 hexagon (resolution 7)"},
	"h3_8":          {"Esagono H3 (risoluzione 8)", "H3 hexagon (resolution 8)"},
	"h3_9":          {"Esagono H3 (risoluzione 9)", "H3 hexagon (resolution 9)"},
	"h3_10":         {"Esagono H3 (risoluzione 10)", "H3 hexagon (resolution 10)"},
	"section":       {"Sezione di censimento", "Census section"},
	"omi":           {"Zona OMI", "OMI zone"},
	"municipality":  {"Comune", "Municipality"},
	"province":      {"Provincia", "Province"},
	"region":        {"Regione", "Region"},
	CustomGeography: {"Area personalizzata", "Custom area"},
}

// geographyPlural names the areas a rank is among.
var geographyPlural = map[string][2]string{
	"h3_7": {"esagoni", "hexagons"}, "h3_8": {"esagoni", "hexagons"}, "h3_9": {"esagoni", "hexagons"}, "h3_10": {"esagoni", "hexagons"},
	"section": {"sezioni", "sections"}, "omi": {"zone OMI", "OMI zones"}, "municipality": {"comuni", "municipalities"},
	"province": {"province", "provinces"}, "region": {"regioni", "regions"},
	CustomGeography: {"aree personalizzate", "custom areas"},
}

var statusNames = map[string][2]string{
	"published":      {"pubblicato", "shown"},
	"withheld":       {"non mostrato (riservatezza)", "withheld (confidentiality)"},
	"protected":      {"protetto (cell key)", "protected (cell key)"},
	"suppressed":     {"non diffuso a questo livello", "not published at this level"},
	"not_applicable": {"non applicabile", "not applicable"},
}

var words = map[string][2]string{
	"title":          {"Scheda della zona", "Area report"},
	"period":         {"Periodo", "Period"},
	"generated":      {"Generata il", "Generated on"},
	"release":        {"Rilascio", "Release"},
	"figures":        {"Indicatori (per 1.000 residenti)", "Indicators (per 1,000 residents)"},
	"indicator":      {"Indicatore", "Indicator"},
	"people":         {"Persone", "People"},
	"residents":      {"Residenti", "Residents"},
	"rate":           {"Tasso", "Rate"},
	"ci":             {"Intervallo 95%", "95% interval"},
	"ci_low":         {"Intervallo 95%: da", "95% interval: from"},
	"ci_high":        {"Intervallo 95%: a", "95% interval: to"},
	"eb":             {"Tasso stimato (EB)", "Estimated rate (EB)"},
	"change":         {"Variazione sull'anno prima", "Change on the year before"},
	"city":           {"Città", "City"},
	"ratio":          {"Rapporto con la città", "Ratio to the city"},
	"rank":           {"Posizione", "Rank"},
	"of":             {"su", "of"},
	"status":         {"Stato", "Status"},
	"quarters":       {"Trimestri", "Quarters"},
	"overlap":        {"Combinazioni di ambiti", "Combinations of domains"},
	"combination":    {"Combinazione", "Combination"},
	"hotspots":       {"Hotspot (analisi locali)", "Hotspots (local analyses)"},
	"analysis":       {"Analisi", "Analysis"},
	"statistic":      {"Statistica", "Statistic"},
	"p_value":        {"Valore p", "p-value"},
	"cluster":        {"Classe", "Class"},
	"significant":    {"Significativo", "Significant"},
	"run":            {"Elaborazione", "Run"},
	"parameters":     {"Parametri", "Parameters"},
	"composite":      {"Indici compositi", "Composite indices"},
	"coverage":       {"Bisogno senza aiuto", "Need without help"},
	"need":           {"Bisogno", "Need"},
	"without_help":   {"Senza aiuto", "Without help"},
	"protection":     {"Protezione", "Protection"},
	"metadata":       {"Metadati", "Metadata"},
	"summary":        {"Sintesi", "Summary"},
	"area":           {"Zona", "Area"},
	"figures_kind":   {"Dati", "Figures"},
	"restricted":     {"riservati (ruolo autorizzato), non diffondere", "restricted (authorised role), do not circulate"},
	"published_kind": {"pubblicati (dati aperti)", "published (open data)"},
	"protection_restricted": {
		"Conteggi veri: quelli da 1 alla soglia meno 1, e quelli che permetterebbero di ricavarli, non sono mostrati.",
		"True counts: those from 1 to the threshold minus 1, and those that would reveal them, are withheld.",
	},
	"protection_custom": {
		"Conteggi perturbati con il metodo cell-key e i parametri dell'ultimo rilascio (le stesse persone danno sempre lo stesso rumore); " +
			"non mostrati i conteggi da 1 alla soglia meno 1 e quelli di aree con meno residenti del minimo; tassi e intervalli dai conteggi perturbati; " +
			"le aree personalizzate non si sommano né si sottraggono.",
		"Counts perturbed by the cell-key method with the latest release's parameters (the same people always give the same noise); " +
			"counts from 1 to the threshold minus 1, and those of areas with fewer residents than the minimum, are withheld; rates and intervals " +
			"come from the perturbed counts; custom areas do not add up or subtract.",
	},
	"print":         {"Stampa o salva come PDF", "Print or save as PDF"},
	"rate_chart":    {"Tassi della zona (barre) e della città (linea)", "The area's rates (bars) and the city's (line)"},
	"licence":       {"Licenza dei dati pubblicati: CC BY 4.0", "Licence of the published figures: CC BY 4.0"},
	"none":          {"Nessuno", "None"},
	"yes":           {"sì", "yes"},
	"no":            {"no", "no"},
	"not_shown":     {"non mostrato", "not shown"},
	"source":        {"Fonte: Abitare, osservatorio del bisogno abitativo", "Source: Abitare, housing-need observatory"},
	"quarter_rate":  {"Tasso del trimestre", "Quarter's rate"},
	"exposed":       {"Chi è più esposto: rischio relativo rispetto ai residenti della zona fuori dalla categoria", "Who is most exposed: relative risk against the area's residents outside the category"},
	"exposed_sheet": {"Chi è più esposto", "Who is most exposed"},
	"exposed_none":  {"Nessuna categoria con rischio relativo mostrabile", "No category with a relative risk that can be shown"},
	"category":      {"Categoria", "Category"},
	"dimension":     {"Dimensione", "Dimension"},
	"rr":            {"Rischio relativo", "Relative risk"},
	"rr_low":        {"Rischio relativo: da", "Relative risk: from"},
	"rr_high":       {"Rischio relativo: a", "Relative risk: to"},
	"rr_interval":   {"Intervallo 95% del rischio relativo", "Relative risk's 95% interval"},
}

var dimensionNames = map[string][2]string{
	"age": {"Età", "Age"}, "sex": {"Sesso", "Sex"}, "citizenship": {"Cittadinanza", "Citizenship"},
	"household_type": {"Tipo di famiglia", "Household type"}, "disability": {"Disabilità", "Disability"},
}

var categoryNames = map[string][2]string{
	"sex:F": {"Donne", "Women"}, "sex:M": {"Uomini", "Men"},
	"citizenship:italian": {"Cittadinanza italiana", "Italian citizens"}, "citizenship:eu": {"Cittadinanza UE", "EU citizens"},
	"citizenship:non_eu": {"Cittadinanza extra UE", "Non-EU citizens"},
	"disability:yes":     {"Con disabilità", "With a disability"}, "disability:no": {"Senza disabilità", "Without a disability"},
	// The register's household types (abitare.HouseholdTypes), as the categories view lowers them.
	"household_type:unipersonale":       {"Persona sola", "One person"},
	"household_type:coppia_senza_figli": {"Coppia senza figli", "Couple without children"},
	"household_type:coppia_con_figli":   {"Coppia con figli", "Couple with children"},
	"household_type:monogenitore":       {"Un genitore con figli", "Single parent"},
	"household_type:altro":              {"Altra famiglia", "Other household"},
}

// needNames name the signals of need that call for help (abitare.Needs).
var needNames = map[string][2]string{
	"eviction": {"Sfratto", "Eviction"}, "disability": {"Disabilità", "Disability"},
	"mental_health": {"Salute mentale", "Mental health"}, "job_seeker": {"In cerca di lavoro", "Job seeker"},
}

// needName names a need; an unknown one stays as it is.
func needName(lang, need string) string { return fromTable(needNames, lang, need) }

func dimensionName(lang, d string) string { return fromTable(dimensionNames, lang, d) }

// categoryName names a category; ages read "25-44 anni", other unknown ones stay as they are.
func categoryName(lang, dim, cat string) string {
	if w, ok := categoryNames[dim+":"+cat]; ok {
		return w[langIndex(lang)]
	}
	if dim == "age" {
		return cat + [2]string{" anni", " years"}[langIndex(lang)]
	}
	return cat
}

func langIndex(lang string) int {
	if lang == "en" {
		return 1
	}
	return 0
}

func word(lang, key string) string {
	if w, ok := words[key]; ok {
		return w[langIndex(lang)]
	}
	return key
}

func fromTable(table map[string][2]string, lang, key string) string {
	if w, ok := table[key]; ok {
		return w[langIndex(lang)]
	}
	return key
}

func indicatorName(lang, ind string) string { return fromTable(indicatorNames, lang, ind) }
func geographyName(lang, g string) string   { return fromTable(geographyNames, lang, g) }
func statusName(lang, s string) string      { return fromTable(statusNames, lang, s) }
