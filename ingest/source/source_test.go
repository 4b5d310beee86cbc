package source

import "testing"

func TestNormaliseHeader(t *testing.T) {
	for in, want := range map[string]string{
		"CODICE_FISCALE": "CODICE_FISCALE", "Cod. Fiscale": "CODICE_FISCALE", "codice fiscale": "CODICE_FISCALE",
		" C.F. ": "CODICE_FISCALE", "Gravità": "GRAVITA", "Data evento": "DATA_EVENTO", "Giorni persi": "GIORNI_PERSI",
		"N. civico": "CIVICO", "Lat": "LATITUDINE", "\ufeffCODICE_FISCALE": "CODICE_FISCALE", "": "",
	} {
		if got := NormaliseHeader(in); got != want {
			t.Errorf("NormaliseHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSourcesAreConsistent(t *testing.T) {
	domains := map[string]bool{Poverty: true, Housing: true, Health: true, Work: true, Education: true}
	for _, s := range All() {
		if got, err := Lookup(s.Name); err != nil || got.Name != s.Name {
			t.Errorf("Lookup(%q): %v", s.Name, err)
		}
		for code, k := range s.Kinds {
			if !domains[k.Domain] || k.Name == "" || NormaliseHeader(code) != code {
				t.Errorf("%s: code %s has kind %+v", s.Name, code, k)
			}
		}
		for _, col := range append(s.Required(), s.EndDateColumn, s.AmountColumn, s.Stage.Column, s.Status.Column, s.Severity.Column) {
			if col != "" && NormaliseHeader(col) != col {
				t.Errorf("%s: column %s is not in canonical form", s.Name, col)
			}
		}
	}
	if _, err := Lookup("nope"); err == nil {
		t.Error("unknown source accepted")
	}
}

func FuzzNormaliseHeader(f *testing.F) {
	for _, s := range []string{"Cod. Fiscale", "Gravità", "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormaliseHeader(s)
		if NormaliseHeader(n) != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, n, NormaliseHeader(n))
		}
	})
}
