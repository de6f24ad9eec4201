import { open } from "node:fs/promises";
import { fileTypeFromBuffer } from "file-type";

/** The types honeyDue stores, decided from a file's bytes. */
export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic"] as const;
export const DOCUMENT_TYPES = [...IMAGE_TYPES, "application/pdf"] as const;
export type StoredType = (typeof DOCUMENT_TYPES)[number];

export const EXTENSIONS: Record<StoredType, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/heic": "heic",
  "application/pdf": "pdf",
};

export function isImageType(type: string): boolean {
  return (IMAGE_TYPES as readonly string[]).includes(type);
}

/** Enough of a file's head for every signature we accept (file-type reads at most 4100 bytes for these). */
const SNIFF_BYTES = 4100;

/**
 * The file's real type from its leading bytes, or undefined for anything we do not store. HEIF files
 * count as HEIC (iPhone photos); AVIF and other HEIF brands do not.
 */
export async function sniffType(head: Uint8Array): Promise<StoredType | undefined> {
  const found = await fileTypeFromBuffer(head);
  if (!found) return undefined;
  const mime = found.mime as string;
  if (mime === "image/heif") return "image/heic";
  return (DOCUMENT_TYPES as readonly string[]).includes(mime) ? (mime as StoredType) : undefined;
}

export async function sniffFile(path: string): Promise<StoredType | undefined> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return sniffType(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
