package synthetic

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/abitare/abitare/geo/modena"
	"github.com/abitare/abitare/geo/tessellate"
)

func TestTmpStats(t *testing.T) {
	if os.Getenv("TMPSTATS") == "" {
		t.Skip()
	}
	for _, n := range []int{20000, 185000} {
		zones, _ := modena.OMIZones()
		boundary, _ := modena.Boundary()
		secs, _ := tessellate.Sections(zones, n, 1)
		start := time.Now()
		c, err := buildCity(rand.New(rand.NewPCG(1, streamPopulation)), 2025, zones, secs, boundary)
		if err != nil {
			t.Fatal(err)
		}
		el := time.Since(start)
		byBand := map[string][3]int{}
		for _, cv := range c.reg.civics {
			b := zones[c.zoneOf[cv.section]].Band
			x := byBand[b]
			x[0]++
			byBand[b] = x
		}
		occ := make([]int, len(c.reg.civics))
		for _, h := range c.hh {
			occ[h.civic]++
		}
		empty := 0
		for _, o := range occ {
			if o == 0 {
				empty++
			}
		}
		exp := 0
		for _, cv := range c.reg.civics {
			if cv.exp != 0 {
				exp++
			}
		}
		fb := 0
		for _, s := range c.reg.streets {
			if s.dug == dugStradello && s.length == 0 {
				fb++
			}
		}
		t.Logf("n=%d build %s streets %d civics %d exp %d empty %d fallback %d bands %v", n, el, len(c.reg.streets), len(c.reg.civics), exp, empty, fb, byBand)
		for i := 0; i < 10; i++ {
			t.Log(c.reg.address[i*len(c.reg.address)/10])
		}
	}
}

func TestTmpZones(t *testing.T) {
	if os.Getenv("TMPSTATS") == "" {
		t.Skip()
	}
	zones, _ := modena.OMIZones()
	boundary, _ := modena.Boundary()
	secs, _ := tessellate.Sections(zones, 20000, 1)
	c, _ := buildCity(rand.New(rand.NewPCG(1, streamPopulation)), 2025, zones, secs, boundary)
	perZone := map[int]int{}
	for _, s := range c.reg.streets {
		perZone[s.zone]++
	}
	secZ := map[int]int{}
	for _, z := range c.zoneOf {
		secZ[z]++
	}
	for zi, z := range zones {
		if perZone[zi] > 2*secZ[zi]+3 {
			t.Logf("zone %s band %s sections %d streets %d", z.Code, z.Band, secZ[zi], perZone[zi])
		}
	}
}

func TestTmpR3(t *testing.T) {
	if os.Getenv("TMPSTATS") == "" {
		t.Skip()
	}
	zones, _ := modena.OMIZones()
	boundary, _ := modena.Boundary()
	secs, _ := tessellate.Sections(zones, 20000, 1)
	for _, s := range secs {
		if s.OMIZone == "R3" || s.OMIZone == "D29" {
			b := s.Geometry.Bound()
			t.Logf("%s %s hh %d area %.0f m2 bound %.0fx%.0f m parts %d", s.ID, s.OMIZone, s.Households, tessellate.AreaM2(s.Geometry), (b.Max[0]-b.Min[0])*mPerDegLon, (b.Max[1]-b.Min[1])*mPerDegLat, len(s.Geometry))
		}
	}
	_ = boundary
}
