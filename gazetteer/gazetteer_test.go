package gazetteer

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// publicConn connects to the demo city's database (DATABASE_URL) as the public role, the role
// the server and abitare publish build the gazetteer with.
func publicConn(t *testing.T) *pgx.Conn {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		t.Skip("DATABASE_URL not set")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	var points int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM address_points`).Scan(&points); err != nil || points == 0 {
		t.Skipf("no address register in the database (%v)", err)
	}
	if _, err := conn.Exec(ctx, `SET ROLE abitare_public`); err != nil {
		t.Fatal(err)
	}
	return conn
}

func TestBuildFromTheDemoCity(t *testing.T) {
	conn := publicConn(t)
	ctx := context.Background()
	g, err := Build(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	var streets, numbers, zones, sections, comuni int
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM (SELECT DISTINCT municipality_code, street_key FROM address_points) s),
		(SELECT count(*) FROM address_points), (SELECT count(*) FROM omi_zones), (SELECT count(*) FROM census_sections),
		(SELECT count(*) FROM municipalities)`).
		Scan(&streets, &numbers, &zones, &sections, &comuni); err != nil {
		t.Fatal(err)
	}
	if len(g.Municipalities) != comuni || (comuni == 1 && g.Streets[0].Municipality != "") {
		t.Fatalf("%d municipalities (the database has %d); a street of a one-comune territory names its comune %q", len(g.Municipalities), comuni, g.Streets[0].Municipality)
	}
	n := 0
	for _, s := range g.Streets {
		n += len(s.Numbers)
	}
	if len(g.Streets) != streets || n != numbers || len(g.Zones) != zones || len(g.Sections) != sections {
		t.Fatalf("%d streets, %d numbers, %d zones, %d sections; the database has %d, %d, %d, %d",
			len(g.Streets), n, len(g.Zones), len(g.Sections), streets, numbers, zones, sections)
	}
	if !slices.IsSortedFunc(g.Streets, func(a, b Street) int { return strings.Compare(a.Name, b.Name) }) ||
		!slices.IsSortedFunc(g.Zones, func(a, b Place) int { return strings.Compare(a.ID, b.ID) }) ||
		!slices.IsSortedFunc(g.Sections, func(a, b Place) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("not sorted by name and id")
	}
	for _, z := range g.Zones {
		if z.Name == "" || !inside(z.Center, z.BBox) {
			t.Errorf("zone %+v: no name, or its center outside its box", z)
		}
	}
	checkKnownAddress(t, conn, g)
	again, err := Build(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(g)
	b, _ := json.Marshal(again)
	if !bytes.Equal(a, b) {
		t.Error("two builds differ")
	}
	for _, word := range []string{"resident", "person", "beneficiar", "fiscal"} {
		if bytes.Contains(bytes.ToLower(a), []byte(word)) {
			t.Errorf("the gazetteer mentions %q", word)
		}
	}
}

// checkKnownAddress: an address taken from the register is in the gazetteer under its street,
// at a point inside the box of the census section that holds it.
func checkKnownAddress(t *testing.T, conn *pgx.Conn, g *Gazetteer) {
	ctx := context.Background()
	var street, label, section string
	if err := conn.QueryRow(ctx, `SELECT s.street_type || ' ' || s.name,
			p.house_number || CASE WHEN p.suffix = '' THEN '' ELSE '/' || p.suffix END, c.id
		FROM address_points p JOIN streets s USING (municipality_code, street_key)
		JOIN census_sections c ON ST_Contains(c.geom, p.geom)
		WHERE p.suffix <> '' ORDER BY p.street_key, p.house_number LIMIT 1`).Scan(&street, &label, &section); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(g.Sections, func(p Place) bool { return p.ID == section })
	if i < 0 {
		t.Fatalf("section %s not in the gazetteer", section)
	}
	for _, s := range g.Streets {
		if s.Name != street {
			continue
		}
		for _, n := range s.Numbers {
			if n.Label == label {
				if !inside([2]float64{n.Lon, n.Lat}, g.Sections[i].BBox) {
					t.Fatalf("%s %s at %v, outside its section %s's box %v", street, label, n, section, g.Sections[i].BBox)
				}
				b, _ := json.Marshal(n)
				var back Number
				if err := json.Unmarshal(b, &back); err != nil || back != n {
					t.Fatalf("%s read back as %+v (%v)", b, back, err)
				}
				return
			}
		}
	}
	t.Fatalf("%s %s not in the gazetteer", street, label)
}

func inside(p [2]float64, box [4]float64) bool {
	return p[0] >= box[0] && p[0] <= box[2] && p[1] >= box[1] && p[1] <= box[3]
}
