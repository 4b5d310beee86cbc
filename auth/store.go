package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrBadCredentials is returned for an unknown user, a wrong password, a disabled account or
// an unknown, expired or revoked token or session; callers do not say which.
var ErrBadCredentials = errors.New("invalid credentials")

// Lifetimes of sessions and tokens.
const (
	SessionLifetime    = 8 * time.Hour
	SessionIdleTimeout = 30 * time.Minute // a session unused this long has ended
	TokenLifetime      = 90 * 24 * time.Hour
)

// User is an account.
type User struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	Role      Role      `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	// tokenID is the API token a request was identified by (0 for a session).
	tokenID int64
}

// TokenID is the API token the user was identified by, 0 for a session.
func (u User) TokenID() int64 { return u.tokenID }

// Token describes an API token, never its secret.
type Token struct {
	ID        int64      `json:"id"`
	Username  string     `json:"username"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	LastUsed  *time.Time `json:"last_used_at"`
}

// Store keeps users, tokens and sessions in the database; it runs as the server's own user,
// since it must read credentials before any role is known.
type Store struct {
	DB    *pgxpool.Pool
	cache credentialCache
}

// AddUser creates a user with a password.
func (s *Store) AddUser(ctx context.Context, username string, role Role, password string) (User, error) {
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, err
	}
	u := User{Username: strings.ToLower(username), Role: role}
	err = s.DB.QueryRow(ctx, `INSERT INTO users (username, role, password_hash) VALUES ($1, $2, $3) RETURNING id, created_at`,
		u.Username, string(role), hash).Scan(&u.ID, &u.CreatedAt)
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "23505":
		return User{}, fmt.Errorf("user %q already exists", u.Username)
	case errors.As(err, &pgErr) && pgErr.Code == "23514":
		return User{}, fmt.Errorf("user name %q: use 2 to 64 lower-case letters, digits, dots, dashes or underscores", username)
	case err != nil:
		return User{}, fmt.Errorf("add user: %w", err)
	}
	return u, nil
}

// Users lists the accounts.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, username, role, disabled, created_at FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) {
		var u User
		return u, r.Scan(&u.ID, &u.Username, &u.Role, &u.Disabled, &u.CreatedAt)
	})
}

// SetRole changes a user's role; the user's sessions end, so that the change applies at once.
func (s *Store) SetRole(ctx context.Context, username string, role Role) error {
	return s.update(ctx, username, `UPDATE users SET role = $2 WHERE username = $1 RETURNING id`, string(role))
}

// SetPassword replaces a user's password and ends the user's sessions.
func (s *Store) SetPassword(ctx context.Context, username, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.update(ctx, username, `UPDATE users SET password_hash = $2 WHERE username = $1 RETURNING id`, hash)
}

// SetDisabled disables or re-enables a user; disabling ends sessions and stops tokens.
func (s *Store) SetDisabled(ctx context.Context, username string, disabled bool) error {
	return s.update(ctx, username, `UPDATE users SET disabled = $2 WHERE username = $1 RETURNING id`, disabled)
}

func (s *Store) update(ctx context.Context, username, sql string, arg any) error {
	defer s.cache.clear()
	return pgx.BeginFunc(ctx, s.DB, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, sql, username, arg).Scan(&id); errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("no user %q", username)
		} else if err != nil {
			return fmt.Errorf("update user %q: %w", username, err)
		}
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
		return err
	})
}

// Login checks a password and opens a session, returning its secret for the cookie.
func (s *Store) Login(ctx context.Context, username, password string) (User, string, error) {
	var u User
	var hash string
	err := s.DB.QueryRow(ctx, `SELECT id, username, role, disabled, created_at, password_hash FROM users WHERE username = $1`,
		strings.ToLower(username)).Scan(&u.ID, &u.Username, &u.Role, &u.Disabled, &u.CreatedAt, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		// Spend the same time as a real check, so that timing does not reveal user names.
		_, _ = CheckPassword(dummyHash, password)
		return User{}, "", ErrBadCredentials
	} else if err != nil {
		return User{}, "", fmt.Errorf("look up user: %w", err)
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return User{}, "", fmt.Errorf("user %q: %w", u.Username, err)
	}
	if !ok || u.Disabled {
		return User{}, "", ErrBadCredentials
	}
	secret, idHash, err := newSecret("abs_")
	if err != nil {
		return User{}, "", err
	}
	if _, err := s.DB.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, expires_at) VALUES ($1, $2, now() + $3::interval)`,
		idHash, u.ID, SessionLifetime.String()); err != nil {
		return User{}, "", fmt.Errorf("open session: %w", err)
	}
	_, _ = s.DB.Exec(ctx, `DELETE FROM sessions WHERE expires_at < now() OR last_seen_at < now() - $1::interval`,
		SessionIdleTimeout.String())
	return u, secret, nil
}

var dummyHash, _ = HashPassword("not a real password, for timing")

// Session returns the user of a live session: neither expired nor idle for SessionIdleTimeout.
// Its use is recorded (at most once per CacheTTL, since lookups are cached).
func (s *Store) Session(ctx context.Context, secret string) (User, error) {
	return s.lookup(ctx, `UPDATE sessions s SET last_seen_at = now() FROM users u
		WHERE u.id = s.user_id AND s.id_hash = $1 AND s.expires_at > now()
		  AND s.last_seen_at > now() - '`+SessionIdleTimeout.String()+`'::interval AND NOT u.disabled
		RETURNING u.id, u.username, u.role, u.disabled, u.created_at, 0::bigint`, secret)
}

// LogoutEverywhere ends every session of the user whose session this is.
func (s *Store) LogoutEverywhere(ctx context.Context, secret string) error {
	defer s.cache.clear()
	_, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE user_id = (SELECT user_id FROM sessions WHERE id_hash = $1)`, hashSecret(secret))
	if err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	return nil
}

// Logout ends a session.
func (s *Store) Logout(ctx context.Context, secret string) error {
	s.cache.forget(hashSecret(secret))
	_, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hashSecret(secret))
	return err
}

// CreateToken issues an API token for a user and returns its secret, shown once.
func (s *Store) CreateToken(ctx context.Context, username, name string, lifetime time.Duration) (string, Token, error) {
	secret, hash, err := newSecret("abt_")
	if err != nil {
		return "", Token{}, err
	}
	t := Token{Username: username, Name: name}
	err = s.DB.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, expires_at)
		SELECT id, $2, $3, now() + $4::interval FROM users WHERE username = $1
		RETURNING id, created_at, expires_at`, username, name, hash, lifetime.String()).Scan(&t.ID, &t.CreatedAt, &t.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", Token{}, fmt.Errorf("no user %q", username)
	} else if err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	return secret, t, nil
}

// Tokens lists the tokens of every user.
func (s *Store) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := s.DB.Query(ctx, `SELECT t.id, u.username, t.name, t.created_at, t.expires_at, t.revoked_at, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY u.username, t.id`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) {
		var t Token
		return t, r.Scan(&t.ID, &t.Username, &t.Name, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt, &t.LastUsed)
	})
}

// RevokeToken stops a token from working.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	defer s.cache.clear()
	tag, err := s.DB.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, id)
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("no live token %d", id)
	}
	return nil
}

// TokenUser returns the user of a live token and records its use.
func (s *Store) TokenUser(ctx context.Context, secret string) (User, error) {
	return s.lookup(ctx, `UPDATE api_tokens t SET last_used_at = now() FROM users u
		WHERE u.id = t.user_id AND t.token_hash = $1 AND t.expires_at > now() AND t.revoked_at IS NULL AND NOT u.disabled
		RETURNING u.id, u.username, u.role, u.disabled, u.created_at, t.id`, secret)
}

// lookup finds the user of a secret, from the cache when it was verified in the last CacheTTL.
func (s *Store) lookup(ctx context.Context, sql, secret string) (User, error) {
	hash := hashSecret(secret)
	now := time.Now()
	if u, ok := s.cache.get(hash, now); ok {
		return u, nil
	}
	var u User
	err := s.DB.QueryRow(ctx, sql, hash).Scan(&u.ID, &u.Username, &u.Role, &u.Disabled, &u.CreatedAt, &u.tokenID)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("look up credentials: %w", err)
	}
	s.cache.put(hash, u, now)
	return u, nil
}
