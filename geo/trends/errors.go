package trends

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error the package returns matches one of them with
// errors.Is; the typed errors carry the details.
var (
	// ErrTooShort: the series has fewer time steps than the function needs
	// (*TooShortError).
	ErrTooShort = errors.New("trends: series too short")
	// ErrInvalidValue: a value is NaN, infinite, or a p-value outside [0, 1]
	// (*ValueError).
	ErrInvalidValue = errors.New("trends: invalid value")
	// ErrLengthMismatch: the z-scores and p-values of a series differ in
	// length.
	ErrLengthMismatch = errors.New("trends: z-scores and p-values differ in length")
	// ErrInvalidOption: a significance level is not in (0, 1).
	ErrInvalidOption = errors.New("trends: invalid option")
)

// TooShortError reports a series with fewer than Min time steps.
type TooShortError struct {
	N   int // length of the series
	Min int // the least length accepted
}

func (e *TooShortError) Error() string {
	return fmt.Sprintf("trends: series of %d time steps is too short (at least %d needed)", e.N, e.Min)
}

// Is makes errors.Is(err, ErrTooShort) true.
func (e *TooShortError) Is(target error) bool { return target == ErrTooShort }

// ValueError reports the first invalid value of a series.
type ValueError struct {
	Series string  // "x", "z" or "p"
	Index  int     // position in the series, from 0
	Value  float64 // the value rejected
	Reason string  // why, e.g. "not finite"
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("trends: %s[%d] = %v is %s", e.Series, e.Index, e.Value, e.Reason)
}

// Is makes errors.Is(err, ErrInvalidValue) true.
func (e *ValueError) Is(target error) bool { return target == ErrInvalidValue }
