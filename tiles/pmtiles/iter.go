package pmtiles

import "iter"

// StoredTile is one tile of an archive as stored (compressed as the header says).
type StoredTile struct {
	Z    uint8
	X, Y uint32
	Data []byte // a sub-slice of the archive's data
}

// Tiles yields every tile of the archive in tile ID order, runs expanded.
func (a *Archive) Tiles() iter.Seq[StoredTile] {
	return func(yield func(StoredTile) bool) {
		for i, first := range a.ids {
			s := a.spans[i]
			end := s.off + uint64(s.length)
			data := a.data[s.off:end:end]
			for k := uint64(0); k < uint64(s.run); k++ {
				z, x, y := IDToZxy(first + k)
				if !yield(StoredTile{Z: z, X: x, Y: y, Data: data}) {
					return
				}
			}
		}
	}
}

// Bytes returns the whole archive, as given to Open.
func (a *Archive) Bytes() []byte { return a.data }
