package abitare

import (
	"errors"
	"fmt"
)

// Kind is the kind of an error, which decides how the API answers it (web: the HTTP status and
// the "code" of {"error": ..., "code": ...}). A Kind is itself an error, so that a package can
// wrap it: fmt.Errorf("%w: no area %s", abitare.NotFound, id).
type Kind string

// The kinds of error.
const (
	Invalid         Kind = "invalid"           // the request is malformed or names nothing known
	Unauthorized    Kind = "unauthorized"      // no valid credentials
	Forbidden       Kind = "forbidden"         // credentials without the permission
	NotFound        Kind = "not_found"         // nothing there
	Conflict        Kind = "conflict"          // the state forbids it (e.g. a file already loaded)
	TooManyRequests Kind = "too_many_requests" // rate limited
	Unavailable     Kind = "unavailable"       // a dependency (the database) is down
	Internal        Kind = "internal"          // a bug or an unexpected failure: details are logged, not shown
)

func (k Kind) Error() string { return string(k) }

// Error is an error of a known kind with a message for the user.
type Error struct {
	Kind    Kind
	Message string
}

func (e *Error) Error() string { return e.Message }

// Is makes errors.Is(err, abitare.NotFound) true for an *Error of that kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Errorf builds an error of a kind.
func Errorf(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of an error: that of the first *Error or Kind it wraps, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var k Kind
	if errors.As(err, &k) {
		return k
	}
	return Internal
}

// MessageOf is what a user may be told of an error: its message, except for an internal
// error, whose details stay in the log.
func MessageOf(err error) string {
	if KindOf(err) == Internal {
		return "internal error"
	}
	return err.Error()
}
