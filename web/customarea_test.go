package web

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/abitare/abitare"
)

func TestReadCustomAreaLimitsAndExplains(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       string // in the error; "" for none
	}{
		{"areas", `{"period": "2025", "areas": {"geography": "section", "ids": ["S1"]}}`, ""},
		{"empty", ``, "send {"},
		{"unknown field", `{"period": "2025", "area": {}}`, `unknown field "area"`},
		{"too large", `{"period": "2025", "polygon": {"type": "Polygon", "coordinates": [[` +
			strings.Repeat(`[10.9, 44.6],`, maxCustomAreaBody/12) + `[10.9, 44.6]]]}}`, "larger than 256 KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/custom-area", strings.NewReader(tc.body))
			q, err := readCustomArea(httptest.NewRecorder(), r)
			if tc.want == "" {
				if err != nil || q.Areas == nil || q.Areas.IDs[0] != "S1" {
					t.Fatalf("%+v, %v", q, err)
				}
				return
			}
			if !errors.Is(err, abitare.Invalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want an invalid request saying %q", err, tc.want)
			}
		})
	}
}
