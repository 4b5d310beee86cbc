package democity

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// injury is one event of the injury insurer (INAIL).
type injury struct {
	date     time.Time
	person   int
	kind     string
	severity string
	days     int
}

// Severity codes of the injury insurer.
const (
	gravitaLieve      = "LIEVE"
	gravitaGrave      = "GRAVE"
	gravitaPermanente = "PERMANENTE"
	gravitaMortale    = "MORTALE"
)

// injuriesOfYear draws workplace injuries (working age, more men, more in vulnerable
// households: manual jobs) and occupational diseases (older workers, more men).
func (g *gen) injuriesOfYear() {
	c, rng, r := g.c, g.rng, g.r
	inf := topN(rng, g.volume(KindInfortunio), func(i int) float64 {
		p := c.people[i]
		age := g.age(i)
		if age < 18 || age > 66 {
			return notEligible
		}
		s := r.injury[i] - math.Abs(float64(age)-40)/25
		if !p.female {
			s += 0.9
		}
		return s
	}, len(c.people))
	for _, pi := range inf {
		sev, days := gravitaLieve, int(lognormalDays(rng, 10, 0.7, 1, 40))
		switch u := rng.Float64(); {
		case u < 0.05:
			sev, days = gravitaPermanente, int(lognormalDays(rng, 180, 0.5, 90, 365))
		case u < 0.25:
			sev, days = gravitaGrave, int(lognormalDays(rng, 60, 0.5, 30, 180))
		}
		g.addInjury(injury{date: g.dateFor(KindInfortunio, int(c.people[pi].hh), 0), person: pi, kind: KindInfortunio, severity: sev, days: days})
	}
	mp := topN(rng, g.volume(KindMalattiaProf), func(i int) float64 {
		p := c.people[i]
		age := g.age(i)
		if age < 40 || age > 70 {
			return notEligible
		}
		s := 0.75*r.injury[i] + (float64(age)-50)/10
		if !p.female {
			s += 0.8
		}
		return s
	}, len(c.people))
	for _, pi := range mp {
		sev := gravitaLieve
		switch u := rng.Float64(); {
		case u < 0.25:
			sev = gravitaPermanente
		case u < 0.6:
			sev = gravitaGrave
		}
		days := 0 // a disease is often recognised without days off
		if rng.Float64() < 0.6 {
			days = int(lognormalDays(rng, 30, 1, 1, 365))
		}
		g.addInjury(injury{date: g.dateFor(KindMalattiaProf, int(c.people[pi].hh), 0), person: pi, kind: KindMalattiaProf, severity: sev, days: days})
	}
}

func (g *gen) addInjury(in injury) {
	g.ev.injuries = append(g.ev.injuries, in)
	g.seen[in.person] |= inInjury
	g.rows[in.kind]++
}

// fatalInjuries turns a few injuries of the last year, of people named in no other file (and
// with no other injury, in any year), into fatal ones, dated in December so that nobody has an
// event after their death.
func (g *gen) fatalInjuries() {
	n := scaledVolume(baseMortali, g.residents)
	rows := map[int]int{}
	for _, in := range g.ev.injuries {
		rows[in.person]++
	}
	sel := topN(g.rng, n, func(k int) float64 {
		in := g.ev.injuries[k]
		if in.kind != KindInfortunio || g.seen[in.person] != inInjury || rows[in.person] != 1 || g.temporary[in.person] ||
			in.date.Year() != g.year {
			return notEligible
		}
		return 0
	}, len(g.ev.injuries))
	for _, k := range sel {
		in := &g.ev.injuries[k]
		in.severity, in.days = gravitaMortale, 0
		in.date = time.Date(g.year, 12, 1+g.rng.IntN(31), 0, 0, 0, 0, time.UTC)
	}
}

// lognormalDays draws a whole number of days around median, clamped to [lo, hi].
func lognormalDays(rng *rand.Rand, median, sigma, lo, hi float64) float64 {
	return min(hi, max(lo, math.Round(median*math.Exp(sigma*rng.NormFloat64()))))
}

// Header cells of the injury workbook.
var HeaderINAIL = []string{"Codice Fiscale", "Tipo evento", "Data evento", "Gravità", "Giorni persi", "Indirizzo", "CAP", "Latitudine", "Longitudine"}

// SheetINAIL is the workbook's only sheet.
const SheetINAIL = "Infortuni"

// fixedDocTime is the creation and modification time written in the workbook, so that the
// same Config gives the same bytes.
const fixedDocTime = "2026-01-01T00:00:00Z"

// writeINAIL writes the injuries, sorted by date, as an Excel workbook: dates and coordinates
// as text (dd/mm/yyyy; comma decimals), days lost and CAP as numbers.
func writeINAIL(c *city, injuries []injury, outDir string) (int, error) {
	sorted := slices.Clone(injuries)
	slices.SortFunc(sorted, func(a, b injury) int {
		return cmp.Or(a.date.Compare(b.date), cmp.Compare(c.people[a.person].cf, c.people[b.person].cf), cmp.Compare(a.kind, b.kind))
	})
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetINAIL); err != nil {
		return 0, fmt.Errorf("%s: %w", FileINAIL, err)
	}
	sw, err := f.NewStreamWriter(SheetINAIL)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", FileINAIL, err)
	}
	header := make([]any, 0, len(HeaderINAIL)+1)
	for _, h := range HeaderINAIL {
		header = append(header, h)
	}
	if c.comuni != nil {
		header = append(header, "Comune")
	}
	if err := sw.SetRow("A1", header); err != nil {
		return 0, fmt.Errorf("%s: %w", FileINAIL, err)
	}
	for k, in := range sorted {
		p := c.people[in.person]
		h := c.hh[p.hh]
		capNum, _ := strconv.Atoi(h.cap)
		cell, _ := excelize.CoordinatesToCellName(1, k+2)
		vals := []any{p.cf, in.kind, formatDate(in.date), in.severity, in.days, h.address, capNum, formatCoord(h.pt[1]), formatCoord(h.pt[0])}
		if c.comuni != nil {
			vals = append(vals, c.comuneField(h, FileINAIL))
		}
		if err := sw.SetRow(cell, vals); err != nil {
			return 0, fmt.Errorf("%s: %w", FileINAIL, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return 0, fmt.Errorf("%s: %w", FileINAIL, err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Created: fixedDocTime, Modified: fixedDocTime, Creator: "INAIL (dati sintetici Abitare)",
		LastModifiedBy: "abitare demo", Title: "Infortuni e malattie professionali", Language: "it-IT",
	}); err != nil {
		return 0, fmt.Errorf("%s: %w", FileINAIL, err)
	}
	out, err := os.Create(filepath.Join(outDir, FileINAIL))
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", FileINAIL, err)
	}
	if _, err := f.WriteTo(out); err != nil {
		out.Close()
		return 0, fmt.Errorf("write %s: %w", FileINAIL, err)
	}
	if err := out.Close(); err != nil {
		return 0, fmt.Errorf("close %s: %w", FileINAIL, err)
	}
	return len(sorted), nil
}
