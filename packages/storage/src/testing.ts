import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { parseHeif } from "./heif.ts";
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

/** The HEIC fixtures' picture size (fixtures/make-heic.sh). */
export const HEIC_FIXTURE_SIZE = { width: 160, height: 120 } as const;

/**
 * A genuine HEIC photo: HEVC-coded by libheif's heif-enc, its EXIF naming an iPhone 15 and a GPS position
 * (40.6892 N, 74.0445 W); `xmp` adds the position in an XMP item too. Made by fixtures/make-heic.sh.
 */
export async function heicWithGps(options: { xmp?: boolean } = {}): Promise<Buffer> {
  return readFile(new URL(`../fixtures/${options.xmp ? "gps-xmp" : "gps"}.heic`, import.meta.url));
}

/** Whether exiftool (Debian's libimage-exiftool-perl, .ci/setup-exiftool.sh) is installed. */
export function exiftoolAvailable(): boolean {
  try {
    execFileSync("exiftool", ["-ver"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

/** Every GPS tag exiftool finds in a file (EXIF, XMP, composite), as "group:tag" names. */
export function gpsTags(data: Buffer): string[] {
  return gpsTagsOf(["-"], data)[0] ?? [];
}

/** The GPS tags of many files, with one exiftool run (it starts slowly). */
export function gpsTagsOfFiles(paths: string[]): string[][] {
  return gpsTagsOf(paths);
}

function gpsTagsOf(paths: string[], input?: Buffer): string[][] {
  const out = execFileSync("exiftool", ["-j", "-G", "-a", "-gps:all", "-xmp:all", ...paths], {
    ...(input ? { input } : {}),
    stdio: ["pipe", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
  return (JSON.parse(out) as Record<string, unknown>[]).map((tags) =>
    Object.keys(tags).filter((name) => /gps/i.test(name)),
  );
}

const HTML = Buffer.from(
  '<html><body><script>fetch("/v1/me").then(r=>r.text()).then(alert)</script></body></html>',
);

/** The top-level boxes of a file: [type, start, size]. */
function topBoxes(data: Buffer): [string, number, number][] {
  const out: [string, number, number][] = [];
  for (let at = 0; at + 8 <= data.length; ) {
    const size = data.readUInt32BE(at);
    out.push([data.toString("latin1", at + 4, at + 8), at, size]);
    at += size;
  }
  return out;
}

/**
 * HEIC files with HTML in them, each of which a browser sniffing content could render: every one must be
 * refused. `image-data-is-html` is structurally perfect (only decoding the image finds it out).
 */
export async function heicPolyglots(): Promise<Record<string, Buffer>> {
  const real = await heicWithGps();
  const boxes = topBoxes(real);
  const [, , ftypSize] = boxes.find(([type]) => type === "ftyp")!;
  const [, mdatStart, mdatSize] = boxes.find(([type]) => type === "mdat")!;
  const ftyp = real.subarray(0, ftypSize);
  const grownMdat = Buffer.concat([real, HTML]);
  grownMdat.writeUInt32BE(mdatSize + HTML.length, mdatStart);
  const freeBox = Buffer.alloc(8);
  freeBox.writeUInt32BE(8 + HTML.length, 0);
  freeBox.write("free", 4, "latin1");
  // The image item's bytes (all of mdat but the EXIF item) overwritten with HTML: the boxes stay valid.
  const layout = parseHeif(real);
  const htmlImage = Buffer.from(real);
  const isMetadata = (i: number) =>
    layout.metadata.some(([offset, length]) => i >= offset && i < offset + length);
  for (let i = mdatStart + 8; i < mdatStart + mdatSize; i++)
    if (!isMetadata(i)) htmlImage[i] = HTML[i % HTML.length]!;
  return {
    "heic-header-then-html": Buffer.concat([ftyp, HTML]),
    "html-after-the-last-box": Buffer.concat([real, HTML]),
    "html-in-mdat-beyond-every-item": grownMdat,
    "html-in-a-free-box": Buffer.concat([real, freeBox, HTML]),
    "image-data-is-html": htmlImage,
  };
}

/** The fixture with every `infe` box's version set to `version` (0 and 1 name no item type). */
export async function heicWithInfeVersion(version: number): Promise<Buffer> {
  const out = Buffer.from(await heicWithGps());
  for (let at = out.indexOf("infe"); at >= 0; at = out.indexOf("infe", at + 4)) out[at + 4] = version;
  return out;
}
