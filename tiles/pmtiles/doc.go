// Package pmtiles writes and reads PMTiles version 3 archives: a whole
// pyramid of map tiles in one file that a client reads by HTTP range
// requests, or that a server holds in memory and serves tile by tile.
//
// # The format
//
// An archive has five sections, in this order: a 127-byte header, the root
// directory, the JSON metadata, the leaf directories and the tile data. Tiles
// are addressed by a tile ID, the position of z/x/y on the Hilbert curve of
// its zoom plus the number of tiles of all lower zooms (ZxyToID), so that
// tiles close on the map are close in the file. A directory lists entries in
// tile ID order; an entry covers a run of consecutive tiles with the same
// bytes, or points to a leaf directory. Directories are varint columns,
// gzip-compressed. The header and the root must fit in the first 16,384
// bytes, so a client needs one request to find any leaf and one more for the
// tile.
//
// This package is written from the specification
// (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md), checked
// against the reference implementations, and tested against the reference
// reader (protomaps' npm package pmtiles, under Node.js). It does not use
// github.com/protomaps/go-pmtiles: that package's pmtiles package imports
// gocloud.dev, and with it the AWS, Azure and Google Cloud SDKs, and
// Prometheus, all for the bucket and server code we do not need. The format
// is small enough to own.
//
// # Writing
//
// A Builder takes tiles in any order. It stores equal tile contents once,
// folds consecutive tiles with equal contents into one entry with a run
// length, writes the tile data in tile ID order (a clustered archive), and
// moves entries into leaf directories when they do not fit in the root,
// with leaves of 4096 entries doubled until the root fits, as the reference
// writers do. It holds each distinct tile content once in memory, plus about
// a hundred bytes of bookkeeping a tile (a million tiles: some 110 MiB).
//
//	b := pmtiles.NewBuilder(pmtiles.Options{
//		TileType: pmtiles.MVT, TileCompression: pmtiles.Gzip,
//		MinZoom: 0, MaxZoom: 14,
//		Bounds:   [4]float64{6.6, 35.5, 18.5, 47.1},
//		Center:   [3]float64{12.5, 41.9, 6},
//		Metadata: []byte(`{"name":"abitare","vector_layers":[...]}`),
//	})
//	for _, t := range tiles {
//		if err := b.Add(t.Z, t.X, t.Y, t.Gzipped); err != nil { return err }
//	}
//	_, err := b.WriteTo(f)
//
// # Reading
//
// Open checks a whole archive held in memory, down to every leaf, and
// flattens all its directories into one sorted index; Archive.Tile is then a
// binary search that returns a sub-slice of the archive without allocating,
// for the tile server's hot path.
//
//	a, err := pmtiles.Open(data)
//	if err != nil { return err }
//	if tile, ok := a.Tile(z, x, y); ok {
//		w.Header().Set("Content-Encoding", "gzip")
//		w.Write(tile)
//	}
package pmtiles
