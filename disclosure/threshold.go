package disclosure

import "fmt"

// Withheld reports whether a true count may not be shown to the restricted roles: from 1 to
// threshold-1 it is withheld; zero and counts of at least the threshold are shown. This is the
// small-count rule.
func Withheld(count, threshold int) bool { return count > 0 && count < threshold }

// PublishedCountSQL is the small-count rule in SQL: the expression of the SQL integer count as
// the restricted roles may see it, the count itself, or NULL when Withheld. threshold is an SQL
// integer expression too (a literal or a parameter such as "$1"). It calls published_count,
// the rule's SQL function (migration 00008), which TestPublishedCountSQLIsWithheld checks
// against Withheld.
func PublishedCountSQL(count, threshold string) string {
	return fmt.Sprintf("published_count(%s, %s)", count, threshold)
}
