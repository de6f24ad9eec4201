import { createLocalStorage } from "./local.ts";
import { createS3Storage, type S3StorageOptions } from "./s3.ts";
import type { GrantKeys } from "./signed-url.ts";
import type { Storage } from "./types.ts";

export * from "./content.ts";
export * from "./images.ts";
export { createLocalStorage } from "./local.ts";
export { createS3Storage, type S3StorageOptions } from "./s3.ts";
export { type GrantKeys, signGrant, verifyGrant } from "./signed-url.ts";
export * from "./types.ts";

/** The storage part of the settings (`settings.storage` of the API and the worker). */
export interface StorageConfig {
  driver: "local" | "s3";
  localDir: string;
  s3: S3StorageOptions;
}

/** The driver the settings choose. `grantKeys` sign local-driver URLs; they point at `publicApiUrl`. */
export function createStorage(
  config: StorageConfig,
  options: { grantKeys: GrantKeys; publicApiUrl: string },
): Storage {
  return config.driver === "s3"
    ? createS3Storage(config.s3)
    : createLocalStorage({
        dir: config.localDir,
        grantKeys: options.grantKeys,
        publicApiUrl: options.publicApiUrl,
      });
}
