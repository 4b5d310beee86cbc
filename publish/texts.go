package publish

import (
	"fmt"
	"strings"
)

// dictionaryCSV describes every column of the data files, in Italian and English.
func dictionaryCSV() string {
	rows := [][4]string{
		{"column", "type", "descrizione", "description"},
		{"release", "integer", "numero del rilascio che ha pubblicato il dato", "number of the release that published the figure"},
		{"geography", "text", "geografia: h3_7..h3_10 (esagoni H3), section (sezione di censimento), omi (zona OMI), municipality (comune), province (provincia), region (regione)", "geography: h3_7..h3_10 (H3 hexagons), section (census section), omi (OMI district), municipality, province, region"},
		{"id", "text", "codice dell'area: indice H3, codice ISTAT della sezione, codice della zona OMI, codice ISTAT del comune, della provincia o della regione", "area code: H3 index, ISTAT section code, OMI zone code, ISTAT code of the municipality, province or region"},
		{"period", "text", "anno (2025) o trimestre (2025-Q1)", "year (2025) or quarter (2025-Q1)"},
		{"indicator", "text", "dominio di bisogno: poverty, housing, health, work, education; multi_domain: due o più domini", "domain of need: poverty, housing, health, work, education; multi_domain: two or more domains"},
		{"people", "integer", "persone con il bisogno, protette con il metodo cell-key (mai tra 1 e la soglia meno uno); vuoto se soppresso", "people with the need, protected by the cell-key method (never between 1 and the threshold minus one); empty when suppressed"},
		{"residents", "integer", "residenti dell'area (censimento), non perturbati", "residents of the area (census), not perturbed"},
		{"rate", "number", "persone ogni 1.000 residenti, calcolato dal conteggio protetto", "people per 1,000 residents, computed from the protected count"},
		{"status", "text", "protected (protetto e pubblicato) o suppressed (non pubblicato a questa geografia)", "protected (perturbed and published) or suppressed (not published at this geography)"},
		{"residents_status", "text", "not_applicable: i residenti non sono un conteggio di beneficiari", "not_applicable: residents are not a count of beneficiaries"},
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(csvLine(r[:]))
	}
	return b.String()
}

func csvLine(fields []string) string {
	quoted := make([]string, len(fields))
	for i, f := range fields {
		if strings.ContainsAny(f, "\",\n") {
			f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
		}
		quoted[i] = f
	}
	return strings.Join(quoted, ",") + "\n"
}

// readme introduces a release in Italian, then English.
func readme(r release, opt Options) string {
	periods := strings.Join(r.Periods, ", ")
	return fmt.Sprintf(`# Abitare: rilascio %[1]d / release %[1]d

## Italiano

Dati aperti dell'osservatorio sul bisogno abitativo Abitare: persone con bisogni di povertà,
casa, salute, lavoro e istruzione per area (esagoni H3, sezioni di censimento, zone OMI,
comune), periodi %[2]s, pubblicati il %[3]s.

I conteggi sono protetti con il metodo cell-key (%[4]s): ogni conteggio è perturbato, nessun
conteggio pubblicato è compreso tra 1 e %[5]d, i tassi sono calcolati dai conteggi protetti, la
salute è pubblicata solo per zona OMI e per il comune. Il file manifest.json descrive la
protezione; dictionary.csv descrive le colonne.

File: data/<geografia>.csv e .geojson (RFC 7946, WGS 84), tiles/<strato>.pmtiles (tasselli
vettoriali PMTiles v3), manifest.json, dictionary.csv, CHANGELOG.md, SHA256SUMS
(verifica: sha256sum -c SHA256SUMS). Licenza: %[6]s (LICENSE.md).

## English

Open data of the Abitare housing-need observatory: people with poverty, housing, health, work
and education needs per area (H3 hexagons, census sections, OMI districts, the municipality),
periods %[2]s, published on %[3]s.

Counts are protected by the cell-key method (%[4]s): every count is perturbed, no published
count lies between 1 and %[5]d, rates are computed from the protected counts, and health is
published only by OMI district and for the municipality. manifest.json describes the
protection; dictionary.csv describes the columns.

Files: data/<geography>.csv and .geojson (RFC 7946, WGS 84), tiles/<layer>.pmtiles (PMTiles v3
vector tiles), manifest.json, dictionary.csv, CHANGELOG.md, SHA256SUMS (check with
sha256sum -c SHA256SUMS). Licence: %[6]s (LICENSE.md).
`, r.ID, periods, r.CreatedAt.UTC().Format("2006-01-02"), r.Method, r.Threshold-1, licenseName(opt.License))
}

// licenses are the data licences publish knows: their name and the IRI of their text (the
// DCAT-AP_IT catalog's dct:license).
var licenses = map[string]struct{ name, iri string }{
	"CC-BY-4.0": {"Creative Commons Attribution 4.0 International (CC BY 4.0)", "https://creativecommons.org/licenses/by/4.0/"},
	"CC0-1.0":   {"Creative Commons CC0 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"},
	"IODL-2.0":  {"Italian Open Data License v2.0", "https://www.dati.gov.it/iodl/2.0/"},
}

func licenseName(id string) string {
	if l, ok := licenses[id]; ok {
		return l.name
	}
	return id
}

// licenseText is the licence notice: its name, where its text is, and the attribution asked.
func licenseText(id string) string {
	url := ""
	if l, ok := licenses[id]; ok {
		url = l.iri
	}
	return fmt.Sprintf(`# %s

I dati di questo rilascio sono distribuiti con licenza %[1]s: %[2]s
The data of this release are distributed under the %[1]s licence: %[2]s

Attribuzione / attribution: "Abitare, osservatorio sul bisogno abitativo".
`, licenseName(id), url)
}

// changelog lists the releases up to this one, newest first.
func changelog(releases []release) string {
	var b strings.Builder
	b.WriteString("# Changelog\n")
	for _, r := range releases {
		fmt.Fprintf(&b, "\n## Release %d (%s)\n\n- periods / periodi: %s\n- method / metodo: %s, threshold / soglia %d, key / chiave %s\n",
			r.ID, r.CreatedAt.UTC().Format("2006-01-02"), strings.Join(r.Periods, ", "), r.Method, r.Threshold, r.KeyID)
	}
	return b.String()
}
