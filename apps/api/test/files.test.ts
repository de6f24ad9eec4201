import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { files } from "@honeydue/db";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { FILE_TEST_ENV, fileSuite } from "./files-suite.ts";
import { multipart, PDF, png } from "./files-support.ts";
import { createHousehold } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

// The local driver (the embedded default): objects in DATA_DIR/uploads, presigned URLs back to the API.
const dataDir = await mkdtemp(join(tmpdir(), "honeydue-files-"));
const api = await startTestApi({ ...FILE_TEST_ENV, DATA_DIR: dataDir });
// A residence's storage quota, on an API of its own with a 4 KB quota.
const quota = await startTestApi({
  ...FILE_TEST_ENV,
  DATA_DIR: dataDir,
  RESIDENCE_STORAGE_QUOTA_BYTES: "4096",
});
// The embedded job runner (as `npm start` runs it): thumbnails and object deletion happen after commit.
const embedded = await startTestApi({ env: { ...FILE_TEST_ENV, DATA_DIR: dataDir }, smtp: true });
// Every API is started before the first test is declared: declared tests start running at once, and a
// later top-level await could let the file's after-hooks close the APIs under them.
await fileSuite(api);

test("[local] uploads beyond the residence's quota are refused with 413", async () => {
  const { residence, member } = await createHousehold(quota.deps);
  const pdf = (bytes: number) => Buffer.concat([PDF, Buffer.alloc(bytes - PDF.length, 0x20)]);
  const send = (data: Buffer) => {
    const body = multipart(
      { purpose: "document", residenceId: residence.id },
      { filename: "d.pdf", contentType: "application/pdf", data },
    );
    return quota.app.inject({
      method: "POST",
      url: "/v1/uploads",
      headers: { ...member.auth, ...body.headers },
      payload: body.payload,
    });
  };
  assert.equal((await send(pdf(3000))).statusCode, 201);
  const over = await send(pdf(1500));
  assert.equal(over.statusCode, 413, over.body);
  assert.equal(over.json().type, "https://docs.honeydue.app/problems/storage-quota-exceeded");
  const presign = await quota.app.inject({
    method: "POST",
    url: "/v1/uploads/presign",
    headers: member.auth,
    payload: { purpose: "document", contentType: "application/pdf", size: 1500, residenceId: residence.id },
  });
  assert.equal(presign.statusCode, 413, presign.body);
  assert.equal((await send(pdf(1000))).statusCode, 201, "what still fits is accepted");
});

test("[local] with the embedded runner, thumbnails appear and deleted files' objects go, on their own", async () => {
  const { residence, member } = await createHousehold(embedded.deps);
  const body = multipart(
    { purpose: "completion_photo", residenceId: residence.id },
    { filename: "p.png", contentType: "image/png", data: await png(700, 500) },
  );
  const res = await embedded.app.inject({
    method: "POST",
    url: "/v1/uploads",
    headers: { ...member.auth, ...body.headers },
    payload: body.payload,
  });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().id;
  const info = await until(async () => {
    const r = await embedded.app.inject({ method: "GET", url: `/v1/files/${id}/info`, headers: member.auth });
    return r.json().hasThumbnail ? (r.json() as { thumbnailUrl: string }) : undefined;
  }, "the thumbnail");
  const thumb = await embedded.app.inject({ method: "GET", url: info.thumbnailUrl, headers: member.auth });
  assert.equal(thumb.headers["content-type"], "image/webp");
  assert.deepEqual(
    [(await sharp(thumb.rawPayload).metadata()).width, (await sharp(thumb.rawPayload).metadata()).height],
    [512, 366],
  );
  const [row] = await embedded.deps.db.select().from(files).where(eq(files.id, id));
  await embedded.deps.db.delete(files).where(eq(files.id, id));
  embedded.deps.notifyOutbox();
  await until(
    async () =>
      (await embedded.deps.storage.head(row!.storageKey)) === null &&
      (await embedded.deps.storage.head(row!.thumbnailKey!)) === null,
    "the objects deleted",
  );
});

test("[local] signed download URLs of the local driver serve the file once signed, and nothing else", async () => {
  const { storage } = api.deps;
  await storage.put("r/signed-test/obj", Buffer.from("%PDF-1.4 x"), { contentType: "application/pdf" });
  const url = new URL(
    await storage.signedGetUrl("r/signed-test/obj", {
      expiresIn: 60,
      filename: "a.pdf",
      contentType: "application/pdf",
    }),
  );
  const ok = await api.app.inject({ method: "GET", url: url.pathname + url.search });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.headers["content-disposition"], `attachment; filename="a.pdf"; filename*=UTF-8''a.pdf`);
  assert.equal(ok.headers["x-content-type-options"], "nosniff");
  assert.equal(ok.body, "%PDF-1.4 x");
  const tampered = `${url.pathname}?token=${url.searchParams.get("token")!.replace(/.$/, (c) => (c === "A" ? "B" : "A"))}`;
  assert.equal((await api.app.inject({ method: "GET", url: tampered })).statusCode, 403);
  // A GET grant does not allow a PUT.
  const put = await api.app.inject({
    method: "PUT",
    url: url.pathname + url.search,
    headers: { "content-type": "application/pdf" },
    payload: "x",
  });
  assert.equal(put.statusCode, 403);
});

/** Polls `check` until it returns a truthy value (the runner works in the background). */
async function until<T>(check: () => Promise<T>, what: string): Promise<NonNullable<T>> {
  for (let i = 0; i < 200; i++) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}
