package pmtiles

import (
	"fmt"
	"math"
)

// MaxTileZoom is the deepest zoom a tile ID can address: the IDs of zooms
// 0..31 fill (2^64-1)/3 values of the uint64 range, zoom 32 would overflow it.
const MaxTileZoom = 31

// idLimit is the number of tile IDs of zooms 0..MaxTileZoom: (4^32-1)/3.
const idLimit = math.MaxUint64 / 3

// zoomBase is the first tile ID of zoom z: the tiles of all lower zooms,
// 4^0 + 4^1 + ... + 4^(z-1) = (4^z-1)/3.
func zoomBase(z uint8) uint64 {
	return (uint64(1)<<(2*uint(z)) - 1) / 3
}

// ValidTile reports whether (z, x, y) is a tile: z <= MaxTileZoom and x, y
// below 2^z.
func ValidTile(z uint8, x, y uint32) bool {
	if z > MaxTileZoom {
		return false
	}
	n := uint64(1) << z
	return uint64(x) < n && uint64(y) < n
}

// ZxyToID returns the PMTiles tile ID of (z, x, y): the position of the tile
// on the Hilbert curve of its zoom, plus the number of tiles of all lower
// zooms. It panics when ValidTile(z, x, y) is false; callers with untrusted
// coordinates check first.
func ZxyToID(z uint8, x, y uint32) uint64 {
	if !ValidTile(z, x, y) {
		panic(fmt.Sprintf("pmtiles: tile %d/%d/%d out of range", z, x, y))
	}
	return zoomBase(z) + hilbertIndex(z, x, y)
}

// IDToZxy is the inverse of ZxyToID. It panics when id is beyond the last
// tile of zoom MaxTileZoom.
func IDToZxy(id uint64) (z uint8, x, y uint32) {
	if id >= idLimit {
		panic(fmt.Sprintf("pmtiles: tile ID %d beyond zoom %d", id, MaxTileZoom))
	}
	for zoomBase(z+1) <= id {
		z++
	}
	x, y = hilbertPoint(z, id-zoomBase(z))
	return z, x, y
}

// hilbertIndex walks the quadrants from the largest down, the classic
// xy→d conversion on a 2^z square. It is branch-free: it runs on every tile
// request, with coordinates a branch predictor cannot guess.
func hilbertIndex(z uint8, x, y uint32) uint64 {
	tx, ty := uint64(x), uint64(y)
	var d uint64
	for i := int(z) - 1; i >= 0; i-- {
		rx, ry := tx>>i&1, ty>>i&1
		d += (3*rx ^ ry) << (2 * i)
		// Keep the bits below i, and turn the quadrant as rotate does:
		// mirror when rx=1, ry=0, then swap when ry=0.
		mask := uint64(1)<<i - 1
		tx, ty = tx&mask, ty&mask
		mirror := -(rx &^ ry) & mask
		tx, ty = tx^mirror, ty^mirror
		swap := -(ry ^ 1) & (tx ^ ty)
		tx, ty = tx^swap, ty^swap
	}
	return d
}

// hilbertPoint is the inverse of hilbertIndex, building the point up from
// the smallest quadrant.
func hilbertPoint(z uint8, d uint64) (x, y uint32) {
	var tx, ty uint64
	n := uint64(1) << z
	for s := uint64(1); s < n; s <<= 1 {
		rx := 1 & (d >> 1)
		ry := 1 & (d ^ rx)
		tx, ty = rotate(s, tx, ty, rx, ry)
		tx += s * rx
		ty += s * ry
		d >>= 2
	}
	return uint32(tx), uint32(ty)
}

// rotate turns a quadrant of side s so that the curve inside it runs in the
// orientation of the curve around it; x and y are below s.
func rotate(s, x, y, rx, ry uint64) (uint64, uint64) {
	if ry != 0 {
		return x, y
	}
	if rx != 0 {
		x, y = s-1-x, s-1-y
	}
	return y, x
}
