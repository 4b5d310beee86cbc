package democity

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// employment draws the employment agency's events: job-seeker registrations at the job centre
// (CPI) among people of working age, more in poorer households and among those on economic
// support (who must register); training; and job placements of some registered people.
func (g *gen) employment() {
	c, rng, r := g.c, g.rng, g.r
	registered, lam := topNBoost(rng, g.volume(KindIscrizioneCPI), func(i int) float64 {
		p := c.people[i]
		age := g.age(i)
		if age < 16 || age > 64 {
			return notEligible
		}
		s := r.work[i]
		switch {
		case age < 18:
			s -= 1.5
		case age < 30:
			s += 0.3
		case age >= 55:
			s -= 0.3
		}
		if g.econ[int(p.hh)] && int(g.referent[p.hh]) == i && age < 60 {
			s += 1.5
		}
		return s
	}, g.personBoost(KindIscrizioneCPI), len(c.people))
	regDate := make([]time.Time, len(registered))
	isRegistered := make(map[int]int, len(registered))
	for k, pi := range registered {
		regDate[k] = g.dateFor(KindIscrizioneCPI, int(c.people[pi].hh), intensity(lam, k))
		isRegistered[pi] = k
	}
	placed := topN(rng, g.volume(KindInserimento), func(k int) float64 {
		if daysLeft(regDate[k]) < 30 {
			return notEligible
		}
		return -0.3 * r.work[registered[k]]
	}, len(registered))
	wasPlaced := make(map[int]bool, len(placed))
	for _, k := range placed {
		wasPlaced[k] = true
		d, _ := after(rng, regDate[k], 14, 240)
		g.workRow(registered[k], KindInserimento, d, "")
	}
	for k, pi := range registered {
		var status string
		u := rng.Float64()
		switch {
		case wasPlaced[k] && u < 0.7, !wasPlaced[k] && u >= 0.92:
			status = "CESSATA"
		case wasPlaced[k], u >= 0.85:
			status = "SOSPESA"
		default:
			status = "ATTIVA"
		}
		g.workRow(pi, KindIscrizioneCPI, regDate[k], status)
	}
	training := topN(rng, g.volume(KindFormazione), func(i int) float64 {
		age := g.age(i)
		if age < 16 || age > 64 {
			return notEligible
		}
		s := r.work[i]
		if _, ok := isRegistered[i]; ok {
			s += 1.5
		}
		if age < 30 {
			s += 0.6
		}
		return s
	}, len(c.people))
	for _, pi := range training {
		date := g.dateFor(KindFormazione, int(c.people[pi].hh), 0)
		if k, ok := isRegistered[pi]; ok {
			if d, ok := after(rng, regDate[k], 0, 120); ok {
				date = d
			} else {
				date = regDate[k]
			}
		}
		g.workRow(pi, KindFormazione, date, "")
	}
}

// workRow adds an employment-agency row: TAB-separated, ISO date, the address as the agency
// typed it, split into street and civic number, no coordinates.
func (g *gen) workRow(pi int, kind string, date time.Time, status string) {
	m := g.messyAddress(pi)
	h := g.c.hh[g.c.people[pi].hh]
	line := strings.Join([]string{g.c.people[pi].cf, kind, date.Format(time.DateOnly), status, m.street, m.civic, h.cap}, "\t")
	if g.c.comuni != nil {
		line += "\t" + g.c.comuneField(h, FileAgenziaLavoro)
	}
	g.ev.work = append(g.ev.work, row{date: date, line: line})
	g.seen[pi] |= inWork
	g.rows[kind]++
}

// messyAddr is a person's address as the employment agency wrote it.
type messyAddr struct {
	street, civic string
	variant       addrVariant
}

type addrVariant uint8

const (
	addrAsRegister addrVariant = iota
	addrAbbreviated
	addrTypo
	addrLowerCase
	addrUnknown
)

// messyAddress writes a person's register address the way an agency clerk might, the same way
// on every row of the person: 60% as in the register, 25% with the street type abbreviated, 10%
// with a typo in the name, 3% in lower case, 2% on a street that is not in the register. Three
// in ten people whose street name has an accented letter have it typed as letter+apostrophe.
func (g *gen) messyAddress(pi int) messyAddr {
	if m, ok := g.messy[pi]; ok {
		return m
	}
	if g.messy == nil {
		g.messy = map[int]messyAddr{}
	}
	rng := g.rng
	cv := g.c.reg.civics[g.c.hh[g.c.people[pi].hh].civic]
	st := g.c.reg.streets[cv.street]
	m := messyAddr{street: st.full(), civic: messyCivic(rng, cv.number, cv.exp)}
	switch u := rng.Float64(); {
	case u < 0.60:
	case u < 0.85:
		m.variant = addrAbbreviated
		sep := " "
		if rng.Float64() < 0.2 {
			sep = ""
		}
		m.street = abbreviate(rng, st.dug) + sep + st.name
	case u < 0.95:
		m.variant = addrTypo
		m.street = st.dug + " " + typo(rng, st.name)
	case u < 0.98:
		m.variant = addrLowerCase
		m.street, m.civic = strings.ToLower(m.street), strings.ToLower(m.civic)
	default:
		m.variant = addrUnknown
		m.street = g.unknownStreet()
		m.civic = strconv.Itoa(1 + rng.IntN(120))
	}
	if m.variant != addrLowerCase && hasAccent(m.street) && rng.Float64() < 0.3 {
		m.street = apostropheAccents(m.street)
	}
	g.messy[pi] = m
	return m
}

// messyCivic writes a civic number with its esponente in one of the styles seen in agency
// files: 12/A, 12 A, 12A; 7 BIS, 7/BIS, 7BIS.
func messyCivic(rng *rand.Rand, n int32, exp uint8) string {
	num := strconv.Itoa(int(n))
	if exp == 0 {
		return num
	}
	e := esponenti[exp]
	u := rng.Float64()
	if len(e) == 1 {
		switch {
		case u < 0.4:
			return num + "/" + e
		case u < 0.65:
			return num + " " + e
		}
		return num + e
	}
	switch {
	case u < 0.5:
		return num + " " + e
	case u < 0.75:
		return num + "/" + e
	}
	return num + e
}

// abbreviate returns a clerk's abbreviation of a street type.
func abbreviate(rng *rand.Rand, dug string) string {
	switch dug {
	case dugVia:
		return "V."
	case dugViale:
		return "V.LE"
	case dugPiazza:
		if rng.Float64() < 0.5 {
			return "P.ZA"
		}
		return "P.ZZA"
	case dugCorso:
		return "C.SO"
	case dugStrada:
		return "STR."
	case dugLargo:
		return "L.GO"
	case dugPiazzale:
		return "P.LE"
	case dugVicolo:
		return "V.LO"
	case dugStradello:
		return "STR.LLO"
	}
	return dug
}

// typo drops one letter of name or swaps two adjacent different letters.
func typo(rng *rand.Rand, name string) string {
	rs := []rune(name)
	var letters []int
	for i, r := range rs {
		if unicode.IsLetter(r) {
			letters = append(letters, i)
		}
	}
	if len(letters) < 3 {
		return name + "I"
	}
	for try := 0; try < 20; try++ {
		i := letters[1+rng.IntN(len(letters)-1)] // keep the first letter
		if rng.Float64() < 0.5 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]) && rs[i] != rs[i+1] {
			out := append([]rune(nil), rs...)
			out[i], out[i+1] = out[i+1], out[i]
			return string(out)
		}
		out := append(append([]rune(nil), rs[:i]...), rs[i+1:]...)
		if string(out) != name {
			return string(out)
		}
	}
	return name + "I"
}

// unknownStreet returns a street name that is not in the register.
func (g *gen) unknownStreet() string {
	if g.streetNames == nil {
		g.streetNames = make(map[string]bool, len(g.c.reg.streets))
		for _, s := range g.c.reg.streets {
			g.streetNames[s.full()] = true
		}
	}
	for {
		name := dugVia + " " + pick(g.rng, streetFirstNames) + " " + pick(g.rng, unknownSurnames)
		if !g.streetNames[name] {
			return name
		}
	}
}

// unknownSurnames name streets of other towns, which residents sometimes give by mistake.
var unknownSurnames = strings.Fields(`BARACCA ROMAGNOSI BECCARIA FILZI SAURO BATTISTI OBERDAN
	NIEVO PARINI ALFIERI GOLDONI METASTASIO`)

func hasAccent(s string) bool {
	return strings.ContainsAny(s, "ÀÈÉÌÒÙàèéìòù")
}

// apostropheAccents writes accented vowels as the vowel and an apostrophe, as old systems do.
func apostropheAccents(s string) string {
	return strings.NewReplacer("À", "A'", "È", "E'", "É", "E'", "Ì", "I'", "Ò", "O'", "Ù", "U'").Replace(s)
}
