package abitare

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is a span of event dates [Start, End) with its label: a year ("2025") or a quarter
// ("2025-Q2").
type Period struct {
	Label      string
	Start, End time.Time
}

// Year returns the period of a calendar year.
func Year(y int) Period {
	return Period{Label: strconv.Itoa(y), Start: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// Quarter returns the period of quarter q (1-4) of year y.
func Quarter(y, q int) Period {
	start := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, time.UTC)
	return Period{Label: fmt.Sprintf("%d-Q%d", y, q), Start: start, End: start.AddDate(0, 3, 0)}
}

// IsQuarter reports whether the period is a quarter.
func (p Period) IsQuarter() bool { return strings.Contains(p.Label, "-Q") }

// Previous is the period of the same kind just before p: the previous year, or quarter.
func (p Period) Previous() Period {
	if p.IsQuarter() {
		y, q := p.Start.Year(), int(p.Start.Month()-1)/3+1
		if q == 1 {
			return Quarter(y-1, 4)
		}
		return Quarter(y, q-1)
	}
	return Year(p.Start.Year() - 1)
}

// ParsePeriod reads "2025" (the year and its four quarters) or "2025-Q2" (that quarter).
func ParsePeriod(s string) ([]Period, error) {
	year, quarter, isQuarter := strings.Cut(s, "-Q")
	y, err := strconv.Atoi(year)
	if err != nil || y < 1990 || y > 2100 {
		return nil, Errorf(Invalid, "period %q: want a year such as 2025 or a quarter such as 2025-Q2", s)
	}
	if !isQuarter {
		return append([]Period{Year(y)}, QuartersOf(y)...), nil
	}
	q, err := strconv.Atoi(quarter)
	if err != nil || q < 1 || q > 4 {
		return nil, Errorf(Invalid, "period %q: the quarter must be Q1 to Q4", s)
	}
	return []Period{Quarter(y, q)}, nil
}

// QuartersOf lists the four quarters of a year.
func QuartersOf(y int) []Period {
	return []Period{Quarter(y, 1), Quarter(y, 2), Quarter(y, 3), Quarter(y, 4)}
}
