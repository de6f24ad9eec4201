import type { Readable } from "node:stream";

/** What `head` knows about a stored object. */
export interface ObjectInfo {
  size: number;
  contentType: string | undefined;
}

/** A short-lived, pre-authorised upload: the client sends exactly `size` bytes with `headers`. */
export interface PresignedPut {
  url: string;
  method: "PUT";
  headers: Record<string, string>;
  expiresAt: Date;
}

/**
 * The one interface files go through. Keys are made by the server (`r/<residenceId>/<uuid>`), never from
 * a client's file name; drivers refuse anything else (see `assertKey`).
 */
export interface Storage {
  readonly kind: "s3" | "local";
  /** Streams `body` to `key`, replacing any object there. */
  put(key: string, body: Readable | Buffer, options: { contentType: string; size?: number }): Promise<void>;
  /** The object's bytes; throws `ObjectNotFoundError` when there is none. */
  get(key: string): Promise<Readable>;
  /** Size and type of the stored object, or null when there is none. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  presignPut(
    key: string,
    options: { contentType: string; size: number; expiresIn: number },
  ): Promise<PresignedPut>;
  /** A URL that serves the object as an attachment named `filename` until it expires. */
  signedGetUrl(
    key: string,
    options: { expiresIn: number; filename: string; contentType?: string },
  ): Promise<string>;
}

export class ObjectNotFoundError extends Error {
  constructor(key: string) {
    super(`No stored object ${key}`);
    this.name = "ObjectNotFoundError";
  }
}

const KEY = /^[a-z](?:[a-z0-9_-]*)(?:\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+$/;

/** Server-made keys only: lowercase prefix, then segments of [A-Za-z0-9_.-] that never start with a dot. */
export function assertKey(key: string): void {
  if (!KEY.test(key) || key.length > 512 || key.includes(".."))
    throw new Error(`Invalid storage key: ${key}`);
}

/** `attachment; filename="…"; filename*=UTF-8''…` with an ASCII fallback. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/[\\"]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
