package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/postgres/testdb"
	"github.com/abitare/abitare/web"
)

// demoFixture is the demo city run once through the commands of make demo (zones to release,
// with one user per role) into a template database. Each test takes a copy of its own
// (demoCity), so the set-up runs once per test binary and no test depends on another's order
// or changes.
type demoFixture struct {
	template *testdb.Template
	dir      string // the generator's files
	people   map[string]*demoPerson
	users    map[auth.Role]testUser
}

var demoBuild struct {
	once    sync.Once
	fixture *demoFixture
	dir     string
}

// demo is one test's copy of the demo city: its database, the CLI and a server on it.
type demo struct {
	db     *testdb.DB
	c      *cli
	dir    string
	people map[string]*demoPerson
	users  map[auth.Role]testUser
	srv    *web.Server
	// anon is the server's address as the public sees it; a user's token makes a request theirs.
	anon string
}

// demoCity gives the test a copy of the demo city and a server on it.
func demoCity(t *testing.T) *demo {
	t.Helper()
	demoBuild.once.Do(func() { demoBuild.fixture = buildDemoFixture(t) })
	fx := demoBuild.fixture
	if fx == nil {
		t.Fatal("the demo city could not be built: see the first test that asked for it")
	}
	db := fx.template.Copy(t)
	d := &demo{db: db, c: newCLI(t, db.URL), dir: fx.dir, people: fx.people, users: fx.users}
	d.srv = openTestServer(t, db.URL)
	anon := httptest.NewServer(d.srv.Handler())
	t.Cleanup(anon.Close)
	d.anon = anon.URL
	return d
}

// as is the server's address with every request sent as the user of role.
func (d *demo) as(t *testing.T, role auth.Role) string {
	ts := httptest.NewServer(asUser(d.srv.Handler(), d.users[role]))
	t.Cleanup(ts.Close)
	return ts.URL
}

func buildDemoFixture(t *testing.T) *demoFixture {
	tp := testdb.NewTemplate(t)
	dir, err := os.MkdirTemp("", "abitare-demo-city-")
	if err != nil {
		tp.Drop()
		t.Fatal(err)
	}
	demoBuild.dir = dir
	built := false
	defer func() {
		if !built {
			tp.Drop()
		}
	}()
	c := newCLI(t, tp.URL)
	start := time.Now()
	step := func(args ...string) {
		t.Helper()
		c.must(args...)
		t.Logf("demo city: abitare %s done at %s", strings.Join(args[:min(2, len(args))], " "), time.Since(start).Round(time.Second))
	}
	step("zones")
	step("demo", "--seed", "7", "--history-years", "2", "--out", dir) // 12 quarters: enough for trends (10)
	step("sections", filepath.Join(dir, "sezioni.geojson"))
	step("addresses", "load", filepath.Join(dir, "stradario_anncsu.csv"))
	step("population", "load", filepath.Join(dir, "anagrafe.csv"))
	for _, f := range demoFiles {
		step("ingest", "--quiet", "--source", f.source, filepath.Join(dir, f.file))
	}
	step("aggregate", "--period", "2025", "--permutations", "199")
	step("trends")
	step("release")
	fx := &demoFixture{template: tp, dir: dir, people: readDemoPeople(t, dir), users: addTestUsers(t, c)}
	built = true
	return fx
}

// dropDemoFixture removes the template and the generator's files once every test has run.
func dropDemoFixture() {
	if demoBuild.fixture != nil {
		demoBuild.fixture.template.Drop()
	}
	if demoBuild.dir != "" {
		_ = os.RemoveAll(demoBuild.dir)
	}
}
