package trends

import "fmt"

// Category is an emerging hot spot category. Hot spot categories are 1 to 8
// in the order of ArcGIS's table, cold spot categories their negatives, and
// NoPattern is 0, so -c is the same pattern on the other side.
type Category int8

// The seventeen categories of ArcGIS Pro's Emerging Hot Spot Analysis.
const (
	NoPattern Category = 0

	NewHotSpot          Category = 1
	ConsecutiveHotSpot  Category = 2
	IntensifyingHotSpot Category = 3
	PersistentHotSpot   Category = 4
	DiminishingHotSpot  Category = 5
	SporadicHotSpot     Category = 6
	OscillatingHotSpot  Category = 7
	HistoricalHotSpot   Category = 8

	NewColdSpot          = -NewHotSpot
	ConsecutiveColdSpot  = -ConsecutiveHotSpot
	IntensifyingColdSpot = -IntensifyingHotSpot
	PersistentColdSpot   = -PersistentHotSpot
	DiminishingColdSpot  = -DiminishingHotSpot
	SporadicColdSpot     = -SporadicHotSpot
	OscillatingColdSpot  = -OscillatingHotSpot
	HistoricalColdSpot   = -HistoricalHotSpot
)

// patterns are the kinds of pattern, indexed by |Category|.
var patterns = [...]string{"", "new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic", "oscillating", "historical"}

// patternLabels are ArcGIS's words for the patterns, indexed by |Category|.
var patternLabels = [...]string{"", "New", "Consecutive", "Intensifying", "Persistent", "Diminishing", "Sporadic", "Oscillating", "Historical"}

// Categories returns the seventeen categories: no pattern, the eight hot spot
// categories, then the eight cold spot categories.
func Categories() []Category {
	out := []Category{NoPattern}
	for c := NewHotSpot; c <= HistoricalHotSpot; c++ {
		out = append(out, c)
	}
	for c := NewHotSpot; c <= HistoricalHotSpot; c++ {
		out = append(out, -c)
	}
	return out
}

// Valid reports whether c is one of the seventeen categories.
func (c Category) Valid() bool { return c >= -HistoricalHotSpot && c <= HistoricalHotSpot }

// Hot reports whether c is one of the eight hot spot categories.
func (c Category) Hot() bool { return c > 0 && c.Valid() }

// Cold reports whether c is one of the eight cold spot categories.
func (c Category) Cold() bool { return c < 0 && c.Valid() }

// Key is a stable identifier for files and APIs: "no_pattern",
// "new_hot_spot", …, "historical_cold_spot".
func (c Category) Key() string {
	switch {
	case c == NoPattern:
		return "no_pattern"
	case c.Hot():
		return patterns[c] + "_hot_spot"
	case c.Cold():
		return patterns[-c] + "_cold_spot"
	}
	return fmt.Sprintf("category(%d)", int8(c))
}

// String is ArcGIS's pattern name: "No Pattern Detected", "New Hot Spot", …,
// "Historical Cold Spot".
func (c Category) String() string {
	switch {
	case c == NoPattern:
		return "No Pattern Detected"
	case c.Hot():
		return patternLabels[c] + " Hot Spot"
	case c.Cold():
		return patternLabels[-c] + " Cold Spot"
	}
	return fmt.Sprintf("Category(%d)", int8(c))
}

// ParseCategory is the inverse of Key.
func ParseCategory(key string) (Category, error) {
	for _, c := range Categories() {
		if c.Key() == key {
			return c, nil
		}
	}
	return NoPattern, fmt.Errorf("trends: unknown category %q", key)
}
