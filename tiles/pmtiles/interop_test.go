package pmtiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestReferenceReader writes archives and reads them back with protomaps'
// npm package pmtiles, the reference reader that the map uses, under
// Node.js (web/app/test-helpers/pmtiles-read.mjs). Header, metadata and the bytes of
// every tile must be what Go wrote. Without node or web/app/node_modules the
// test skips, unless ABITARE_E2E=1 (CI), where it fails.
func TestReferenceReader(t *testing.T) {
	node, script := referenceReader(t)
	t.Run("small", func(t *testing.T) {
		r := rand.New(rand.NewPCG(17, 18))
		b := NewBuilder(testOptions(0, 8))
		s := randomTiles(t, r, b, 800, 0, 8, true)
		compareWithReference(t, node, script, b, s, Gzip, r)
	})
	t.Run("leaf directories", func(t *testing.T) {
		r := rand.New(rand.NewPCG(19, 20))
		o := testOptions(6, 14)
		o.TileCompression = NoCompression
		b := NewBuilder(o)
		s := randomTiles(t, r, b, 120000, 6, 14, false)
		h := compareWithReference(t, node, script, b, s, NoCompression, r)
		if h.LeafDirsLength == 0 {
			t.Fatal("archive has no leaf directories")
		}
	})
}

// referenceReader returns node and the script, or skips (fails under
// ABITARE_E2E=1) when either is missing.
func referenceReader(t *testing.T) (node, script string) {
	missing := func(format string, args ...any) {
		t.Helper()
		why := fmt.Sprintf(format, args...)
		if os.Getenv("ABITARE_E2E") == "1" {
			t.Fatalf("reference reader unavailable with ABITARE_E2E=1: %s", why)
		}
		t.Skipf("reference reader unavailable: %s", why)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("no node in PATH")
	}
	root, err := repoRoot()
	if err != nil {
		missing("%v", err)
	}
	app := filepath.Join(root, "web", "app")
	if _, err := os.Stat(filepath.Join(app, "node_modules", "pmtiles", "package.json")); err != nil {
		missing("web/app/node_modules/pmtiles not installed (cd web/app && npm ci)")
	}
	return node, filepath.Join(app, "test-helpers", "pmtiles-read.mjs")
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// jsHeader is the reference reader's Header, as its JSON.
type jsHeader struct {
	SpecVersion         uint8   `json:"specVersion"`
	RootDirectoryOffset uint64  `json:"rootDirectoryOffset"`
	RootDirectoryLength uint64  `json:"rootDirectoryLength"`
	JSONMetadataOffset  uint64  `json:"jsonMetadataOffset"`
	JSONMetadataLength  uint64  `json:"jsonMetadataLength"`
	LeafDirectoryOffset uint64  `json:"leafDirectoryOffset"`
	LeafDirectoryLength uint64  `json:"leafDirectoryLength"`
	TileDataOffset      uint64  `json:"tileDataOffset"`
	TileDataLength      uint64  `json:"tileDataLength"`
	NumAddressedTiles   uint64  `json:"numAddressedTiles"`
	NumTileEntries      uint64  `json:"numTileEntries"`
	NumTileContents     uint64  `json:"numTileContents"`
	Clustered           bool    `json:"clustered"`
	InternalCompression uint8   `json:"internalCompression"`
	TileCompression     uint8   `json:"tileCompression"`
	TileType            uint8   `json:"tileType"`
	MinZoom             uint8   `json:"minZoom"`
	MaxZoom             uint8   `json:"maxZoom"`
	MinLon              float64 `json:"minLon"`
	MinLat              float64 `json:"minLat"`
	MaxLon              float64 `json:"maxLon"`
	MaxLat              float64 `json:"maxLat"`
	CenterZoom          uint8   `json:"centerZoom"`
	CenterLon           float64 `json:"centerLon"`
	CenterLat           float64 `json:"centerLat"`
}

func expectedJSHeader(h Header) jsHeader {
	bd, c := h.Bounds(), h.Center()
	return jsHeader{
		SpecVersion: h.SpecVersion, RootDirectoryOffset: h.RootOffset, RootDirectoryLength: h.RootLength,
		JSONMetadataOffset: h.MetadataOffset, JSONMetadataLength: h.MetadataLength,
		LeafDirectoryOffset: h.LeafDirsOffset, LeafDirectoryLength: h.LeafDirsLength,
		TileDataOffset: h.TileDataOffset, TileDataLength: h.TileDataLength,
		NumAddressedTiles: h.AddressedTiles, NumTileEntries: h.TileEntries, NumTileContents: h.TileContents,
		Clustered: h.Clustered, InternalCompression: uint8(h.InternalCompression), TileCompression: uint8(h.TileCompression),
		TileType: uint8(h.TileType), MinZoom: h.MinZoom, MaxZoom: h.MaxZoom,
		MinLon: bd[0], MinLat: bd[1], MaxLon: bd[2], MaxLat: bd[3],
		CenterZoom: h.CenterZoom, CenterLon: c[0], CenterLat: c[1],
	}
}

// tileHash is the SHA-256 of a tile as the reference reader returns it:
// decompressed when the archive says its tiles are gzip.
func tileHash(t *testing.T, data []byte, c Compression) string {
	if c == Gzip {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func compareWithReference(t *testing.T, node, script string, b *Builder, s tileSet, c Compression, r *rand.Rand) Header {
	dir := t.TempDir()
	archive := filepath.Join(dir, "archive.pmtiles")
	f, err := os.Create(archive)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParseHeader(data)
	if err != nil {
		t.Fatal(err)
	}

	ids := make([]uint64, 0, len(s))
	for id := range s {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	wantTiles := make([]string, len(ids))
	for i, id := range ids {
		z, x, y := IDToZxy(id)
		wantTiles[i] = fmt.Sprintf("%d/%d/%d %s", z, x, y, tileHash(t, s[id], c))
	}
	wantProbes := map[string]*string{}
	for i := 0; len(wantProbes) < 300; i++ {
		id := ids[r.IntN(len(ids))] + uint64(i%2) // a tile, or the ID after it
		z, x, y := IDToZxy(id)
		if data, ok := s[id]; ok {
			h := tileHash(t, data, c)
			wantProbes[fmt.Sprintf("%d/%d/%d", z, x, y)] = &h
		} else if z <= h.MaxZoom {
			wantProbes[fmt.Sprintf("%d/%d/%d", z, x, y)] = nil
		}
	}
	probes := filepath.Join(dir, "probes.txt")
	if err := os.WriteFile(probes, []byte(strings.Join(slices.Collect(maps.Keys(wantProbes)), "\n")), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, archive, probes)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	var got struct {
		Header   jsHeader           `json:"header"`
		Metadata any                `json:"metadata"`
		Tiles    []string           `json:"tiles"`
		Probes   map[string]*string `json:"probes"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("reference reader output: %v", err)
	}

	if want := expectedJSHeader(h); got.Header != want {
		t.Errorf("header:\nreference %+v\n       Go %+v", got.Header, want)
	}
	var wantMeta any
	if err := json.Unmarshal(b.o.Metadata, &wantMeta); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Metadata, wantMeta) {
		t.Errorf("metadata: reference %v, Go %v", got.Metadata, wantMeta)
	}
	if len(got.Tiles) != len(wantTiles) {
		t.Errorf("reference reader finds %d tiles, Go wrote %d", len(got.Tiles), len(wantTiles))
	}
	for i := range min(len(got.Tiles), len(wantTiles)) {
		if got.Tiles[i] != wantTiles[i] {
			t.Fatalf("tile %d: reference %q, Go %q", i, got.Tiles[i], wantTiles[i])
		}
	}
	for k, want := range wantProbes {
		if g, ok := got.Probes[k]; !ok || (g == nil) != (want == nil) || (g != nil && *g != *want) {
			t.Errorf("probe %s: reference %v, Go %v", k, deref(g), deref(want))
		}
	}
	t.Logf("%d tiles (%d entries, %d leaf directory bytes) read back by the reference reader in %v",
		len(got.Tiles), h.TileEntries, h.LeafDirsLength, time.Since(start).Round(time.Millisecond))
	return h
}

func deref(p *string) string {
	if p == nil {
		return "absent"
	}
	return *p
}
