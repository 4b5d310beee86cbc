package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/abitare/abitare/audit"
	"github.com/abitare/abitare/auth"
	"github.com/abitare/abitare/postgres"
)

const usersUsage = `abitare users: manage accounts and API tokens

  abitare users list
  abitare users add NAME ROLE          (password from ABITARE_PASSWORD or the first line of stdin)
  abitare users role NAME ROLE
  abitare users password NAME          (password as for add)
  abitare users disable NAME | enable NAME
  abitare users tokens
  abitare users token NAME LABEL [DAYS]  (prints the token once; default 90 days)
  abitare users revoke TOKEN_ID

Roles: planner, housing_office, linkage_officer, administrator.`

func runUsers(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("users")
	fs.Usage = func() { fmt.Fprintln(env.stderr, usersUsage) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	args = fs.Args()
	if len(args) == 0 {
		fs.Usage()
		return errors.New("users: say what to do")
	}
	db, err := postgres.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	store := &auth.Store{DB: db}
	cmd, rest := args[0], args[1:]
	want := map[string]int{"list": 0, "add": 2, "role": 2, "password": 1, "disable": 1, "enable": 1, "tokens": 0, "token": 2, "revoke": 1}
	n, ok := want[cmd]
	if !ok || len(rest) < n || (cmd != "token" && len(rest) != n) || len(rest) > 3 {
		fs.Usage()
		return fmt.Errorf("users %s: wrong arguments", strings.Join(args, " "))
	}
	if err := usersCommand(ctx, env, store, cmd, rest); err != nil {
		return err
	}
	if cmd != "list" && cmd != "tokens" {
		// Account changes are on record like data access.
		_, err := audit.Append(ctx, db, audit.Event{Actor: cliActor(), Role: string(auth.Administrator), Action: "users " + cmd, Target: strings.Join(rest, " ")})
		return err
	}
	return nil
}

func usersCommand(ctx context.Context, env *environment, store *auth.Store, cmd string, rest []string) error {
	switch cmd {
	case "list":
		users, err := store.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USER\tROLE\tDISABLED\tCREATED")
		for _, u := range users {
			fmt.Fprintf(tw, "%s\t%s\t%v\t%s\n", u.Username, u.Role, u.Disabled, u.CreatedAt.Format(time.DateOnly))
		}
		return tw.Flush()
	case "add", "role":
		role, err := auth.ParseRole(rest[1])
		if err != nil {
			return err
		}
		if cmd == "role" {
			return store.SetRole(ctx, rest[0], role)
		}
		password, err := readPassword(env)
		if err != nil {
			return err
		}
		u, err := store.AddUser(ctx, rest[0], role, password)
		if err == nil {
			fmt.Fprintf(env.stdout, "user %s added with role %s\n", u.Username, u.Role)
		}
		return err
	case "password":
		password, err := readPassword(env)
		if err != nil {
			return err
		}
		return store.SetPassword(ctx, rest[0], password)
	case "disable", "enable":
		return store.SetDisabled(ctx, rest[0], cmd == "disable")
	case "tokens":
		tokens, err := store.Tokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSER\tLABEL\tEXPIRES\tREVOKED\tLAST USED")
		for _, t := range tokens {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Username, t.Name, t.ExpiresAt.Format(time.DateOnly), dateOr(t.RevokedAt), dateOr(t.LastUsed))
		}
		return tw.Flush()
	case "token":
		lifetime := auth.TokenLifetime
		if len(rest) == 3 {
			days, err := strconv.Atoi(rest[2])
			if err != nil || days < 1 || days > 366 {
				return fmt.Errorf("token lifetime %q: want 1 to 366 days", rest[2])
			}
			lifetime = time.Duration(days) * 24 * time.Hour
		}
		secret, t, err := store.CreateToken(ctx, rest[0], rest[1], lifetime)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "token %d for %s, expires %s; it is shown only now:\n", t.ID, t.Username, t.ExpiresAt.Format(time.DateOnly))
		fmt.Fprintln(env.stdout, secret)
		return nil
	case "revoke":
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil {
			return fmt.Errorf("token id %q is not a number", rest[0])
		}
		return store.RevokeToken(ctx, id)
	}
	return nil
}

func dateOr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.DateOnly)
}

// readPassword takes the password from ABITARE_PASSWORD or the first line of stdin, never
// from the command line, where other users of the machine could read it.
func readPassword(env *environment) (string, error) {
	if p := env.getenv("ABITARE_PASSWORD"); p != "" {
		return p, nil
	}
	var in io.Reader = os.Stdin
	if env.stdin != nil {
		in = env.stdin
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password: set ABITARE_PASSWORD or write it on stdin")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
