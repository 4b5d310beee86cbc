package publish

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/abitare/abitare/geo/territory"
	"github.com/abitare/abitare/publish/dcat"
	"github.com/jackc/pgx/v5/pgxpool"
)

// writeCatalog writes the DCAT-AP_IT metadata of every release, as JSON-LD and RDF/XML.
func writeCatalog(ctx context.Context, db *pgxpool.Pool, dir string, releases []release, sum Summary, opt Options) error {
	place, err := studyArea(ctx, db)
	if err != nil {
		return err
	}
	var datasets []dcat.Release
	for i, r := range releases {
		datasets = append(datasets, dcat.Release{
			ID: r.ID,
			Title: map[string]string{
				"it": fmt.Sprintf("Abitare: bisogno abitativo e sociale per area, rilascio %d", r.ID),
				"en": fmt.Sprintf("Abitare: housing and social need by area, release %d", r.ID)},
			Description: map[string]string{
				"it": "Persone con bisogni di povertà, casa, salute, lavoro e istruzione per esagono H3, sezione di censimento, zona OMI e comune, protette con il metodo cell-key. Periodi: " + strings.Join(r.Periods, ", ") + ".",
				"en": "People with poverty, housing, health, work and education needs per H3 hexagon, census section, OMI district and municipality, protected by the cell-key method. Periods: " + strings.Join(r.Periods, ", ") + "."},
			Modified:      r.CreatedAt,
			Periods:       r.Periods,
			Frequency:     "QUARTERLY",
			License:       licenses[opt.License].iri,
			Spatial:       place,
			Distributions: distributions(sum.Releases[i]),
		})
	}
	base := opt.BaseURL
	if base == "" {
		base = "http://localhost/"
	}
	jsonld, err := dcat.Catalog(opt.Publisher, base, datasets)
	if err != nil {
		return fmt.Errorf("DCAT-AP_IT catalog: %w", err)
	}
	rdf, err := dcat.CatalogRDFXML(opt.Publisher, base, datasets)
	if err != nil {
		return fmt.Errorf("DCAT-AP_IT catalog: %w", err)
	}
	if err := writeText(filepath.Join(dir, "catalog.jsonld"), string(jsonld)); err != nil {
		return err
	}
	return writeText(filepath.Join(dir, "catalog.rdf"), string(rdf))
}

// formats are the files of a release that are distributions, by extension.
var formats = map[string]string{".gpkg": "GPKG", ".geojson": "GEOJSON", ".csv": "CSV", ".pmtiles": "PMTILES"}

func distributions(r ReleaseFiles) []dcat.Distribution {
	var out []dcat.Distribution
	for _, f := range r.Files {
		format, ok := formats[path.Ext(f.Path)]
		if !ok || f.Path == "dictionary.csv" {
			continue
		}
		out = append(out, dcat.Distribution{Title: distributionTitle(f.Path), Format: format,
			URL: r.Path + "/" + f.Path, Bytes: f.Bytes, SHA256: f.SHA256})
	}
	return out
}

func distributionTitle(p string) string {
	name := strings.TrimSuffix(path.Base(p), path.Ext(p))
	switch {
	case strings.HasPrefix(p, "tiles/"):
		return "Tasselli vettoriali: " + name
	case path.Ext(p) == ".gpkg":
		return "GeoPackage di tutte le geografie"
	}
	return "Dati per " + name
}

// studyArea is what the releases cover, for dct:spatial: the comune, the province or the region
// the territory is, else each of its comuni (territory.Describe); nil without municipalities.
func studyArea(ctx context.Context, db *pgxpool.Pool) ([]dcat.Place, error) {
	d, err := territory.Describe(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("read the study area: %w", err)
	}
	var out []dcat.Place
	for _, p := range d.Places {
		out = append(out, dcat.Place{ISTATCode: p.Code, Name: p.Name})
	}
	return out, nil
}
