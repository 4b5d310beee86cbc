package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/abitare/abitare/migrations/testdb"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h, "horse") {
		t.Fatalf("hash %q", h)
	}
	again, _ := HashPassword("correct horse battery")
	if again == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		if ok, err := CheckPassword(h, pw); err != nil || ok != want {
			t.Errorf("CheckPassword(%q) = %v, %v", pw, ok, err)
		}
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("short password accepted")
	}
	if _, err := CheckPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Error("foreign hash accepted")
	}
}

func TestPermissions(t *testing.T) {
	want := map[Role][]Permission{
		Public:         {ReadPublished},
		Planner:        {ReadPublished, ReadAggregates},
		HousingOffice:  {ReadPublished, ReadAggregates, ReadPeople},
		LinkageOfficer: {ReadPublished, ManageLinkage},
		Administrator:  {ReadPublished, Administer},
	}
	all := []Permission{ReadPublished, ReadAggregates, ReadPeople, ManageLinkage, Administer}
	for role, perms := range want {
		for _, p := range all {
			has := false
			for _, q := range perms {
				has = has || q == p
			}
			if role.Can(p) != has {
				t.Errorf("%s can %q: %v, want %v", role, p, role.Can(p), has)
			}
		}
	}
	if _, err := ParseRole("public"); err == nil {
		t.Error("public accepted as a user's role")
	}
}

func TestStoreLoginTokensAndSessions(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	s := &Store{DB: db.Pool}
	if _, err := s.AddUser(ctx, "Pia", Planner, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddUser(ctx, "pia", Planner, "a long enough password"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate user: %v", err)
	}
	if _, err := s.AddUser(ctx, "bad name!", Planner, "a long enough password"); err == nil {
		t.Fatal("bad user name accepted")
	}
	if _, _, err := s.Login(ctx, "pia", "wrong password here"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, _, err := s.Login(ctx, "nobody", "a long enough password"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unknown user: %v", err)
	}
	u, session, err := s.Login(ctx, "PIA", "a long enough password")
	if err != nil || u.Role != Planner {
		t.Fatalf("login: %+v %v", u, err)
	}
	var stored int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE id_hash = sha256($1::text::bytea)`, session).Scan(&stored); err != nil || stored != 1 {
		t.Fatalf("session not stored as its SHA-256: %d %v", stored, err)
	}
	if got, err := s.Session(ctx, session); err != nil || got.Username != "pia" {
		t.Fatalf("session: %+v %v", got, err)
	}
	token, _, err := s.CreateToken(ctx, "pia", "script", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.TokenUser(ctx, token); err != nil || got.Role != Planner {
		t.Fatalf("token: %+v %v", got, err)
	}
	// A role change applies at once: sessions end; tokens carry the new role.
	if err := s.SetRole(ctx, "pia", HousingOffice); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, session); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("session survived a role change: %v", err)
	}
	if got, _ := s.TokenUser(ctx, token); got.Role != HousingOffice {
		t.Fatalf("token role %s after the change", got.Role)
	}
	tokens, _ := s.Tokens(ctx)
	if len(tokens) != 1 || tokens[0].LastUsed == nil {
		t.Fatalf("tokens %+v", tokens)
	}
	if err := s.RevokeToken(ctx, tokens[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenUser(ctx, token); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("revoked token works: %v", err)
	}
	if err := s.SetDisabled(ctx, "pia", true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Login(ctx, "pia", "a long enough password"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("disabled user logged in: %v", err)
	}
}

func TestThrottle(t *testing.T) {
	th := NewThrottle()
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		if th.Locked("pia", start) {
			t.Fatalf("locked after %d failures", i)
		}
		th.Failed("pia", start.Add(time.Duration(i)*time.Minute))
	}
	if !th.Locked("pia", start.Add(5*time.Minute)) {
		t.Fatal("not locked after 5 failures")
	}
	if th.Locked("ada", start.Add(5*time.Minute)) {
		t.Fatal("another user is locked too")
	}
	if th.Locked("pia", start.Add(16*time.Minute)) {
		t.Fatal("still locked after the window: only the oldest failure has expired, 4 remain")
	}
	th.Succeeded("pia")
	if th.Locked("pia", start.Add(5*time.Minute)) {
		t.Fatal("locked after a success")
	}
}

func TestCredentialCache(t *testing.T) {
	var c credentialCache
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	u := User{ID: 7, Username: "pia", Role: Planner}
	if _, ok := c.get([]byte("h"), now); ok {
		t.Fatal("empty cache answered")
	}
	c.put([]byte("h"), u, now)
	if got, ok := c.get([]byte("h"), now.Add(CacheTTL-time.Second)); !ok || got != u {
		t.Fatalf("cached user: %+v %v", got, ok)
	}
	if _, ok := c.get([]byte("h"), now.Add(CacheTTL+time.Second)); ok {
		t.Fatal("entry outlived its TTL")
	}
	c.forget([]byte("h"))
	if _, ok := c.get([]byte("h"), now); ok {
		t.Fatal("forgotten entry answered")
	}
	for i := range maxCached + 5 {
		c.put([]byte{byte(i), byte(i >> 8), byte(i >> 16)}, u, now)
	}
	if len(c.entries) > maxCached {
		t.Fatalf("cache grew to %d entries", len(c.entries))
	}
	c.clear()
	if _, ok := c.get([]byte{1, 0, 0}, now); ok {
		t.Fatal("cleared entry answered")
	}
}
