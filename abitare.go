// Package abitare is the observatory's vocabulary: the names every other package shares and
// nothing else. Domains of need and the indicators built on them, the geographies figures are
// aggregated to, periods and how they are written, the status of a shown figure, and the kinds
// of error the API answers with. It imports only the standard library; everything else imports
// it (in the spirit of the root package of github.com/benbjohnson/wtf).
//
// The front end does not keep copies: the server hands these lists to it (GET /api/session,
// "vocabulary").
package abitare

import "slices"

// The five domains of need, in the order a combination of domains names them
// (area_overlap.combination: "poverty+health").
const (
	Poverty   = "poverty"
	Housing   = "housing"
	Health    = "health"
	Work      = "work"
	Education = "education"
)

// Domains are the domains of need, in combination order.
var Domains = []string{Poverty, Housing, Health, Work, Education}

// MapDomains are the three domains the overlap layers of the map show.
var MapDomains = []string{Poverty, Housing, Health}

// MultiDomain is the indicator of people in two or more domains.
const MultiDomain = "multi_domain"

// Indicators are computed per area and period: the five domains, and multi-domain need.
var Indicators = append(slices.Clone(Domains), MultiDomain)

// CompositeDomains are the inputs of the composite indices (AMPI, IMD-style): every domain.
var CompositeDomains = Domains

// ConfidenceLevel is the level of every interval the observatory shows.
const ConfidenceLevel = 0.95

// Needs are the signals of need that call for help (area_coverage.need).
var Needs = []string{"eviction", "disability", "mental_health", "job_seeker"}

// HouseholdTypes are the population register's household types (ISTAT's), as the register
// writes them.
var HouseholdTypes = []string{"UNIPERSONALE", "COPPIA_SENZA_FIGLI", "COPPIA_CON_FIGLI", "MONOGENITORE", "ALTRO"}

// IsIndicator reports whether s names an indicator.
func IsIndicator(s string) bool { return slices.Contains(Indicators, s) }

// ParseIndicator checks an indicator's name.
func ParseIndicator(s string) (string, error) {
	if !IsIndicator(s) {
		return "", Errorf(Invalid, "indicator %q: want one of %v", s, Indicators)
	}
	return s, nil
}

// HotspotIndicators are the indicators local statistics are computed for (Local Moran, Gi*).
var HotspotIndicators = []string{Poverty, Housing, Health, MultiDomain}

// BivariatePairs are the pairs of domains of the bivariate Local Moran (x, then lagged y).
var BivariatePairs = [][2]string{{Poverty, Health}, {Poverty, Housing}, {Housing, Health}}

// Geographies figures are aggregated to, finest H3 last among the hexagons: H3 resolutions 7 to
// 10, census sections, districts (OMI zones, or the comune itself), municipalities, and the
// province and region when the territory spans several comuni or provinces (a territory of
// one comune has no areas of those two).
var Geographies = []string{"h3_7", "h3_8", "h3_9", "h3_10", "section", "omi", "municipality", "province", "region"}

// ParseGeography checks a geography's name.
func ParseGeography(s string) (string, error) {
	if !slices.Contains(Geographies, s) {
		return "", Errorf(Invalid, "geography %q: want one of %v", s, Geographies)
	}
	return s, nil
}

// Status of a figure as shown.
const (
	Shown         = "published"      // a true count, shown to a restricted role (status "published" in the API)
	Withheld      = "withheld"       // a true count not shown: small, or protecting a small one
	Protected     = "protected"      // perturbed by the cell-key method and published
	Suppressed    = "suppressed"     // not published at this geography
	NotApplicable = "not_applicable" // not a count of people (census residents), or undefined
)

// Vocabulary is the vocabulary as the front end receives it (GET /api/session).
type Vocabulary struct {
	Indicators        []string    `json:"indicators"`
	Domains           []string    `json:"domains"`
	MapDomains        []string    `json:"map_domains"`
	Needs             []string    `json:"needs"`
	Geographies       []string    `json:"geographies"`
	HotspotIndicators []string    `json:"hotspot_indicators"`
	BivariatePairs    [][2]string `json:"bivariate_pairs"`
	HouseholdTypes    []string    `json:"household_types"`
}

// Words returns the vocabulary.
func Words() Vocabulary {
	return Vocabulary{Indicators: Indicators, Domains: Domains, MapDomains: MapDomains, Needs: Needs,
		Geographies: Geographies, HotspotIndicators: HotspotIndicators, BivariatePairs: BivariatePairs, HouseholdTypes: HouseholdTypes}
}
