import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import sharp from "sharp";
import type { S3StorageOptions } from "./s3.ts";

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  /** Where the server keeps its objects: tests look there to see what is really stored. */
  directory: string;
  /** Settings for `startTestApi(env)`: STORAGE_DRIVER=s3 against this server, path-style. */
  env: Record<string, string>;
  options: S3StorageOptions;
  close(): Promise<void>;
}

/**
 * A real S3-protocol server (s3rver, a devDependency) on a random loopback port with one empty bucket,
 * stopped after the test file. It speaks SigV4 and presigned URLs but does not check signatures.
 */
export async function startTestS3Server(bucket = "honeydue-test"): Promise<TestS3Server> {
  // s3rver ships no types: the part used here.
  const { default: S3rver } = (await import("s3rver" as string)) as {
    default: new (options: Record<string, unknown>) => { run(): Promise<unknown>; close(): Promise<void> };
  };
  const directory = await mkdtemp(join(tmpdir(), "honeydue-s3-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const close = async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  };
  after(close);
  const options: S3StorageOptions = {
    endpoint,
    region: "us-east-1",
    bucket,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    forcePathStyle: true,
  };
  return {
    endpoint,
    bucket,
    directory,
    options,
    env: {
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: endpoint,
      S3_REGION: "us-east-1",
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      S3_FORCE_PATH_STYLE: "true",
    },
    close,
  };
}

/**
 * A HEIC photo with EXIF (camera + GPS): libheif's AVIF container re-branded as iPhones brand theirs. It
 * cannot be decoded here (no HEVC), which is exactly the case the HEIC path handles.
 */
export async function heicWithGps(width = 64, height = 48): Promise<Buffer> {
  const avif = await sharp({ create: { width, height, channels: 3, background: "#884422" } })
    .avif()
    .withExif({ IFD0: { Make: "HoneyCam" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" } })
    .toBuffer();
  const out = Buffer.from(avif);
  out.write("heic", 8, "latin1");
  for (let i = 16; i < out.readUInt32BE(0); i += 4)
    if (out.toString("latin1", i, i + 4) === "avif") out.write("mif1", i, "latin1");
  return out;
}
