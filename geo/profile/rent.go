package profile

import (
	"context"
	"fmt"

	"github.com/abitare/abitare"
	"github.com/jackc/pgx/v5"
)

// DwellingM2 is the floor area assumed for a household of each size (1 to 5 or more people):
// a stated assumption, not a measurement; rent estimates scale with it.
var DwellingM2 = []int{45, 60, 75, 90, 105}

// RentBurden is the estimated rent burden of the households known to the services in one OMI
// zone (or the whole city when Zone is ""): the rent of a dwelling of their size at the zone's
// real OMI rent, against their declared ISEE.
type RentBurden struct {
	Zone         string   `json:"zone"`
	Band         string   `json:"band"`
	RentPerM2    *float64 `json:"rent_eur_m2_month"` // OMI midpoint, abitazioni civili
	Households   *int     `json:"households"`
	MedianBurden *float64 `json:"median_burden"` // share of ISEE
	Above30      *int     `json:"above_30pct"`
	Above40      *int     `json:"above_40pct"`
	ShareAbove30 *float64 `json:"share_above_30pct"`
	ShareAbove40 *float64 `json:"share_above_40pct"`
	Status       string   `json:"status"`
}

// RentBurdens estimates, per OMI zone and for the city, the rent burden of households whose
// records carry an ISEE and a household size (social services and housing office). ISEE is an
// equivalised means-test indicator, not gross income: the burden is an indicator of stress,
// not an accounting figure.
func (r *Reader) RentBurdens(ctx context.Context, period string) ([]RentBurden, error) {
	ps, err := abitare.ParsePeriod(period)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	rows, err := r.DB.Query(ctx, rentSQL, ps[0].Start, ps[0].End, DwellingM2)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (RentBurden, error) {
		var b RentBurden
		var n, a30, a40 int
		var rent, median *float64
		if err := row.Scan(&b.Zone, &b.Band, &rent, &n, &median, &a30, &a40); err != nil {
			return b, err
		}
		b.RentPerM2 = round(rent)
		b.Status = r.status(n, true)
		for _, c := range []int{a30, a40, n - a30, n - a40} {
			if r.status(c, true) != abitare.Shown {
				b.Status = abitare.Withheld
			}
		}
		if b.Status == abitare.Shown && n > 0 {
			s30, s40 := float64(a30)/float64(n), float64(a40)/float64(n)
			b.Households, b.Above30, b.Above40 = &n, &a30, &a40
			b.MedianBurden, b.ShareAbove30, b.ShareAbove40 = round(median), round(&s30), round(&s40)
		}
		return b, nil
	})
}

// rentSQL calls rent_burdens (migrations/00007), which reads events with the owner's rights
// and returns counts per OMI zone, with the whole city as zone "".
const rentSQL = `SELECT zone, band, rent, households, median, above30, above40 FROM rent_burdens($1, $2, $3::int[])`
