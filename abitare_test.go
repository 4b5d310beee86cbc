package abitare_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/abitare/abitare"
)

func TestParsePeriod(t *testing.T) {
	for _, tc := range []struct {
		in       string
		labels   []string
		previous string
		wantErr  bool
	}{
		{in: "2025", labels: []string{"2025", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"}, previous: "2024"},
		{in: "2025-Q1", labels: []string{"2025-Q1"}, previous: "2024-Q4"},
		{in: "2025-Q3", labels: []string{"2025-Q3"}, previous: "2025-Q2"},
		{in: "2025-Q5", wantErr: true},
		{in: "25", wantErr: true},
		{in: "", wantErr: true},
		{in: "2025-q1", wantErr: true},
	} {
		ps, err := abitare.ParsePeriod(tc.in)
		if tc.wantErr {
			if abitare.KindOf(err) != abitare.Invalid {
				t.Errorf("%q: error %v of kind %s, want invalid", tc.in, err, abitare.KindOf(err))
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		var labels []string
		for _, p := range ps {
			labels = append(labels, p.Label)
			if !p.Start.Before(p.End) {
				t.Errorf("%s: empty span %v-%v", p.Label, p.Start, p.End)
			}
		}
		if fmt.Sprint(labels) != fmt.Sprint(tc.labels) || ps[0].Previous().Label != tc.previous {
			t.Errorf("%q: %v previous %s, want %v previous %s", tc.in, labels, ps[0].Previous().Label, tc.labels, tc.previous)
		}
	}
}

func TestQuartersTileTheYear(t *testing.T) {
	y := abitare.Year(2024)
	qs := abitare.QuartersOf(2024)
	if !qs[0].Start.Equal(y.Start) || !qs[3].End.Equal(y.End) {
		t.Fatalf("quarters %v..%v do not span the year %v..%v", qs[0].Start, qs[3].End, y.Start, y.End)
	}
	for i := 1; i < 4; i++ {
		if !qs[i].Start.Equal(qs[i-1].End) {
			t.Fatalf("gap between %s and %s", qs[i-1].Label, qs[i].Label)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	wrapped := fmt.Errorf("read area: %w", abitare.Errorf(abitare.NotFound, "no area %s", "x"))
	if abitare.KindOf(wrapped) != abitare.NotFound || !errors.Is(wrapped, abitare.NotFound) {
		t.Fatalf("kind of %v: %s", wrapped, abitare.KindOf(wrapped))
	}
	sentinel := fmt.Errorf("%w: bad tile", abitare.Invalid)
	if abitare.KindOf(sentinel) != abitare.Invalid || abitare.MessageOf(sentinel) != "invalid: bad tile" {
		t.Fatalf("kind %s message %q", abitare.KindOf(sentinel), abitare.MessageOf(sentinel))
	}
	internal := errors.New("pq: relation does not exist")
	if abitare.KindOf(internal) != abitare.Internal || abitare.MessageOf(internal) != "internal error" {
		t.Fatalf("a plain error is %s, shown as %q", abitare.KindOf(internal), abitare.MessageOf(internal))
	}
}

func TestParseNames(t *testing.T) {
	if _, err := abitare.ParseIndicator("multi_domain"); err != nil {
		t.Fatal(err)
	}
	if _, err := abitare.ParseIndicator("wealth"); abitare.KindOf(err) != abitare.Invalid {
		t.Fatalf("unknown indicator: %v", err)
	}
	if _, err := abitare.ParseGeography("h3_11"); abitare.KindOf(err) != abitare.Invalid {
		t.Fatalf("unknown geography: %v", err)
	}
	if len(abitare.Indicators) != len(abitare.Domains)+1 {
		t.Fatalf("indicators %v", abitare.Indicators)
	}
}
