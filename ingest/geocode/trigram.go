package geocode

import "strings"

// trigrams returns the set of trigrams of s as pg_trgm builds them: each word padded with two
// spaces before and one after, lower case, only alphanumerics.
func trigrams(s string) map[string]struct{} {
	set := make(map[string]struct{})
	for _, w := range strings.Fields(strings.ToLower(s)) {
		p := "  " + w + " "
		r := []rune(p)
		for i := 0; i+3 <= len(r); i++ {
			set[string(r[i:i+3])] = struct{}{}
		}
	}
	return set
}

// Similarity is pg_trgm's similarity: shared trigrams over all distinct trigrams.
func Similarity(a, b string) float64 {
	return jaccard(trigrams(a), trigrams(b))
}

func jaccard(ta, tb map[string]struct{}) float64 {
	if len(ta) == 0 || len(tb) == 0 {
		return 0
	}
	shared := 0
	for t := range ta {
		if _, ok := tb[t]; ok {
			shared++
		}
	}
	return float64(shared) / float64(len(ta)+len(tb)-shared)
}
