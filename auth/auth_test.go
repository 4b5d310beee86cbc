package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/abitare/abitare/postgres/testdb"
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

func TestThrottleReservesBeforeChecking(t *testing.T) {
	th := NewThrottle()
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	// Forty wrong passwords for one account at once: five get a try.
	var wg sync.WaitGroup
	var mu sync.Mutex
	tries := 0
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r, ok := th.Reserve("pia", "10.0.0.1", now); ok {
				r.Failed()
				mu.Lock()
				tries++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if tries != th.MaxPerAccount {
		t.Fatalf("%d of 40 simultaneous tries went through, want %d", tries, th.MaxPerAccount)
	}
	// Another address may still log in to the account: a stranger cannot lock pia out.
	r, ok := th.Reserve("pia", "10.0.0.2", now)
	if !ok {
		t.Fatal("pia locked out from another address")
	}
	r.Succeeded()
	// The window passes: tries again.
	if _, ok := th.Reserve("pia", "10.0.0.1", now.Add(th.Window)); !ok {
		t.Fatal("still locked after the window")
	}
}

func TestThrottleSuccessGivesBack(t *testing.T) {
	th := NewThrottle()
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range 20 {
		r, ok := th.Reserve("ada", "10.0.0.1", now.Add(time.Duration(i)*time.Second))
		if !ok {
			t.Fatalf("successful login %d refused", i)
		}
		r.Succeeded()
	}
}

func TestThrottleLimitsSprayingAndAccountWideGuessing(t *testing.T) {
	th := NewThrottle()
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range th.MaxPerClient {
		if _, ok := th.Reserve(fmt.Sprintf("user%d", i), "10.0.0.9", now); !ok {
			t.Fatalf("try %d refused", i)
		}
	}
	if _, ok := th.Reserve("someone-else", "10.0.0.9", now); ok {
		t.Fatal("one address sprayed past its limit")
	}
	for i := range th.MaxPerAccountAll {
		if _, ok := th.Reserve("ugo", fmt.Sprintf("10.1.%d.%d", i/200, i%200), now); !ok {
			t.Fatalf("distributed try %d refused", i)
		}
	}
	if _, ok := th.Reserve("ugo", "10.2.0.1", now); ok {
		t.Fatal("guessing one account from many addresses is unlimited")
	}
}

func TestThrottleMemoryIsBounded(t *testing.T) {
	th := NewThrottle()
	th.MaxKeys = 1000
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range 20_000 {
		th.Reserve(fmt.Sprintf("u%d", i), fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), now)
		if th.Keys() > th.MaxKeys {
			t.Fatalf("%d keys after %d attempts", th.Keys(), i)
		}
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
