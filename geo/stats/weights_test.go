package stats

import (
	"math"
	"slices"
	"testing"

	"github.com/uber/h3-go/v4"
)

func TestFromNeighbors(t *testing.T) {
	w := FromNeighbors([][]int{{2, 1, 1, 0}, {0}, {0}, {}})
	want := [][]int{{1, 2}, {0}, {0}, {}}
	for i := range want {
		if !slices.Equal(w.Neighbors[i], want[i]) {
			t.Errorf("area %d: %v, want %v", i, w.Neighbors[i], want[i])
		}
	}
	if err := w.Validate(); err != nil {
		t.Error(err)
	}
	if iso := w.Isolated(); !slices.Equal(iso, []int{3}) {
		t.Errorf("isolated %v", iso)
	}
	if w.N() != 4 || w.Cardinality(0) != 2 {
		t.Errorf("N %d, card %d", w.N(), w.Cardinality(0))
	}
	lag := w.Lag([]float64{1, 2, 4, 8})
	if lag[0] != 3 || lag[1] != 1 || lag[2] != 1 || !math.IsNaN(lag[3]) {
		t.Errorf("lag %v", lag)
	}
	defer func() {
		if recover() == nil {
			t.Error("out-of-range neighbour should panic")
		}
	}()
	FromNeighbors([][]int{{1}, {2}})
}

func TestValidate(t *testing.T) {
	for name, w := range map[string]Weights{
		"range": {Neighbors: [][]int{{1}, {5}}},
		"self":  {Neighbors: [][]int{{0}, {}}},
		"twice": {Neighbors: [][]int{{1, 1}, {0}}},
	} {
		if w.Validate() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestH3Weights(t *testing.T) {
	centre := h3.LatLngToCell(h3.NewLatLng(44.645, 10.925), 10)
	cells := []uint64{uint64(centre)}
	for _, c := range centre.GridDisk(1) {
		if c != centre {
			cells = append(cells, uint64(c))
		}
	}
	far := h3.LatLngToCell(h3.NewLatLng(44.70, 10.80), 10)
	cells = append(cells, uint64(far))
	w := H3Weights(cells)
	// Centre: 6 neighbours; each ring cell: the centre and its 2 ring neighbours; far: isolated.
	if w.Cardinality(0) != 6 {
		t.Errorf("centre has %d neighbours", w.Cardinality(0))
	}
	for i := 1; i <= 6; i++ {
		if w.Cardinality(i) != 3 || !slices.Contains(w.Neighbors[i], 0) {
			t.Errorf("ring cell %d: %v", i, w.Neighbors[i])
		}
		for _, j := range w.Neighbors[i] { // independent check with H3's own adjacency test
			if !h3.Cell(int64(cells[i])).IsNeighbor(h3.Cell(int64(cells[j]))) {
				t.Errorf("cells %d and %d are not adjacent", i, j)
			}
		}
	}
	if !slices.Equal(w.Isolated(), []int{7}) {
		t.Errorf("isolated %v", w.Isolated())
	}
	if err := w.Validate(); err != nil {
		t.Error(err)
	}
}
