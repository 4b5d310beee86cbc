package democity

import (
	"fmt"
	"math"
	"strings"
)

// Temporary health codes: "STP" (straniero temporaneamente presente, non-EU) or "ENI" (europeo
// non iscritto, EU), then the region (080 Emilia-Romagna), the health authority (113 AUSL di
// Modena) and a 7-digit progressive: 16 characters like a fiscal code.
const (
	temporaryRegion    = "080"
	temporaryAuthority = "113"
)

// temporaryPerson is someone the health authority knows only by an STP or ENI code.
type temporaryPerson struct {
	code     string
	resident int // person index, or -1 for people in no other file
	hh       int // household whose address the person has
}

// healthKinds are the health kinds in file order, with the shares of the rows under temporary
// codes.
var healthKinds = []struct {
	kind           string
	temporaryShare float64
	pDischarge     float64
}{
	{KindCronicita, 0.35, 0.10},
	{KindDisabilita, 0.20, 0},
	{KindSaluteMentale, 0.25, 0.35},
	{KindDipendenze, 0.20, 0.30},
}

// temporaryCodes chooses the people the health authority knows by temporary codes, the same in
// every year: foreign residents already seen in other files (adults in every year of the
// files), and people in no other file.
func (g *gen) temporaryCodes() {
	c, rng, r := g.c, g.rng, g.r
	history := g.last - g.year
	nTemp := scaledVolume(BaseTemporaryPersons, g.residents)
	nNonRes := scaledVolume(BaseTemporaryNonResidents, g.residents)
	nRes := max(0, nTemp-nNonRes)
	nENI := int(math.Round(temporaryENIShare * float64(nRes)))
	foreignAdult := func(cit citizenship) func(int) float64 {
		return func(i int) float64 {
			p := c.people[i]
			if c.hh[p.hh].cit != cit || int(p.age)-history < 18 || p.age > 64 || g.seen[i] == 0 {
				return notEligible
			}
			return r.latent[p.hh]
		}
	}
	eniRes := topN(rng, nENI, foreignAdult(ue), len(c.people))
	stpRes := topN(rng, nRes-len(eniRes), foreignAdult(nonUE), len(c.people))
	used := map[string]bool{}
	code := func(prefix string) string {
		for {
			s := fmt.Sprintf("%s%s%s%07d", prefix, temporaryRegion, temporaryAuthority, 1+rng.IntN(9999999))
			if !used[s] {
				used[s] = true
				return s
			}
		}
	}
	g.temporary = map[int]bool{}
	for _, pi := range stpRes {
		g.ev.temporary = append(g.ev.temporary, temporaryPerson{code: code("STP"), resident: pi, hh: int(c.people[pi].hh)})
		g.temporary[pi] = true
	}
	for _, pi := range eniRes {
		g.ev.temporary = append(g.ev.temporary, temporaryPerson{code: code("ENI"), resident: pi, hh: int(c.people[pi].hh)})
		g.temporary[pi] = true
	}
	// people in no other file stay with households of the most vulnerable places
	hosts := topN(rng, nNonRes, func(i int) float64 {
		if c.hh[i].cit == italiana {
			return notEligible
		}
		return r.latent[i]
	}, len(c.hh))
	nENINonRes := int(math.Round(temporaryENIShare * float64(len(hosts))))
	for k, hi := range hosts {
		prefix := "STP"
		if k < nENINonRes {
			prefix = "ENI"
		}
		g.ev.temporary = append(g.ev.temporary, temporaryPerson{code: code(prefix), resident: -1, hh: hi})
	}
}

// healthAuthority draws the health authority's records of the year: first the rows of the
// people with temporary codes, then residents by fiscal code up to each kind's volume.
func (g *gen) healthAuthority() {
	c, rng, r := g.c, g.rng, g.r
	tempRows := map[string]int{}
	for _, tp := range g.ev.temporary {
		first := g.drawHealthKind(-1)
		g.healthRow(tp.code, -1, tp.hh, healthKinds[first].kind, healthKinds[first].pDischarge, 0)
		tempRows[healthKinds[first].kind]++
		if rng.Float64() < temporarySecondRow {
			second := g.drawHealthKind(first)
			g.healthRow(tp.code, -1, tp.hh, healthKinds[second].kind, healthKinds[second].pDischarge, 0)
			tempRows[healthKinds[second].kind]++
		}
	}
	for _, hk := range healthKinds {
		kind := hk.kind
		sel, lam := topNBoost(rng, max(0, g.volume(kind)-tempRows[kind]), func(i int) float64 {
			age := g.age(i)
			if g.temporary[i] || age < 0 {
				return notEligible
			}
			return r.health[i] + healthAge(kind, age, c.people[i].female)
		}, g.personBoost(kind), len(c.people))
		for k, pi := range sel {
			p := c.people[pi]
			g.healthRow(p.cf, pi, int(p.hh), kind, hk.pDischarge, intensity(lam, k))
		}
	}
}

// drawHealthKind draws a kind index by the temporary shares, other than not.
func (g *gen) drawHealthKind(not int) int {
	for {
		u := g.rng.Float64()
		k := len(healthKinds) - 1
		for i, hk := range healthKinds {
			if u < hk.temporaryShare {
				k = i
				break
			}
			u -= hk.temporaryShare
		}
		if k != not {
			return k
		}
	}
}

// healthRow adds a health-authority row; pi is the person's index when id is a fiscal code, lambda
// the person's intensity in the year's selection (0 for none).
func (g *gen) healthRow(id string, pi, hi int, kind string, pDischarge, lambda float64) {
	start := g.dateFor(kind, hi, lambda)
	end := ""
	if g.rng.Float64() < pDischarge {
		if d, ok := after(g.rng, start, 30, 300); ok {
			end = formatDate(d)
		}
	}
	var b strings.Builder
	join(&b, id, kind, formatDate(start), end, g.rowResidence(hi, start, FileAUSL))
	g.ev.health = append(g.ev.health, row{date: start, line: b.String()})
	if pi >= 0 {
		g.seen[pi] |= inHealth
	}
	g.rows[kind]++
}

// isTemporaryCode reports whether id has the form of an STP or ENI code.
func isTemporaryCode(id string) bool {
	if len(id) != 16 || (id[:3] != "STP" && id[:3] != "ENI") || id[3:9] != temporaryRegion+temporaryAuthority {
		return false
	}
	for i := 9; i < 16; i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}
