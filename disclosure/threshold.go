package disclosure

// Withheld reports whether a true count may not be shown to the restricted roles: from 1 to
// threshold-1 it is withheld; zero and counts of at least the threshold are shown. This is the
// small-count rule; its SQL twin is published_count (migration 00008), which the tiles use.
func Withheld(count, threshold int) bool { return count > 0 && count < threshold }
