package ingest

import (
	"fmt"
	"strings"
)

// Problem is one reason a file cannot be loaded, located as file:line:field.
type Problem struct {
	File   string
	Line   int    // 1-based line of the record's first character; 0 for the file as a whole
	Field  string // column name, or "" for the whole record
	Reason string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%s:%s", p.File, p.Line, p.Field, p.Reason)
}

// maxListedProblems bounds the report; the count of the rest is still given.
const maxListedProblems = 1000

// RejectedError is returned when any record of a load is bad: nothing was stored.
type RejectedError struct {
	Problems []Problem // at most maxListedProblems
	Total    int       // all problems found
}

func (e *RejectedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "load rejected, nothing stored: %d problem(s)", e.Total)
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	if e.Total > len(e.Problems) {
		fmt.Fprintf(&b, "\n  ... and %d more", e.Total-len(e.Problems))
	}
	return b.String()
}

// problemList collects problems up to the listing bound.
type problemList struct {
	listed []Problem
	total  int
}

func (l *problemList) add(p Problem) {
	l.total++
	if len(l.listed) < maxListedProblems {
		l.listed = append(l.listed, p)
	}
}

func (l *problemList) err() error {
	if l.total == 0 {
		return nil
	}
	return &RejectedError{Problems: l.listed, Total: l.total}
}
