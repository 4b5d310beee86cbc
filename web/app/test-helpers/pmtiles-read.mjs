// Reads a PMTiles archive with protomaps' reference reader (npm pmtiles) and
// prints what it finds as JSON, for tiles/pmtiles' interop test:
//
//   node web/app/test-helpers/pmtiles-read.mjs ARCHIVE [PROBES]
//
// {header, metadata, tiles, probes}: tiles lists "z/x/y sha256" for every
// tile the directories address (walked with the library's own directory
// decoding, each tile then fetched with getZxy, which decompresses it as the
// header's tile compression says); probes gives the sha256 or null that
// getZxy returns for each "z/x/y" line of the file PROBES.
import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { PMTiles, tileIdToZxy } from "pmtiles";

// A pmtiles Source over a local file: getKey names the archive, getBytes
// reads a range (shorter at the end of the file, as an HTTP server would).
class NodeFileSource {
  constructor(path) {
    this.path = path;
    this.fd = openSync(path, "r");
  }
  getKey() {
    return this.path;
  }
  async getBytes(offset, length) {
    const buf = Buffer.alloc(length);
    const n = readSync(this.fd, buf, 0, length, offset);
    return { data: buf.buffer.slice(buf.byteOffset, buf.byteOffset + n) };
  }
  close() {
    closeSync(this.fd);
  }
}

const sha256 = (data) => createHash("sha256").update(new Uint8Array(data)).digest("hex");

async function tileHash(archive, z, x, y) {
  const resp = await archive.getZxy(z, x, y);
  return resp ? sha256(resp.data) : null;
}

// walk lists the tiles of a directory and of its leaves, in tile ID order.
async function walk(archive, header, offset, length, out) {
  const entries = await archive.cache.getDirectory(archive.source, offset, length, header);
  for (const e of entries) {
    if (e.runLength === 0) {
      await walk(archive, header, header.leafDirectoryOffset + e.offset, e.length, out);
      continue;
    }
    for (let id = e.tileId; id < e.tileId + e.runLength; id++) {
      const [z, x, y] = tileIdToZxy(id);
      out.push(`${z}/${x}/${y} ${await tileHash(archive, z, x, y)}`);
    }
  }
}

async function main() {
  const [path, probesPath] = process.argv.slice(2);
  if (!path) {
    throw new Error("usage: pmtiles-read.mjs ARCHIVE [PROBES]");
  }
  const source = new NodeFileSource(path);
  const archive = new PMTiles(source);
  const header = { ...(await archive.getHeader()) };
  delete header.etag;
  const metadata = await archive.getMetadata();
  const tiles = [];
  await walk(archive, header, header.rootDirectoryOffset, header.rootDirectoryLength, tiles);
  const probes = {};
  if (probesPath) {
    for (const line of readFileSync(probesPath, "utf8").split("\n")) {
      if (line === "") continue;
      const [z, x, y] = line.split("/").map(Number);
      probes[line] = await tileHash(archive, z, x, y);
    }
  }
  source.close();
  process.stdout.write(JSON.stringify({ header, metadata, tiles, probes }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
