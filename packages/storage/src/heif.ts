import { open } from "node:fs/promises";

/**
 * HEIC photos cannot be decoded here (no HEVC decoder ships with sharp), so their metadata is removed in
 * place: the ISO-BMFF `meta` box is parsed, and the bytes of every `Exif` item and XMP (`mime`) item are
 * overwritten with zeros. The image items are untouched, so the photo is the same picture without GPS,
 * camera or time tags. `ispe` properties give the dimensions for the pixel limit.
 */
export interface HeifInfo {
  width: number;
  height: number;
  /** Metadata items whose bytes were zeroed. */
  scrubbed: number;
}

export class HeifError extends Error {}

interface Box {
  type: string;
  start: number;
  /** Where the payload starts (after size/type/largesize). */
  body: number;
  end: number;
}

function* boxes(buf: Buffer, from: number, to: number): Generator<Box> {
  let at = from;
  while (at + 8 <= to) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString("latin1", at + 4, at + 8);
    let body = at + 8;
    if (size === 1) {
      if (at + 16 > to) throw new HeifError("truncated box");
      size = Number(buf.readBigUInt64BE(at + 8));
      body = at + 16;
    } else if (size === 0) size = to - at;
    if (size < body - at || at + size > to) throw new HeifError(`bad size of box ${type}`);
    yield { type, start: at, body, end: at + size };
    at += size;
  }
}

function readUInt(buf: Buffer, at: number, bytes: number): number {
  if (bytes === 0) return 0;
  if (bytes === 4) return buf.readUInt32BE(at);
  if (bytes === 8) return Number(buf.readBigUInt64BE(at));
  if (bytes === 2) return buf.readUInt16BE(at);
  throw new HeifError(`unsupported field size ${bytes}`);
}

/** Reads the top-level boxes up to and including `meta` (it comes first in HEIC files). */
async function readMeta(
  path: string,
): Promise<{ buf: Buffer; meta: Box; fileSize: number; metaOffset: number }> {
  const handle = await open(path, "r");
  try {
    const { size: fileSize } = await handle.stat();
    const header = Buffer.alloc(16);
    let at = 0;
    while (at + 8 <= fileSize) {
      await handle.read(header, 0, 16, at);
      let size = header.readUInt32BE(0);
      const type = header.toString("latin1", 4, 8);
      let bodyOffset = 8;
      if (size === 1) {
        size = Number(header.readBigUInt64BE(8));
        bodyOffset = 16;
      } else if (size === 0) size = fileSize - at;
      if (size < bodyOffset || at + size > fileSize) throw new HeifError(`bad size of box ${type}`);
      if (type === "meta") {
        if (size > 16 * 1024 * 1024) throw new HeifError("meta box too large");
        const buf = Buffer.alloc(size);
        await handle.read(buf, 0, size, at);
        return { buf, meta: { type, start: 0, body: bodyOffset + 4, end: size }, fileSize, metaOffset: at };
      }
      at += size;
    }
    throw new HeifError("no meta box");
  } finally {
    await handle.close();
  }
}

export async function scrubHeif(path: string): Promise<HeifInfo> {
  const { buf, meta, fileSize, metaOffset } = await readMeta(path);
  const children = [...boxes(buf, meta.body, meta.end)];
  const metadataItems = new Set<number>();
  let width = 0;
  let height = 0;
  // Item types: infe boxes inside iinf.
  const iinf = children.find((b) => b.type === "iinf");
  if (iinf) {
    const version = buf[iinf.body]!;
    const first = iinf.body + 4 + (version === 0 ? 2 : 4);
    for (const infe of boxes(buf, first, iinf.end)) {
      if (infe.type !== "infe") continue;
      const v = buf[infe.body]!;
      if (v < 2) continue;
      let at = infe.body + 4;
      const itemId = v === 2 ? buf.readUInt16BE(at) : buf.readUInt32BE(at);
      at += (v === 2 ? 2 : 4) + 2;
      const itemType = buf.toString("latin1", at, at + 4);
      if (itemType === "Exif" || itemType === "mime") metadataItems.add(itemId);
    }
  }
  // Dimensions: the largest ispe property (a grid image's ispe is the whole picture).
  const iprp = children.find((b) => b.type === "iprp");
  if (iprp) {
    for (const ipco of boxes(buf, iprp.body, iprp.end)) {
      if (ipco.type !== "ipco") continue;
      for (const prop of boxes(buf, ipco.body, ipco.end)) {
        if (prop.type !== "ispe") continue;
        const w = buf.readUInt32BE(prop.body + 4);
        const h = buf.readUInt32BE(prop.body + 8);
        if (w * h > width * height) {
          width = w;
          height = h;
        }
      }
    }
  }
  if (width === 0 || height === 0) throw new HeifError("no image dimensions");
  // Where the metadata items' bytes are: iloc extents (file offsets, or offsets into idat).
  const ranges: [number, number][] = [];
  const iloc = children.find((b) => b.type === "iloc");
  const idat = children.find((b) => b.type === "idat");
  if (iloc && metadataItems.size > 0) {
    const v = buf[iloc.body]!;
    let at = iloc.body + 4;
    const offsetSize = buf[at]! >> 4;
    const lengthSize = buf[at]! & 15;
    const baseOffsetSize = buf[at + 1]! >> 4;
    const indexSize = v === 1 || v === 2 ? buf[at + 1]! & 15 : 0;
    at += 2;
    const count = v < 2 ? buf.readUInt16BE(at) : buf.readUInt32BE(at);
    at += v < 2 ? 2 : 4;
    for (let i = 0; i < count; i++) {
      const itemId = v < 2 ? buf.readUInt16BE(at) : buf.readUInt32BE(at);
      at += v < 2 ? 2 : 4;
      let method = 0;
      if (v === 1 || v === 2) {
        method = buf.readUInt16BE(at) & 15;
        at += 2;
      }
      at += 2; // data_reference_index
      const base = readUInt(buf, at, baseOffsetSize);
      at += baseOffsetSize;
      const extents = buf.readUInt16BE(at);
      at += 2;
      for (let e = 0; e < extents; e++) {
        at += indexSize;
        const offset = readUInt(buf, at, offsetSize);
        at += offsetSize;
        const length = readUInt(buf, at, lengthSize);
        at += lengthSize;
        if (!metadataItems.has(itemId)) continue;
        if (method === 0) ranges.push([base + offset, length]);
        else if (method === 1 && idat) ranges.push([metaOffset + idat.body + base + offset, length]);
        else throw new HeifError("unsupported metadata item location");
      }
    }
  }
  if (ranges.length < metadataItems.size) throw new HeifError("metadata item without location");
  const handle = await open(path, "r+");
  try {
    for (const [offset, length] of ranges) {
      if (offset + length > fileSize || length === 0) throw new HeifError("metadata item outside the file");
      await handle.write(Buffer.alloc(length), 0, length, offset);
    }
  } finally {
    await handle.close();
  }
  return { width, height, scrubbed: metadataItems.size };
}
