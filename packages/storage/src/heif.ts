import { readFile, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";

/**
 * HEIC photos (iPhones) are accepted only when the whole file is understood and the primary image decodes
 * (decision 0012). The ISO-BMFF structure is parsed here and FAILS CLOSED: any box, version, item type,
 * location or byte this parser does not account for refuses the file (HTML or a script hidden in a gap,
 * `infe` versions 0/1, protected items, external data references...). Then libheif (libheif-js, its
 * WebAssembly build with the HEVC decoder) decodes the primary image. Finally the bytes of every `Exif`
 * and XMP (`mime`) item are overwritten with zeros in place: the picture is untouched, without GPS, camera
 * or time tags.
 */
export interface HeifInfo {
  /** The primary image's size as decoded (after libheif applies rotation and cropping). */
  width: number;
  height: number;
  /** Metadata items whose bytes were zeroed. */
  scrubbed: number;
}

export class HeifError extends Error {}

/** HEIC files larger than this are not parsed (the upload limit is 25 MB by default). */
const MAX_HEIF_BYTES = 64 * 1024 * 1024;
const BRANDS = new Set(["heic", "heix", "heim", "heis", "mif1", "msf1"]);
/** Image items libheif decodes as HEIC, and the metadata items that are zeroed. */
const IMAGE_ITEMS = new Set(["hvc1", "grid", "iden", "iovl"]);
const METADATA_ITEMS = new Set(["Exif", "mime"]);
const META_CHILDREN = new Set(["hdlr", "dinf", "pitm", "iinf", "iref", "iprp", "idat", "iloc"]);

interface Box {
  type: string;
  start: number;
  /** Where the payload starts (after size/type/largesize). */
  body: number;
  end: number;
}

/** The boxes between `from` and `to`, which they must fill exactly. */
function boxes(buf: Buffer, from: number, to: number): Box[] {
  const out: Box[] = [];
  let at = from;
  while (at < to) {
    if (at + 8 > to) throw new HeifError("trailing bytes after the last box");
    let size = buf.readUInt32BE(at);
    const type = buf.toString("latin1", at + 4, at + 8);
    let body = at + 8;
    if (size === 1) {
      if (at + 16 > to) throw new HeifError("truncated box");
      size = Number(buf.readBigUInt64BE(at + 8));
      body = at + 16;
    } else if (size === 0) size = to - at;
    if (!/^[\x20-\x7e]{4}$/.test(type)) throw new HeifError("box type is not a four-character code");
    if (size < body - at || at + size > to) throw new HeifError(`bad size of box ${type}`);
    if (type === "uuid") throw new HeifError("uuid boxes are not understood");
    out.push({ type, start: at, body, end: at + size });
    at += size;
  }
  return out;
}

/** A bounds-checked reader over one box's payload: every field read past `end` is a HeifError. */
function reader(buf: Buffer, from: number, end: number) {
  const r = {
    at: from,
    need(n: number) {
      if (r.at + n > end) throw new HeifError("a box ends inside a field");
    },
    u8() {
      r.need(1);
      return buf[r.at++]!;
    },
    u16() {
      r.need(2);
      r.at += 2;
      return buf.readUInt16BE(r.at - 2);
    },
    u32() {
      r.need(4);
      r.at += 4;
      return buf.readUInt32BE(r.at - 4);
    },
    uint(bytes: number) {
      if (bytes === 0) return 0;
      if (bytes === 4) return r.u32();
      if (bytes !== 8) throw new HeifError(`unsupported field size ${bytes}`);
      r.need(8);
      r.at += 8;
      const v = buf.readBigUInt64BE(r.at - 8);
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new HeifError("offset too large");
      return Number(v);
    },
    fourcc() {
      r.need(4);
      r.at += 4;
      return buf.toString("latin1", r.at - 4, r.at);
    },
    /** A null-terminated UTF-8 string (terminated within the box). */
    string() {
      const nul = buf.indexOf(0, r.at);
      if (nul < 0 || nul >= end) throw new HeifError("unterminated string");
      const v = buf.toString("utf8", r.at, nul);
      r.at = nul + 1;
      return v;
    },
    /** FullBox header: version and flags. */
    full() {
      const version = r.u8();
      const flags = (r.u8() << 16) | r.u16();
      return { version, flags };
    },
    done(what: string) {
      if (r.at !== end) throw new HeifError(`unexpected bytes at the end of ${what}`);
    },
  };
  return r;
}

const only = (children: Box[], type: string, required: boolean): Box | undefined => {
  const found = children.filter((b) => b.type === type);
  if (found.length > 1) throw new HeifError(`more than one ${type} box`);
  if (required && found.length === 0) throw new HeifError(`no ${type} box`);
  return found[0];
};

export interface HeifLayout {
  primaryId: number;
  /** The primary image's `ispe` (before rotation), for the pixel limit before decoding. */
  width: number;
  height: number;
  /** File ranges [offset, length] of every Exif and XMP item. */
  metadata: [number, number][];
  metadataItems: number;
}

/** Parses a whole HEIC file; throws HeifError for anything it does not understand. */
export function parseHeif(buf: Buffer): HeifLayout {
  const top = boxes(buf, 0, buf.length);
  if (top[0]?.type !== "ftyp") throw new HeifError("the file does not start with ftyp");
  for (const b of top)
    if (b.type !== "ftyp" && b.type !== "meta" && b.type !== "mdat")
      throw new HeifError(`unexpected top-level box ${b.type}`);
  only(top, "ftyp", true);
  const ftyp = top[0]!;
  const brands = new Set<string>();
  const fr = reader(buf, ftyp.body, ftyp.end);
  brands.add(fr.fourcc());
  fr.u32();
  while (fr.at < ftyp.end) brands.add(fr.fourcc());
  fr.done("ftyp");
  if (![...brands].some((b) => BRANDS.has(b))) throw new HeifError("not a HEIF brand");

  const meta = only(top, "meta", true)!;
  const mr = reader(buf, meta.body, meta.end);
  if (mr.full().version !== 0) throw new HeifError("unsupported meta version");
  const children = boxes(buf, mr.at, meta.end);
  for (const c of children)
    if (!META_CHILDREN.has(c.type)) throw new HeifError(`unexpected box ${c.type} in meta`);

  const hdlr = only(children, "hdlr", true)!;
  const hr = reader(buf, hdlr.body, hdlr.end);
  hr.full();
  hr.u32();
  if (hr.fourcc() !== "pict") throw new HeifError("the meta handler is not pict");

  const pitm = only(children, "pitm", true)!;
  const pr = reader(buf, pitm.body, pitm.end);
  const pv = pr.full().version;
  if (pv > 1) throw new HeifError("unsupported pitm version");
  const primaryId = pv === 0 ? pr.u16() : pr.u32();
  pr.done("pitm");

  // Items: every infe must be version 2 or 3 (0/1 carry no item type), unprotected, of a known type.
  const itemTypes = new Map<number, string>();
  const iinf = only(children, "iinf", true)!;
  const ir = reader(buf, iinf.body, iinf.end);
  const iv = ir.full().version;
  if (iv > 1) throw new HeifError("unsupported iinf version");
  const count = iv === 0 ? ir.u16() : ir.u32();
  const entries = boxes(buf, ir.at, iinf.end);
  if (entries.length !== count || entries.some((e) => e.type !== "infe"))
    throw new HeifError("iinf does not hold exactly its item entries");
  for (const infe of entries) {
    const r = reader(buf, infe.body, infe.end);
    const { version } = r.full();
    if (version !== 2 && version !== 3) throw new HeifError(`unsupported infe version ${version}`);
    const id = version === 2 ? r.u16() : r.u32();
    if (r.u16() !== 0) throw new HeifError("protected items are not supported");
    const type = r.fourcc();
    r.string(); // item_name
    if (type === "mime") {
      r.string(); // content_type
      if (r.at < infe.end) r.string(); // content_encoding (optional)
    }
    r.done("infe");
    if (!IMAGE_ITEMS.has(type) && !METADATA_ITEMS.has(type)) throw new HeifError(`unknown item type ${type}`);
    if (itemTypes.has(id)) throw new HeifError("two items with one id");
    itemTypes.set(id, type);
  }
  const primaryType = itemTypes.get(primaryId);
  if (primaryType !== "hvc1" && primaryType !== "grid" && primaryType !== "iden")
    throw new HeifError("the primary item is not a HEVC image");

  // Locations: every item has exactly one, inside the file (or idat); external data is refused.
  const idat = only(children, "idat", false);
  const iloc = only(children, "iloc", true)!;
  const lr = reader(buf, iloc.body, iloc.end);
  const lv = lr.full().version;
  if (lv > 2) throw new HeifError("unsupported iloc version");
  const sizes = lr.u8();
  const offsetSize = sizes >> 4;
  const lengthSize = sizes & 15;
  const sizes2 = lr.u8();
  const baseOffsetSize = sizes2 >> 4;
  const indexSize = lv === 1 || lv === 2 ? sizes2 & 15 : 0;
  for (const s of [offsetSize, lengthSize, baseOffsetSize, indexSize])
    if (s !== 0 && s !== 4 && s !== 8) throw new HeifError("bad iloc field size");
  const locations = lv < 2 ? lr.u16() : lr.u32();
  const located = new Set<number>();
  const fileExtents: [number, number][] = [];
  const metadata: [number, number][] = [];
  for (let i = 0; i < locations; i++) {
    const id = lv < 2 ? lr.u16() : lr.u32();
    const method = lv === 1 || lv === 2 ? lr.u16() & 15 : 0;
    if (method > 1) throw new HeifError("unsupported item construction method");
    if (lr.u16() !== 0) throw new HeifError("items in other files are not supported");
    const base = lr.uint(baseOffsetSize);
    const extents = lr.u16();
    if (!itemTypes.has(id) || located.has(id)) throw new HeifError("a location of no item, or two of one");
    located.add(id);
    if (extents === 0) throw new HeifError("an item without data");
    for (let e = 0; e < extents; e++) {
      lr.uint(indexSize);
      const offset = base + lr.uint(offsetSize);
      const length = lr.uint(lengthSize);
      let start: number;
      if (method === 0) {
        if (length === 0 || offset + length > buf.length) throw new HeifError("item data outside the file");
        start = offset;
        fileExtents.push([offset, length]);
      } else {
        if (!idat) throw new HeifError("item data in idat without an idat box");
        if (length === 0 || idat.body + offset + length > idat.end)
          throw new HeifError("item data outside idat");
        start = idat.body + offset;
      }
      if (METADATA_ITEMS.has(itemTypes.get(id)!)) metadata.push([start, length]);
    }
  }
  lr.done("iloc");
  if (located.size !== itemTypes.size) throw new HeifError("an item without a location");

  // Every byte of every mdat belongs to an item: nothing can hide between or after the images.
  const covered = fileExtents.sort((a, b) => a[0] - b[0]);
  for (const mdat of top.filter((b) => b.type === "mdat")) {
    let at = mdat.body;
    for (const [offset, length] of covered) {
      if (offset + length <= at || offset >= mdat.end) continue;
      if (offset > at) break;
      at = Math.max(at, offset + length);
    }
    if (at < mdat.end) throw new HeifError("bytes in mdat that belong to no item");
  }
  for (const [offset, length] of covered) {
    const inMdat = top.some((b) => b.type === "mdat" && offset >= b.body && offset + length <= b.end);
    if (!inMdat) throw new HeifError("item data outside mdat");
  }

  // The primary image's size (ispe), through its property associations.
  const { width, height } = primarySize(buf, only(children, "iprp", true)!, primaryId);
  return {
    primaryId,
    width,
    height,
    metadata,
    metadataItems: [...itemTypes.values()].filter((t) => METADATA_ITEMS.has(t)).length,
  };
}

function primarySize(buf: Buffer, iprp: Box, primaryId: number): { width: number; height: number } {
  const parts = boxes(buf, iprp.body, iprp.end);
  for (const p of parts)
    if (p.type !== "ipco" && p.type !== "ipma") throw new HeifError(`unexpected box ${p.type} in iprp`);
  const ipco = only(parts, "ipco", true)!;
  const properties = boxes(buf, ipco.body, ipco.end);
  const ipma = only(parts, "ipma", true)!;
  const r = reader(buf, ipma.body, ipma.end);
  const { version, flags } = r.full();
  if (version > 1) throw new HeifError("unsupported ipma version");
  const entries = r.u32();
  let size: { width: number; height: number } | undefined;
  for (let i = 0; i < entries; i++) {
    const id = version < 1 ? r.u16() : r.u32();
    const associations = r.u8();
    for (let a = 0; a < associations; a++) {
      const index = flags & 1 ? r.u16() & 0x7fff : r.u8() & 0x7f;
      if (index === 0) continue;
      const property = properties[index - 1];
      if (!property) throw new HeifError("an association with no property");
      if (id === primaryId && property.type === "ispe") {
        const pr = reader(buf, property.body, property.end);
        pr.full();
        size = { width: pr.u32(), height: pr.u32() };
      }
    }
  }
  r.done("ipma");
  if (!size || size.width === 0 || size.height === 0) throw new HeifError("the primary image has no size");
  return size;
}

interface LibheifImage {
  is_primary(): boolean;
  get_width(): number;
  get_height(): number;
  display(
    target: { data: Uint8ClampedArray; width: number; height: number },
    done: (out: unknown) => void,
  ): void;
  free(): void;
}

let libheif: { HeifDecoder: new () => { decode(buf: Buffer): LibheifImage[] } } | undefined;

/** Decodes the primary image with libheif (WebAssembly, loaded once); throws HeifError if it cannot. */
async function decodePrimary(buf: Buffer): Promise<{ width: number; height: number }> {
  libheif ??= createRequire(import.meta.url)("libheif-js/wasm-bundle");
  let images: LibheifImage[];
  try {
    images = new libheif!.HeifDecoder().decode(buf);
  } catch (error) {
    // A WebAssembly trap or libheif's own refusal: the file is not a picture libheif can read.
    throw new HeifError(`libheif could not read the file: ${(error as Error).message}`);
  }
  try {
    const primary = images.find((image) => image.is_primary());
    if (!primary) throw new HeifError("libheif found no primary image");
    const width = primary.get_width();
    const height = primary.get_height();
    if (!width || !height) throw new HeifError("libheif found no image size");
    // Decoding every pixel is the proof that the image data is a picture.
    const decoded = await new Promise<unknown>((resolve) =>
      primary.display({ data: new Uint8ClampedArray(width * height * 4), width, height }, resolve),
    );
    if (!decoded) throw new HeifError("libheif could not decode the image");
    return { width, height };
  } finally {
    for (const image of images) image.free();
  }
}

/**
 * Checks a HEIC file and removes its metadata in place. Throws HeifError when the file is not understood
 * or does not decode, and HeifTooLargeError (before decoding) when the image has more than `maxPixels`.
 */
export async function scrubHeif(path: string, maxPixels: number): Promise<HeifInfo> {
  if ((await stat(path)).size > MAX_HEIF_BYTES) throw new HeifError("HEIC file too large to check");
  const buf = await readFile(path);
  const layout = parseHeif(buf);
  if (layout.width * layout.height > maxPixels) throw new HeifTooLargeError(layout.width, layout.height);
  const { width, height } = await decodePrimary(buf);
  for (const [offset, length] of layout.metadata) buf.fill(0, offset, offset + length);
  if (layout.metadata.length > 0) await writeFile(path, buf);
  return { width, height, scrubbed: layout.metadataItems };
}

export class HeifTooLargeError extends Error {
  readonly width: number;
  readonly height: number;
  constructor(width: number, height: number) {
    super(`${width}×${height}`);
    this.width = width;
    this.height = height;
  }
}
