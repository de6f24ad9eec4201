import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type TestContext, test } from "node:test";
import sharp from "sharp";
import {
  assertKey,
  cleanImage,
  contentDisposition,
  createLocalStorage,
  createS3Storage,
  type GrantKeys,
  ImageRejectedError,
  ObjectNotFoundError,
  type Storage,
  signGrant,
  sniffType,
  verifyGrant,
} from "../src/index.ts";
import {
  exiftoolAvailable,
  gpsTags,
  gpsTagsOfFiles,
  HEIC_FIXTURE_SIZE,
  heicPolyglots,
  heicWithGps,
  heicWithInfeVersion,
  startTestS3Server,
} from "../src/testing.ts";

/** Grant keys as @honeydue/config's key ring hands them out: the current key signs, `find` verifies. */
const grantKeys = (id: string, secret: string): GrantKeys => {
  const key = Buffer.from(secret);
  return { current: { id, key }, find: (kid) => (kid === id ? key : undefined) };
};
const KEYS = grantKeys("k1", "storage-test-secret-storage-test-secret");
const s3 = await startTestS3Server();
const drivers: [string, Storage][] = [
  ["s3", createS3Storage(s3.options)],
  [
    "local",
    createLocalStorage({
      dir: await mkdtemp(join(tmpdir(), "honeydue-storage-")),
      grantKeys: KEYS,
      publicApiUrl: "https://api.example.test",
    }),
  ],
];

for (const [name, storage] of drivers) {
  test(`[${name}] put, head, get and delete an object; streams are not buffered by the driver`, async () => {
    const key = `r/${crypto.randomUUID()}/${crypto.randomUUID()}`;
    assert.equal(await storage.head(key), null);
    await assert.rejects(storage.get(key), ObjectNotFoundError);
    await storage.put(key, Readable.from([Buffer.from("hello "), Buffer.from("world")]), {
      contentType: "text/plain",
      size: 11,
    });
    assert.equal((await storage.head(key))?.size, 11);
    assert.equal(Buffer.concat(await (await storage.get(key)).toArray()).toString(), "hello world");
    await storage.put(key, Buffer.from("replaced"), { contentType: "text/plain" });
    assert.equal(Buffer.concat(await (await storage.get(key)).toArray()).toString(), "replaced");
    await storage.delete(key);
    assert.equal(await storage.head(key), null);
    await storage.delete(key); // deleting again is fine
  });

  test(`[${name}] keys are the server's: anything path-like is refused`, async () => {
    for (const bad of [
      "../etc/passwd",
      "r/../../etc/passwd",
      "/abs/key",
      "r/.hidden",
      "r//x",
      "R/x",
      "r/a b",
      "r",
    ]) {
      await assert.rejects(
        storage.put(bad, Buffer.from("x"), { contentType: "text/plain" }),
        /Invalid storage key/,
        bad,
      );
      await assert.rejects(storage.head(bad), /Invalid storage key/, bad);
    }
  });
}

test("[s3] a presigned PUT uploads straight to the server; a signed GET downloads as an attachment", async () => {
  const storage = drivers[0]![1];
  const key = `incoming/${crypto.randomUUID()}`;
  const body = Buffer.from("%PDF-1.4 fake");
  const put = await storage.presignPut(key, {
    contentType: "application/pdf",
    size: body.length,
    expiresIn: 60,
  });
  assert.equal(put.method, "PUT");
  assert.match(put.url, /X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost/);
  const res = await fetch(put.url, { method: "PUT", headers: put.headers, body: new Uint8Array(body) });
  assert.equal(res.status, 200);
  assert.equal((await storage.head(key))?.size, body.length);
  const url = await storage.signedGetUrl(key, {
    expiresIn: 60,
    filename: "Warranty «2026».pdf",
    contentType: "application/pdf",
  });
  const got = await fetch(url);
  assert.equal(got.status, 200);
  assert.equal(got.headers.get("content-disposition"), contentDisposition("Warranty «2026».pdf"));
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), body);
});

test("[local] presigned URLs are HMAC-signed grants that expire and cannot be altered", async () => {
  const storage = drivers[1]![1];
  const put = await storage.presignPut("incoming/abc", { contentType: "image/png", size: 10, expiresIn: 60 });
  const token = new URL(put.url).searchParams.get("token")!;
  assert.ok(put.url.startsWith("https://api.example.test/v1/storage?token="));
  assert.deepEqual(
    { ...verifyGrant(KEYS, token), exp: 0 },
    { op: "put", key: "incoming/abc", exp: 0, size: 10, type: "image/png" },
  );
  // Another secret under the same key id, or the right secret's key under another id: refused.
  assert.equal(verifyGrant(grantKeys("k1", "another-secret-another-secret-another"), token), null);
  assert.equal(verifyGrant(KEYS, `k2${token.slice(2)}`), null);
  const [keyId, body, mac] = token.split(".");
  const forged = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(body!, "base64url").toString()), size: 10_000_000 }),
  ).toString("base64url");
  assert.equal(verifyGrant(KEYS, `${keyId}.${forged}.${mac}`), null);
  const expired = signGrant(KEYS, { op: "get", key: "r/x/y", exp: Math.floor(Date.now() / 1000) - 1 });
  assert.equal(verifyGrant(KEYS, expired), null);
});

test("types are decided from bytes", async () => {
  const img = sharp({ create: { width: 8, height: 8, channels: 3, background: "#123456" } });
  assert.equal(await sniffType(await img.clone().jpeg().toBuffer()), "image/jpeg");
  assert.equal(await sniffType(await img.clone().png().toBuffer()), "image/png");
  assert.equal(await sniffType(await img.clone().webp().toBuffer()), "image/webp");
  assert.equal(await sniffType(await heicWithGps()), "image/heic");
  assert.equal(
    await sniffType(Buffer.from("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n%%EOF\n")),
    "application/pdf",
  );
  assert.equal(await sniffType(await img.clone().avif().toBuffer()), undefined, "AVIF is not accepted");
  assert.equal(await sniffType(await img.clone().gif().toBuffer()), undefined);
  assert.equal(await sniffType(Buffer.from("<html><script>alert(1)</script></html>")), undefined);
  assert.equal(
    await sniffType(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(60).fill(0)])),
    undefined,
  );
  assert.equal(await sniffType(Buffer.from("MZ\x90\x00\x03\x00\x00\x00")), undefined);
});

test("photos lose EXIF/GPS, are turned upright, and pixel bombs are refused", async () => {
  const dir = await mkdtemp(join(tmpdir(), "honeydue-clean-"));
  // A 60×40 JPEG whose EXIF says "rotate 90°" (orientation 6), with GPS.
  const jpeg = await sharp({ create: { width: 60, height: 40, channels: 3, background: "#aa3300" } })
    .jpeg()
    .withExif({ IFD0: { Make: "HoneyCam" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "1/1 2/1 3/1" } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  assert.equal((await sharp(jpeg).metadata()).orientation, 6);
  await writeFile(join(dir, "in.jpg"), jpeg);
  const clean = await cleanImage(join(dir, "in.jpg"), join(dir, "out.jpg"), "image/jpeg", 1_000_000);
  assert.deepEqual([clean.width, clean.height], [40, 60], "turned upright");
  const meta = await sharp(await readFile(clean.path)).metadata();
  assert.equal(meta.exif, undefined);
  assert.equal(meta.orientation, undefined);

  await writeFile(
    join(dir, "big.png"),
    await sharp({ create: { width: 300, height: 300, channels: 3, background: "#000" } })
      .png()
      .toBuffer(),
  );
  await assert.rejects(
    cleanImage(join(dir, "big.png"), join(dir, "big-out.png"), "image/png", 50_000),
    (e: unknown) => e instanceof ImageRejectedError && e.reason === "too-many-pixels",
  );
  await writeFile(join(dir, "junk.png"), Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n"), Buffer.alloc(50)]));
  await assert.rejects(
    cleanImage(join(dir, "junk.png"), join(dir, "junk-out.png"), "image/png", 50_000),
    (e: unknown) => e instanceof ImageRejectedError && e.reason === "unreadable",
  );
});

/** exiftool reads the files back (an independent reader); CI installs it, elsewhere the test is skipped. */
function needExiftool(t: TestContext): boolean {
  if (exiftoolAvailable()) return true;
  if (process.env.CI === "true") throw new Error("exiftool is missing: bash .ci/setup-exiftool.sh");
  t.skip("exiftool not installed (bash .ci/setup-exiftool.sh)");
  return false;
}

const clean = async (data: Buffer, maxPixels = 1_000_000) => {
  const dir = await mkdtemp(join(tmpdir(), "honeydue-heic-"));
  try {
    await writeFile(join(dir, "in.heic"), data);
    const result = await cleanImage(join(dir, "in.heic"), join(dir, "unused"), "image/heic", maxPixels);
    return { ...result, bytes: await readFile(result.path) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
const refusedAs =
  (...reasons: ("unreadable" | "too-many-pixels")[]) =>
  (e: unknown) =>
    e instanceof ImageRejectedError && reasons.includes(e.reason);

test("real HEIC photos (EXIF and XMP with GPS) decode and keep their pixels, without any GPS tag", async (t) => {
  if (!needExiftool(t)) return;
  for (const xmp of [false, true]) {
    const original = await heicWithGps({ xmp });
    assert.ok(gpsTags(original).length >= 2, "the fixture has GPS tags");
    const result = await clean(original);
    assert.deepEqual([result.width, result.height], [HEIC_FIXTURE_SIZE.width, HEIC_FIXTURE_SIZE.height]);
    assert.deepEqual(gpsTags(result.bytes), [], `no GPS tag left (xmp: ${xmp})`);
    assert.ok(!result.bytes.includes(Buffer.from("iPhone 15")), "no camera tag left");
    assert.equal(await sniffType(result.bytes), "image/heic", "still a HEIC file");
    // The scrubbed file is itself a valid HEIC that decodes to the same size.
    const again = await clean(result.bytes);
    assert.deepEqual([again.width, again.height], [result.width, result.height]);
  }
});

test("HEIC: the pixel limit is checked before decoding", async () => {
  await assert.rejects(clean(await heicWithGps(), 1000), refusedAs("too-many-pixels"));
});

test("HEIC polyglots with HTML and infe versions 0/1 are refused", async () => {
  for (const [name, data] of Object.entries(await heicPolyglots())) {
    assert.equal(await sniffType(data), "image/heic", `${name} passes as HEIC by its header`);
    await assert.rejects(clean(data), refusedAs("unreadable"), name);
  }
  for (const version of [0, 1])
    await assert.rejects(clean(await heicWithInfeVersion(version)), refusedAs("unreadable"));
  await assert.rejects(clean((await heicWithGps()).subarray(0, 40)), refusedAs("unreadable"));
});

test("HEIC fuzzing: 200 mutated files are refused as unreadable or accepted as decodable pictures without GPS", async (t) => {
  if (!needExiftool(t)) return;
  const original = await heicWithGps({ xmp: true });
  // A seeded generator (mulberry32): the same variants on every run, so a failure can be replayed.
  let seed = 0x16_16_16;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const at = (n: number) => Math.floor(random() * n);
  let refused = 0;
  let accepted = 0;
  let truncatedAccepted = 0;
  const acceptedFiles: [number, Buffer][] = [];
  for (let i = 0; i < 200; i++) {
    const data = Buffer.from(original);
    const kind = i % 4;
    if (kind === 0) for (let k = 0; k < 1 + at(8); k++) data[at(data.length)] = at(256);
    else if (kind === 1) data.writeUInt32BE(at(2 ** 32), 4 * at(Math.floor(data.length / 4)));
    else if (kind === 2) data[at(600)] = at(256); // the header and meta box
    const variant = kind === 3 ? data.subarray(0, at(data.length)) : data;
    try {
      const result = await clean(variant);
      accepted++;
      if (kind === 3) truncatedAccepted++;
      assert.ok(result.width > 0 && result.height > 0);
      acceptedFiles.push([i, result.bytes]);
    } catch (error) {
      // A mutated size in ispe is refused by the pixel limit before anything is decoded.
      assert.ok(refusedAs("unreadable", "too-many-pixels")(error), `variant ${i}: ${(error as Error).stack}`);
      refused++;
    }
  }
  const dir = await mkdtemp(join(tmpdir(), "honeydue-heic-fuzz-"));
  const paths = await Promise.all(
    acceptedFiles.map(async ([i, bytes]) => {
      await writeFile(join(dir, `${i}.heic`), bytes);
      return join(dir, `${i}.heic`);
    }),
  );
  const tags = paths.length ? gpsTagsOfFiles(paths) : [];
  assert.equal(tags.length, paths.length);
  for (const [n, found] of tags.entries()) assert.deepEqual(found, [], `${paths[n]} accepted with GPS`);
  await rm(dir, { recursive: true, force: true });
  // Flipped bytes inside the coded picture still decode (to a damaged picture); broken structure never does.
  assert.ok(refused > 50, `variants refused: ${refused} refused, ${accepted} accepted`);
  assert.equal(truncatedAccepted, 0, "no truncated file is accepted");
});

test("keys and file names", () => {
  assert.doesNotThrow(() => assertKey("r/6a1e/0f3c_thumb"));
  assert.doesNotThrow(() => assertKey("incoming/0f3c-11"));
  assert.match(
    contentDisposition('a"b\\c.pdf'),
    /^attachment; filename="a_b_c\.pdf"; filename\*=UTF-8''a%22b%5Cc\.pdf$/,
  );
});
