import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type GrantKeys, signGrant } from "./signed-url.ts";
import { assertKey, ObjectNotFoundError, type Storage } from "./types.ts";

export interface LocalStorageOptions {
  /** The folder holding the objects (DATA_DIR/uploads). */
  dir: string;
  /** Sign the URLs that `presignPut` and `signedGetUrl` hand out (the storage-grant keys). */
  grantKeys: GrantKeys;
  /** Public base URL of the API: signed URLs point back at `/v1/storage?token=…` there. */
  publicApiUrl: string;
}

/**
 * Objects as files under one folder. Writes go to a temporary file renamed into place, so a reader never
 * sees half an object. Content types are not kept: the database has them.
 */
export function createLocalStorage(options: LocalStorageOptions): Storage {
  const pathOf = (key: string) => {
    assertKey(key);
    return join(options.dir, ...key.split("/"));
  };
  const signedUrl = (token: string) => `${options.publicApiUrl}/v1/storage?token=${token}`;
  return {
    kind: "local",
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.${randomUUID()}.part`;
      try {
        await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, createWriteStream(temp));
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    async get(key) {
      const path = pathOf(key);
      try {
        await stat(path);
      } catch {
        throw new ObjectNotFoundError(key);
      }
      return createReadStream(path);
    },
    async head(key) {
      const path = pathOf(key);
      try {
        const info = await stat(path);
        return info.isFile() ? { size: info.size, contentType: undefined } : null;
      } catch {
        return null;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async presignPut(key, { contentType, size, expiresIn }) {
      assertKey(key);
      const exp = Math.floor(Date.now() / 1000) + expiresIn;
      const token = signGrant(options.grantKeys, { op: "put", key, exp, size, type: contentType });
      return {
        url: signedUrl(token),
        method: "PUT",
        headers: { "content-type": contentType },
        expiresAt: new Date(exp * 1000),
      };
    },
    async signedGetUrl(key, { expiresIn, filename, contentType }) {
      assertKey(key);
      const exp = Math.floor(Date.now() / 1000) + expiresIn;
      return signedUrl(
        signGrant(options.grantKeys, {
          op: "get",
          key,
          exp,
          name: filename,
          ...(contentType ? { type: contentType } : {}),
        }),
      );
    },
  };
}
