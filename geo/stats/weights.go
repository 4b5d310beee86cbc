package stats

import (
	"fmt"
	"math"
	"slices"

	"github.com/uber/h3-go/v4"
)

// Weights are row-standardised spatial weights stored as neighbour lists: area i's neighbours
// are Neighbors[i], each with weight 1/len(Neighbors[i]). Lists hold indices into the same
// input order, without the area itself and without repeats. An area with an empty list is
// isolated. Areas with no residents are not areas here: they are left out of the input when
// the weights are built, never kept with a value of zero.
type Weights struct {
	Neighbors [][]int
}

// N returns the number of areas.
func (w Weights) N() int { return len(w.Neighbors) }

// Cardinality returns the number of neighbours of area i.
func (w Weights) Cardinality(i int) int { return len(w.Neighbors[i]) }

// Isolated returns the indices of the areas without neighbours, ascending.
func (w Weights) Isolated() []int {
	var out []int
	for i, nb := range w.Neighbors {
		if len(nb) == 0 {
			out = append(out, i)
		}
	}
	return out
}

// Lag returns the row-standardised spatial lag of v: the mean of v over each area's neighbours
// (NaN for an isolated area). It panics if len(v) != w.N().
func (w Weights) Lag(v []float64) []float64 {
	if len(v) != w.N() {
		panic("stats: Lag: length mismatch")
	}
	out := make([]float64, len(v))
	for i, nb := range w.Neighbors {
		out[i] = neighbourMean(v, nb)
	}
	return out
}

// neighbourMean is the mean of v over the indices nb (NaN when nb is empty).
func neighbourMean(v []float64, nb []int) float64 {
	if len(nb) == 0 {
		return math.NaN()
	}
	var s float64
	for _, j := range nb {
		s += v[j]
	}
	return s / float64(len(nb))
}

// Validate reports the first neighbour list that refers outside [0, N), to the area itself, or
// to the same neighbour twice.
func (w Weights) Validate() error {
	n := w.N()
	for i, nb := range w.Neighbors {
		seen := make(map[int]bool, len(nb))
		for _, j := range nb {
			switch {
			case j < 0 || j >= n:
				return fmt.Errorf("stats: area %d: neighbour %d out of range [0,%d)", i, j, n)
			case j == i:
				return fmt.Errorf("stats: area %d lists itself as a neighbour", i)
			case seen[j]:
				return fmt.Errorf("stats: area %d lists neighbour %d twice", i, j)
			}
			seen[j] = true
		}
	}
	return nil
}

// FromNeighbors builds weights from neighbour lists computed elsewhere, such as queen contiguity
// from PostGIS (ST_Touches or ST_Intersects between section polygons). Each list is copied,
// sorted, stripped of the area itself and of repeats. Lists need not be symmetric. It panics if
// an index is outside [0, len(lists)).
func FromNeighbors(lists [][]int) Weights {
	out := make([][]int, len(lists))
	for i, nb := range lists {
		out[i] = cleanList(i, nb, len(lists))
	}
	return Weights{Neighbors: out}
}

// cleanList returns a sorted copy of nb without i and without repeats.
func cleanList(i int, nb []int, n int) []int {
	c := make([]int, 0, len(nb))
	for _, j := range nb {
		if j < 0 || j >= n {
			panic(fmt.Sprintf("stats: FromNeighbors: area %d: neighbour %d out of range [0,%d)", i, j, n))
		}
		if j != i {
			c = append(c, j)
		}
	}
	slices.Sort(c)
	return slices.Compact(c)
}

// H3Weights builds weights for H3 cells: a cell's neighbours are the cells of its
// gridDisk(cell, 1) other than itself that are also in the list (at most 6). A cell with no
// neighbour in the list is isolated. Cells must be distinct; it panics otherwise.
func H3Weights(cells []uint64) Weights {
	index := make(map[uint64]int, len(cells))
	for i, c := range cells {
		if _, dup := index[c]; dup {
			panic(fmt.Sprintf("stats: H3Weights: cell %x listed twice", c))
		}
		index[c] = i
	}
	out := make([][]int, len(cells))
	for i, c := range cells {
		out[i] = h3Neighbours(c, index)
	}
	return Weights{Neighbors: out}
}

// h3Neighbours returns the sorted indices of the listed cells adjacent to c.
func h3Neighbours(c uint64, index map[uint64]int) []int {
	nb := make([]int, 0, 6)
	for _, d := range h3.Cell(int64(c)).GridDisk(1) {
		u := uint64(d)
		if d == 0 || u == c {
			continue
		}
		if j, ok := index[u]; ok {
			nb = append(nb, j)
		}
	}
	slices.Sort(nb)
	return nb
}
