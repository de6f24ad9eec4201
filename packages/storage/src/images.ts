import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { Metadata, OutputInfo, Sharp } from "sharp";
import type { StoredType } from "./content.ts";
import { HeifError, HeifTooLargeError, scrubHeif } from "./heif.ts";

/** Why an image was refused; the API turns it into a 4xx problem. */
export class ImageRejectedError extends Error {
  readonly reason: "too-many-pixels" | "unreadable";
  constructor(reason: "too-many-pixels" | "unreadable", message: string) {
    super(message);
    this.name = "ImageRejectedError";
    this.reason = reason;
  }
}

export interface CleanImage {
  /** Where the cleaned image is (for HEIC the input, scrubbed in place). */
  path: string;
  size: number;
  width: number;
  height: number;
}

type SharpFactory = typeof import("sharp").default;
let sharpModule: Promise<SharpFactory> | undefined;
/**
 * sharp (libvips), loaded on the first image rather than at boot: most of a process's life decodes none,
 * and loading it maps libvips and its codecs into every API and worker process. No cache, one thread per
 * image: memory stays bounded by the images in flight.
 */
export function loadSharp(): Promise<SharpFactory> {
  sharpModule ??= import("sharp").then(({ default: sharp }) => {
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return sharpModule;
}

/**
 * Checks an uploaded photo and writes a copy fit to be seen by others: the pixel limit is checked from the
 * header before anything is decoded (decompression bombs), then the image is re-encoded in its own format,
 * turned upright by its EXIF orientation and written without EXIF/XMP/GPS (the ICC profile is kept).
 */
export async function cleanImage(
  input: string,
  output: string,
  type: StoredType,
  maxPixels: number,
): Promise<CleanImage> {
  if (type === "image/heic") {
    let info: Awaited<ReturnType<typeof scrubHeif>>;
    try {
      info = await scrubHeif(input, maxPixels);
    } catch (error) {
      if (error instanceof HeifTooLargeError) throw tooLarge(error.width, error.height, maxPixels);
      if (error instanceof HeifError)
        throw new ImageRejectedError("unreadable", `The HEIC image could not be read: ${error.message}`);
      throw error;
    }
    return { path: input, size: (await stat(input)).size, width: info.width, height: info.height };
  }
  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageRejectedError("unreadable", "The image could not be read");
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!width || !height) throw new ImageRejectedError("unreadable", "The image has no dimensions");
  if (width * height * (meta.pages ?? 1) > maxPixels) throw tooLarge(width, height, maxPixels);
  const image = sharp(input, { limitInputPixels: maxPixels, failOn: "error" }).rotate().keepIccProfile();
  const encoded =
    type === "image/jpeg"
      ? image.jpeg({ quality: 90, mozjpeg: true })
      : type === "image/png"
        ? image.png({ compressionLevel: 9 })
        : image.webp({ quality: 90 });
  let out: OutputInfo;
  try {
    out = await encoded.toFile(output);
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    if (/pixel limit/i.test(message)) throw tooLarge(width, height, maxPixels);
    throw new ImageRejectedError("unreadable", "The image could not be decoded");
  }
  return { path: output, size: out.size, width: out.width, height: out.height };
}

function tooLarge(width: number, height: number, maxPixels: number) {
  return new ImageRejectedError(
    "too-many-pixels",
    `The image is ${width}×${height} pixels; at most ${maxPixels} pixels are accepted`,
  );
}

export const THUMBNAIL_SIZE = 512;

/** A WebP thumbnail that fits in 512×512, upright, without metadata. */
export async function makeThumbnail(source: Readable, maxPixels: number): Promise<Buffer> {
  const sharp = await loadSharp();
  const transformer: Sharp = sharp({ limitInputPixels: maxPixels, failOn: "error" })
    .rotate()
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: "inside", withoutEnlargement: true })
    .webp({ quality: 80 });
  source.pipe(transformer);
  return transformer.toBuffer();
}
