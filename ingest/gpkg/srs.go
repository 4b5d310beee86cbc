package gpkg

import (
	"fmt"
	"strings"

	"github.com/abitare/abitare/ingest/shapefile"
)

// EPSG returns the EPSG code of the system: organization_coordsys_id when the organization is
// EPSG; otherwise the code its WKT definition gives, read as a shapefile's .prj is (its EPSG
// authority, else its name among the systems Italian data come in). The undefined systems (0
// and -1, definition "undefined") and systems known neither way are errors.
func (s SRS) EPSG() (int, error) {
	if strings.EqualFold(strings.TrimSpace(s.Organization), "EPSG") && s.OrgCoordSysID > 0 {
		return int(s.OrgCoordSysID), nil
	}
	var defs []string
	for _, d := range []string{s.Definition, s.DefinitionWKT2} {
		if d = strings.TrimSpace(d); d != "" && !strings.EqualFold(d, "undefined") {
			defs = append(defs, d)
		}
	}
	if len(defs) == 0 {
		return 0, fmt.Errorf("undefined CRS (srs_id %d %q, %s:%d, definition %q): say which CRS the coordinates are in (ogr2ogr -a_srs EPSG:n)",
			s.ID, s.Name, s.Organization, s.OrgCoordSysID, s.Definition)
	}
	var firstErr error
	for _, d := range defs {
		code, err := shapefile.EPSGOfWKT(d)
		if err == nil {
			return code, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return 0, fmt.Errorf("unknown CRS: srs_id %d %q (%s:%d) is not an EPSG code and its definition is not recognised: %v",
		s.ID, s.Name, s.Organization, s.OrgCoordSysID, firstErr)
}
