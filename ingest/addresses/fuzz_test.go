package addresses

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/abitare/abitare/ingest"
	"github.com/abitare/abitare/ingest/tabular"
	"github.com/paulmach/orb"
)

// FuzzRead feeds arbitrary files to the register parser: it must never panic; it either accepts
// entries that can all be stored (valid codes, positive numbers, points in the study area, no
// address twice), or rejects the file with located problems.
func FuzzRead(f *testing.F) {
	const h = "CODICE_ISTAT_COMUNE;PROGRESSIVO_STRADA;DUG;DENOMINAZIONE;CIVICO;ESPONENTE;CAP;LONGITUDINE;LATITUDINE\n"
	for _, s := range []string{
		h + "036023;648;VIA;GIOSUÈ CARDUCCI;1;;41121;10.9228480;44.6439900\n",
		h + "036023;648;VIA;GIOSUÈ CARDUCCI;1;;41121;10.9228480;44.6439900\n036023;648;via;Giosue' Carducci;1;;41121;10.92;44.64\n",
		h + "036023;2;VIALE;ALCIDE DE GASPERI;30;BIS;;10,953418;44,641358\n",
		h + "036023;2;VIALE;X;7/b;;41125;NaN;Inf\n",
		h + "036023;2;VIALE;X;99999;;41125;44.64;10.95\n",
		h + "036023;2;;;1;A;41125;10.95;44.64;\n",
		h + "\"036023\";\"2\";\"VIA\";\"A;B\";\"1\";\"\";\"\";\"10.95\";\"44.64\n",
		h,
		"",
		"CIVICO\n1\n",
	} {
		f.Add([]byte(s))
	}
	area := ingest.NewStudyArea("fuzz", orb.MultiPolygon{{{{10.85, 44.60}, {11.00, 44.60}, {11.00, 44.70}, {10.85, 44.70}, {10.85, 44.60}}}})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "r.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		entries, err := read(path, area, tabular.Options{})
		if err != nil {
			if entries != nil {
				t.Fatal("entries returned with an error")
			}
			var rej *ingest.RejectedError
			if !errors.As(err, &rej) {
				return // an unreadable file (e.g. UTF-16): not a row problem
			}
			if rej.Total == 0 || len(rej.Problems) == 0 {
				t.Fatalf("rejection without problems: %v", err)
			}
			for _, p := range rej.Problems {
				if p.Reason == "" || p.Line < 0 || (p.Line == 0 && p.Field != "") {
					t.Fatalf("problem not located: %+v", p)
				}
			}
			return
		}
		if len(entries) == 0 {
			t.Fatal("accepted a file without entries")
		}
		seen := map[string]bool{}
		for _, e := range entries {
			key := e.municipality + "|" + e.streetKey + "|" + e.number.Suffix + "|" + strconv.Itoa(e.number.Number)
			switch {
			case !istatCode.MatchString(e.municipality):
				t.Fatalf("accepted municipality %q", e.municipality)
			case e.streetCode == "" || e.streetKey == "":
				t.Fatalf("accepted an entry without street: %+v", e)
			case e.number.Number <= 0:
				t.Fatalf("accepted house number %d", e.number.Number)
			case e.postcode != "" && !postcode.MatchString(e.postcode):
				t.Fatalf("accepted postcode %q", e.postcode)
			case !area.Contains(e.point):
				t.Fatalf("accepted point %v outside the area", e.point)
			case e.streetType != strings.ToUpper(e.streetType) || e.streetName != strings.ToUpper(e.streetName):
				t.Fatalf("street not upper-cased: %q %q", e.streetType, e.streetName)
			case seen[key]:
				t.Fatalf("accepted the same address twice: %s", key)
			}
			seen[key] = true
		}
	})
}
