import assert from "node:assert/strict";
import { test } from "node:test";
import { files, tasks, users } from "@honeydue/db";
import { createS3Storage, type Storage } from "@honeydue/storage";
import {
  exiftoolAvailable,
  gpsTags,
  HEIC_FIXTURE_SIZE,
  heicPolyglots,
  heicWithGps,
  heicWithInfeVersion,
  type TestS3Server,
} from "@honeydue/storage/testing";
import { eq } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import sharp from "sharp";
import { hashPassword } from "../src/accounts/passwords.ts";
import {
  createCompletion,
  ELF,
  HTML,
  jpegWithGps,
  multipart,
  PDF,
  pixelBomb,
  png,
  runCleanup,
  runFileJobs,
} from "./files-support.ts";
import { addMember, createHousehold, createResidence, createUser, type TestUser } from "./fixtures.ts";
import type { TestApi } from "./support.ts";

/** Test settings: small limits keep the oversized cases fast. */
export const FILE_TEST_ENV = { UPLOAD_MAX_BYTES: "300000", IMAGE_MAX_PIXELS: "4000000" };

/**
 * The files feature through the HTTP API, run once per storage driver. `s3` is the S3 server the API
 * talks to (absent for the local driver); objects are checked on the server itself, not through the API.
 */
export async function fileSuite(api: TestApi, s3?: TestS3Server) {
  const { app, deps } = api;
  const driver = s3 ? "s3" : "local";
  // What is really stored: a client of our own on the S3 server, or the local folder through the driver.
  const server: Storage = s3 ? createS3Storage(s3.options) : deps.storage;

  const household = await createHousehold(deps);
  const { residence, owner, member, viewer } = household;
  const stranger = await createUser(deps, { name: "Stan Stranger" });
  const strangerHome = await createResidence(deps, stranger.id, { name: "Elsewhere" });

  async function upload(
    user: TestUser,
    fields: Record<string, string>,
    file: { filename: string; contentType: string; data: Buffer },
  ) {
    const body = multipart(fields, file);
    return app.inject({
      method: "POST",
      url: "/v1/uploads",
      headers: { ...user.auth, ...body.headers },
      payload: body.payload,
    });
  }

  async function download(
    user: TestUser,
    url: string,
  ): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
    const res = await app.inject({ method: "GET", url, headers: user.auth });
    if (driver === "s3" && res.statusCode === 302) {
      const location = res.headers.location as string;
      assert.ok(location.startsWith(s3!.endpoint), `redirects to the S3 server: ${location}`);
      assert.match(location, /X-Amz-Signature=/);
      const fetched = await fetch(location);
      return {
        status: fetched.status,
        body: Buffer.from(await fetched.arrayBuffer()),
        headers: Object.fromEntries(fetched.headers),
      };
    }
    return { status: res.statusCode, body: res.rawPayload, headers: res.headers };
  }

  function assertProblem(res: LightMyRequestResponse, status: number, why?: string) {
    assert.equal(res.statusCode, status, `${why ?? ""} ${res.body}`);
    assert.match(res.headers["content-type"] as string, /^application\/problem\+json/);
  }

  /** JPEG photos (with GPS) uploaded by the member for a completion in their residence: their ids, in order. */
  async function completionPhotos(...filenames: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const filename of filenames) {
      const res = await upload(
        member,
        { purpose: "completion_photo", residenceId: residence.id },
        { filename, contentType: "image/jpeg", data: await jpegWithGps() },
      );
      assert.equal(res.statusCode, 201, res.body);
      ids.push(res.json().id);
    }
    return ids;
  }

  async function storedRow(id: string) {
    const [row] = await deps.db.select().from(files).where(eq(files.id, id));
    return row;
  }

  test(`[${driver}] a photo uploaded by multipart is stored without GPS, downloadable by members, with a thumbnail`, async () => {
    const original = await jpegWithGps(120, 80);
    assert.ok((await sharp(original).metadata()).exif, "the test photo carries EXIF");
    assert.ok(original.includes(Buffer.from("HoneyCam")));
    const res = await upload(
      member,
      { purpose: "completion_photo", residenceId: residence.id },
      {
        filename: "leak.jpg",
        contentType: "image/jpeg",
        data: original,
      },
    );
    assert.equal(res.statusCode, 201, res.body);
    const file = res.json();
    assert.equal(file.contentType, "image/jpeg");
    assert.equal(file.status, "uploaded");
    assert.equal(file.width, 120);
    assert.equal(file.height, 80);
    assert.equal(file.filename, "leak.jpg");

    const row = await storedRow(file.id);
    assert.equal(row!.storageKey, `r/${residence.id}/${file.id}`, "the key is made by the server");
    const stored = Buffer.concat(await (await server.get(row!.storageKey)).toArray());
    const meta = await sharp(stored).metadata();
    assert.equal(meta.exif, undefined, "no EXIF (GPS) left in the stored photo");
    assert.ok(!stored.includes(Buffer.from("HoneyCam")));
    assert.equal(meta.format, "jpeg");

    // Every member (viewer included) can download; bytes are the cleaned photo.
    for (const user of [owner, member, viewer]) {
      const got = await download(user, file.url);
      assert.equal(got.status, 200);
      assert.deepEqual(got.body, stored);
      if (driver === "local") {
        assert.equal(got.headers["content-type"], "image/jpeg");
        assert.match(got.headers["content-disposition"] as string, /^attachment; filename="leak\.jpg"/);
        assert.equal(got.headers["x-content-type-options"], "nosniff");
        assert.equal(Number(got.headers["content-length"]), stored.length);
      } else {
        assert.match(String(got.headers["content-disposition"]), /attachment; filename="leak\.jpg"/);
      }
    }

    // No thumbnail until the job ran; then a WebP of at most 512 px.
    const before = await app.inject({
      method: "GET",
      url: `${file.url}?variant=thumbnail`,
      headers: member.auth,
    });
    assertProblem(before, 404);
    assert.ok((await runFileJobs(deps)) >= 1);
    const info = await app.inject({ method: "GET", url: `${file.url}/info`, headers: member.auth });
    assert.equal(info.json().hasThumbnail, true);
    const thumb = await download(member, info.json().thumbnailUrl);
    assert.equal(thumb.status, 200);
    const thumbMeta = await sharp(thumb.body).metadata();
    assert.equal(thumbMeta.format, "webp");
    assert.ok(thumbMeta.width! <= 512 && thumbMeta.height! <= 512);

    // Nobody outside the household learns it exists.
    for (const url of [file.url, `${file.url}?variant=thumbnail`, `${file.url}/info`]) {
      assertProblem(await app.inject({ method: "GET", url, headers: stranger.auth }), 404);
    }
  });

  test(`[${driver}] a real HEIC photo (GPS in EXIF and XMP) is accepted; what is stored has no GPS`, async (t) => {
    if (!exiftoolAvailable()) {
      if (process.env.CI === "true") throw new Error("exiftool is missing: bash .ci/setup-exiftool.sh");
      return t.skip("exiftool not installed (bash .ci/setup-exiftool.sh)");
    }
    const original = await heicWithGps({ xmp: true });
    assert.ok(gpsTags(original).length >= 2, "the fixture has GPS tags");
    const res = await upload(
      member,
      { purpose: "completion_photo", residenceId: residence.id },
      { filename: "IMG_0001.HEIC", contentType: "image/heic", data: original },
    );
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().contentType, "image/heic");
    assert.deepEqual(
      [res.json().width, res.json().height],
      [HEIC_FIXTURE_SIZE.width, HEIC_FIXTURE_SIZE.height],
    );
    const got = await download(viewer, res.json().url);
    assert.equal(got.status, 200);
    assert.equal(got.body.length, original.length, "the picture's bytes are kept");
    assert.deepEqual(gpsTags(got.body), [], "no GPS tag in the stored HEIC");
    assert.ok(!got.body.includes(Buffer.from("iPhone 15")), "no camera tag either");
  });

  test(`[${driver}] HEIC polyglots with HTML and infe versions 0/1 are refused with 422`, async () => {
    const variants = {
      ...(await heicPolyglots()),
      "infe-v0": await heicWithInfeVersion(0),
      "infe-v1": await heicWithInfeVersion(1),
    };
    for (const [name, data] of Object.entries(variants)) {
      const res = await upload(
        member,
        { purpose: "completion_photo", residenceId: residence.id },
        { filename: `${name}.heic`, contentType: "image/heic", data },
      );
      assertProblem(res, 422);
      assert.equal(res.json().type.split("/").pop(), "unreadable-image", name);
    }
  });

  test(`[${driver}] presigned upload: PUT straight to storage, then complete checks the real bytes`, async () => {
    const data = await png(64, 48);
    const start = await app.inject({
      method: "POST",
      url: "/v1/uploads/presign",
      headers: member.auth,
      payload: {
        purpose: "document",
        contentType: "image/png",
        size: data.length,
        residenceId: residence.id,
        filename: "receipt.png",
      },
    });
    assert.equal(start.statusCode, 201, start.body);
    const { uploadId, url, method, headers } = start.json();
    assert.equal(method, "PUT");

    // Completing before anything was uploaded is refused.
    const early = await app.inject({
      method: "POST",
      url: `/v1/uploads/${uploadId}/complete`,
      headers: member.auth,
    });
    assertProblem(early, 409);

    await putPresigned(url, headers, data);
    const done = await app.inject({
      method: "POST",
      url: `/v1/uploads/${uploadId}/complete`,
      headers: member.auth,
    });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().id, uploadId);
    assert.equal(done.json().contentType, "image/png");
    assert.equal(done.json().width, 64);
    // Completing twice answers the same file.
    const again = await app.inject({
      method: "POST",
      url: `/v1/uploads/${uploadId}/complete`,
      headers: member.auth,
    });
    assert.equal(again.statusCode, 200);
    assert.equal(await server.head(`incoming/${uploadId}`), null, "the staging object is gone");

    const got = await download(owner, `/v1/files/${uploadId}`);
    assert.equal(got.status, 200);
    assert.equal((await sharp(got.body).metadata()).width, 64);

    // Someone else's upload cannot be completed: 404.
    assertProblem(
      await app.inject({ method: "POST", url: `/v1/uploads/${uploadId}/complete`, headers: stranger.auth }),
      404,
    );
  });

  async function putPresigned(url: string, headers: Record<string, string>, data: Buffer) {
    if (driver === "s3") {
      const res = await fetch(url, { method: "PUT", headers, body: new Uint8Array(data) });
      assert.equal(res.status, 200, await res.text());
      return;
    }
    const target = new URL(url);
    assert.equal(target.origin, "https://api.honeydue.test", "local presigned URLs point at the API");
    const res = await app.inject({
      method: "PUT",
      url: target.pathname + target.search,
      headers,
      payload: data,
    });
    assert.equal(res.statusCode, 200, res.body);
  }

  test(`[${driver}] presigned upload of an HTML file announced as image/png is refused on complete`, async () => {
    const start = await app.inject({
      method: "POST",
      url: "/v1/uploads/presign",
      headers: member.auth,
      payload: {
        purpose: "completion_photo",
        contentType: "image/png",
        size: HTML.length,
        residenceId: residence.id,
      },
    });
    assert.equal(start.statusCode, 201, start.body);
    const { uploadId, url, headers } = start.json();
    await putPresigned(url, headers, HTML);
    const done = await app.inject({
      method: "POST",
      url: `/v1/uploads/${uploadId}/complete`,
      headers: member.auth,
    });
    assertProblem(done, 415);
    assert.equal(await storedRow(uploadId), undefined, "the refused upload is dropped");
    await runFileJobs(deps);
    assert.equal(await server.head(`incoming/${uploadId}`), null, "and its object deleted");
  });

  test(`[${driver}] spoofed, oversized, bomb and traversal uploads are refused with 4xx problems`, async () => {
    const fields = { purpose: "completion_photo", residenceId: residence.id };
    // An executable named .jpg.
    assertProblem(
      await upload(member, fields, { filename: "cat.jpg", contentType: "image/jpeg", data: ELF }),
      415,
    );
    // HTML sent as image/png.
    assertProblem(
      await upload(member, fields, { filename: "x.png", contentType: "image/png", data: HTML }),
      415,
    );
    // A PDF is not a photo...
    assertProblem(
      await upload(member, fields, { filename: "photo.jpg", contentType: "image/jpeg", data: PDF }),
      415,
    );
    // ...but a PDF with a wrong extension is accepted as a PDF where documents may be PDFs.
    const pdf = await upload(
      member,
      { purpose: "document", residenceId: residence.id },
      {
        filename: "warranty.jpg",
        contentType: "image/jpeg",
        data: PDF,
      },
    );
    assert.equal(pdf.statusCode, 201, pdf.body);
    assert.equal(pdf.json().contentType, "application/pdf");
    // A PDF is served only as an attachment, under the sandbox CSP (issue 16): never rendered inline.
    const gotPdf = await download(member, pdf.json().url);
    assert.equal(gotPdf.status, 200);
    assert.match(String(gotPdf.headers["content-disposition"]), /^attachment;/);
    if (driver === "local") {
      assert.equal(gotPdf.headers["content-security-policy"], "default-src 'none'; sandbox");
      assert.equal(gotPdf.headers["x-content-type-options"], "nosniff");
    }
    // Oversized (limit 300000 bytes in these tests).
    const big = Buffer.concat([await png(), Buffer.alloc(400_000, 7)]);
    const tooBig = await upload(member, fields, { filename: "big.png", contentType: "image/png", data: big });
    assertProblem(tooBig, 413);
    const presignBig = await app.inject({
      method: "POST",
      url: "/v1/uploads/presign",
      headers: member.auth,
      payload: {
        purpose: "document",
        contentType: "application/pdf",
        size: 400_000,
        residenceId: residence.id,
      },
    });
    assertProblem(presignBig, 413);
    // A decompression bomb: a tiny PNG declaring 100000 × 100000 pixels.
    const bomb = await upload(member, fields, {
      filename: "bomb.png",
      contentType: "image/png",
      data: await pixelBomb(),
    });
    assertProblem(bomb, 422);
    assert.equal(bomb.json().type, "https://docs.honeydue.app/problems/image-too-large");
    // Traversal in a file name, multipart and presigned.
    const traversal = await upload(member, fields, {
      filename: "../../etc/passwd",
      contentType: "image/png",
      data: await png(),
    });
    assertProblem(traversal, 400);
    const presignTraversal = await app.inject({
      method: "POST",
      url: "/v1/uploads/presign",
      headers: member.auth,
      payload: {
        purpose: "document",
        contentType: "application/pdf",
        size: PDF.length,
        residenceId: residence.id,
        filename: "..\\..\\boot.ini",
      },
    });
    assertProblem(presignTraversal, 400);
    // A forged local storage URL.
    assertProblem(
      await app.inject({
        method: "PUT",
        url: "/v1/storage?token=..%2F..%2Fetc%2Fpasswd.sig",
        headers: { "content-type": "image/png" },
        payload: HTML,
      }),
      403,
    );
    // Nothing refused was left behind as a file row.
    const rows = await deps.db.select({ id: files.id }).from(files).where(eq(files.ownerId, member.id));
    for (const row of rows) assert.notEqual((await storedRow(row.id))?.status, "pending");
  });

  test(`[${driver}] viewers cannot upload; other households get 404 on every file route`, async () => {
    const photo = await png();
    assertProblem(
      await upload(
        viewer,
        { purpose: "completion_photo", residenceId: residence.id },
        { filename: "a.png", contentType: "image/png", data: photo },
      ),
      403,
    );
    assertProblem(
      await upload(
        stranger,
        { purpose: "completion_photo", residenceId: residence.id },
        { filename: "a.png", contentType: "image/png", data: photo },
      ),
      404,
    );
    const presign = await app.inject({
      method: "POST",
      url: "/v1/uploads/presign",
      headers: stranger.auth,
      payload: {
        purpose: "document",
        contentType: "image/png",
        size: photo.length,
        residenceId: residence.id,
      },
    });
    assertProblem(presign, 404);

    // A stranger's own upload cannot be attached here, and ours cannot be attached there.
    const theirs = await upload(
      stranger,
      { purpose: "document", residenceId: strangerHome.id },
      { filename: "s.png", contentType: "image/png", data: photo },
    );
    assert.equal(theirs.statusCode, 201, theirs.body);
    const doc = await createDocument(member, "Boiler manual");
    assertProblem(
      await app.inject({
        method: "PUT",
        url: `/v1/documents/${doc}/file`,
        headers: member.auth,
        payload: { fileId: theirs.json().id },
      }),
      400,
      "another household's upload is refused like one that does not exist",
    );
    const ours = await upload(
      member,
      { purpose: "document", residenceId: residence.id },
      { filename: "o.png", contentType: "image/png", data: photo },
    );
    assertProblem(
      await app.inject({
        method: "PUT",
        url: `/v1/documents/${doc}/file`,
        headers: stranger.auth,
        payload: { fileId: ours.json().id },
      }),
      404,
    );
    assertProblem(
      await app.inject({ method: "GET", url: `/v1/files/${ours.json().id}`, headers: stranger.auth }),
      404,
    );
    const { completionId } = await createCompletion(deps, residence.id, member.id);
    assertProblem(
      await app.inject({
        method: "PUT",
        url: `/v1/completions/${completionId}/photos`,
        headers: stranger.auth,
        payload: { photoIds: [] },
      }),
      404,
    );
    assertProblem(
      await app.inject({
        method: "GET",
        url: `/v1/completions/${completionId}/photos`,
        headers: stranger.auth,
      }),
      404,
    );
    assertProblem(
      await app.inject({
        method: "PUT",
        url: `/v1/residences/${residence.id}/photo`,
        headers: stranger.auth,
        payload: { fileId: null },
      }),
      404,
    );
  });

  async function createDocument(user: TestUser, title: string): Promise<string> {
    const res = await app.inject({
      method: "POST",
      url: `/v1/residences/${residence.id}/documents`,
      headers: user.auth,
      payload: { title, kind: "manual" },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id;
  }

  test(`[${driver}] a document's file: attach, replace (old object deleted), delete the document (object deleted)`, async () => {
    const doc = await createDocument(member, "Dishwasher warranty");
    const first = await upload(
      member,
      { purpose: "document", residenceId: residence.id },
      { filename: "w.pdf", contentType: "application/pdf", data: PDF },
    );
    assert.equal(first.statusCode, 201, first.body);
    const attach = await app.inject({
      method: "PUT",
      url: `/v1/documents/${doc}/file`,
      headers: member.auth,
      payload: { fileId: first.json().id },
    });
    assert.equal(attach.statusCode, 200, attach.body);
    assert.equal(attach.json().file.status, "attached");
    assertProblem(
      await app.inject({ method: "DELETE", url: `/v1/uploads/${first.json().id}`, headers: member.auth }),
      409,
    );
    const docRes = await app.inject({ method: "GET", url: `/v1/documents/${doc}`, headers: viewer.auth });
    assert.equal(docRes.json().fileId, first.json().id);
    // A photo upload cannot become a document's file; an attached file cannot be attached twice.
    const other = await createDocument(member, "Other");
    assertProblem(
      await app.inject({
        method: "PUT",
        url: `/v1/documents/${other}/file`,
        headers: member.auth,
        payload: { fileId: first.json().id },
      }),
      409,
    );

    const firstKey = (await storedRow(first.json().id))!.storageKey;
    assert.ok(await server.head(firstKey));
    const second = await upload(
      member,
      { purpose: "document", residenceId: residence.id },
      { filename: "w2.pdf", contentType: "application/pdf", data: PDF },
    );
    await app.inject({
      method: "PUT",
      url: `/v1/documents/${doc}/file`,
      headers: member.auth,
      payload: { fileId: second.json().id },
    });
    await runFileJobs(deps);
    assert.equal(await storedRow(first.json().id), undefined);
    assert.equal(await server.head(firstKey), null, "the replaced file's object is deleted");

    const secondKey = (await storedRow(second.json().id))!.storageKey;
    assert.ok(await server.head(secondKey));
    const del = await app.inject({ method: "DELETE", url: `/v1/documents/${doc}`, headers: member.auth });
    assert.equal(del.statusCode, 204, del.body);
    await runFileJobs(deps);
    assert.equal(await storedRow(second.json().id), undefined);
    assert.equal(
      await server.head(secondKey),
      null,
      "deleting the document deleted its object on the storage server",
    );
  });

  test(`[${driver}] documents take fileId on create and PATCH (null removes and deletes the file)`, async () => {
    const first = await upload(
      member,
      { purpose: "document", residenceId: residence.id },
      { filename: "manual.pdf", contentType: "application/pdf", data: PDF },
    );
    const created = await app.inject({
      method: "POST",
      url: `/v1/residences/${residence.id}/documents`,
      headers: member.auth,
      payload: { title: "Furnace manual", kind: "manual", fileId: first.json().id },
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().fileId, first.json().id);
    assert.equal((await storedRow(first.json().id))!.status, "attached");
    const key = (await storedRow(first.json().id))!.storageKey;
    const cleared = await app.inject({
      method: "PATCH",
      url: `/v1/documents/${created.json().id}`,
      headers: member.auth,
      payload: { fileId: null },
    });
    assert.equal(cleared.statusCode, 200, cleared.body);
    assert.equal(cleared.json().fileId, null);
    await runFileJobs(deps);
    assert.equal(await storedRow(first.json().id), undefined);
    assert.equal(await server.head(key), null);
    const photo = await upload(
      member,
      { purpose: "completion_photo", residenceId: residence.id },
      { filename: "p.png", contentType: "image/png", data: await png() },
    );
    const wrongPurpose = await app.inject({
      method: "PATCH",
      url: `/v1/documents/${created.json().id}`,
      headers: member.auth,
      payload: { fileId: photo.json().id },
    });
    assertProblem(wrongPurpose, 400);
  });

  test(`[${driver}] completing a task with photoIds attaches them; undo deletes them`, async () => {
    const [task] = await deps.db
      .insert(tasks)
      .values({ residenceId: residence.id, title: "Replace the washer", createdBy: member.id })
      .returning({ id: tasks.id });
    const ids = await completionPhotos("a.jpg", "b.jpg");
    const done = await app.inject({
      method: "POST",
      url: `/v1/tasks/${task!.id}/complete`,
      headers: member.auth,
      payload: { dueOn: null, photoIds: [ids[1], ids[0]] },
    });
    assert.equal(done.statusCode, 201, done.body);
    assert.deepEqual(done.json().completion.photoIds, [ids[1], ids[0]]);
    const list = await app.inject({
      method: "GET",
      url: `/v1/tasks/${task!.id}/completions`,
      headers: viewer.auth,
    });
    assert.deepEqual(list.json().items[0].photoIds, [ids[1], ids[0]]);
    const keys = await Promise.all(ids.map(async (id) => (await storedRow(id))!.storageKey));
    const undo = await app.inject({
      method: "DELETE",
      url: `/v1/tasks/${task!.id}/completions/latest`,
      headers: member.auth,
    });
    assert.equal(undo.statusCode, 200, undo.body);
    await runFileJobs(deps);
    for (const key of keys)
      assert.equal(await server.head(key), null, "photos of an undone completion are deleted");
    // A photo of another household cannot be attached to a completion here.
    const [task2] = await deps.db
      .insert(tasks)
      .values({ residenceId: residence.id, title: "Check the smoke alarm", createdBy: member.id })
      .returning({ id: tasks.id });
    const theirs = await upload(
      stranger,
      { purpose: "completion_photo", residenceId: strangerHome.id },
      { filename: "s.png", contentType: "image/png", data: await png() },
    );
    const refused = await app.inject({
      method: "POST",
      url: `/v1/tasks/${task2!.id}/complete`,
      headers: member.auth,
      payload: { dueOn: null, photoIds: [theirs.json().id] },
    });
    assertProblem(refused, 400);
    const after = await app.inject({
      method: "GET",
      url: `/v1/tasks/${task2!.id}/completions`,
      headers: member.auth,
    });
    assert.equal(after.json().items.length, 0, "nothing was completed");
  });

  test(`[${driver}] completion photos, residence photo and avatar are attached by id`, async () => {
    const { completionId } = await createCompletion(deps, residence.id, member.id);
    const ids = await completionPhotos("before.jpg", "after.jpg");
    const set = await app.inject({
      method: "PUT",
      url: `/v1/completions/${completionId}/photos`,
      headers: member.auth,
      payload: { photoIds: ids },
    });
    assert.equal(set.statusCode, 200, set.body);
    assert.deepEqual(
      set.json().photos.map((p: { id: string }) => p.id),
      ids,
    );
    // Dropping one deletes it.
    const keep = await app.inject({
      method: "PUT",
      url: `/v1/completions/${completionId}/photos`,
      headers: member.auth,
      payload: { photoIds: [ids[1]] },
    });
    assert.deepEqual(
      keep.json().photos.map((p: { id: string }) => p.id),
      [ids[1]],
    );
    assert.equal(await storedRow(ids[0]!), undefined);
    // Viewers can look, not change.
    assert.equal(
      (
        await app.inject({
          method: "GET",
          url: `/v1/completions/${completionId}/photos`,
          headers: viewer.auth,
        })
      ).statusCode,
      200,
    );
    assertProblem(
      await app.inject({
        method: "PUT",
        url: `/v1/completions/${completionId}/photos`,
        headers: viewer.auth,
        payload: { photoIds: [] },
      }),
      403,
    );

    const avatarOfStranger = (
      await upload(
        stranger,
        { purpose: "avatar" },
        { filename: "s.png", contentType: "image/png", data: await png() },
      )
    ).json().id;
    const photo = await upload(
      owner,
      { purpose: "residence_photo", residenceId: residence.id },
      { filename: "house.png", contentType: "image/png", data: await png() },
    );
    assert.equal(photo.statusCode, 201, photo.body);
    const setPhoto = await app.inject({
      method: "PUT",
      url: `/v1/residences/${residence.id}/photo`,
      headers: owner.auth,
      payload: { fileId: photo.json().id },
    });
    assert.equal(setPhoto.statusCode, 200, setPhoto.body);
    assert.equal(setPhoto.json().photo.id, photo.json().id);
    // PATCH of the residence takes photoFileId too; the replaced photo is deleted.
    const next = await upload(
      owner,
      { purpose: "residence_photo", residenceId: residence.id },
      { filename: "house2.png", contentType: "image/png", data: await png() },
    );
    const patched = await app.inject({
      method: "PATCH",
      url: `/v1/residences/${residence.id}`,
      headers: owner.auth,
      payload: { photoFileId: next.json().id },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().photoFileId, next.json().id);
    assert.equal(await storedRow(photo.json().id), undefined, "the previous photo is deleted");
    const foreign = await app.inject({
      method: "PATCH",
      url: `/v1/residences/${residence.id}`,
      headers: owner.auth,
      payload: { photoFileId: avatarOfStranger },
    });
    assertProblem(foreign, 400);

    // Avatars: the user's own; visible to people sharing a residence, not to strangers.
    const avatar = await upload(
      member,
      { purpose: "avatar" },
      { filename: "me.jpg", contentType: "image/jpeg", data: await jpegWithGps() },
    );
    assert.equal(avatar.statusCode, 201, avatar.body);
    assert.equal(avatar.json().residenceId, null);
    const put = await app.inject({
      method: "PUT",
      url: "/v1/me/avatar",
      headers: member.auth,
      payload: { fileId: avatar.json().id },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal((await download(owner, avatar.json().url)).status, 200);
    assertProblem(await app.inject({ method: "GET", url: avatar.json().url, headers: stranger.auth }), 404);
    // Someone else's avatar upload cannot become mine.
    assertProblem(
      await app.inject({
        method: "PUT",
        url: "/v1/me/avatar",
        headers: owner.auth,
        payload: { fileId: avatar.json().id },
      }),
      400,
    );
    const removed = await app.inject({ method: "DELETE", url: "/v1/me/avatar", headers: member.auth });
    assert.equal(removed.statusCode, 204);
    assert.equal(await storedRow(avatar.json().id), undefined);
  });

  test(`[${driver}] my export lists the files of my residences and my avatar, not other households'`, async () => {
    const mine = await upload(
      member,
      { purpose: "avatar" },
      { filename: "face.png", contentType: "image/png", data: await png() },
    );
    const res = await app.inject({ method: "GET", url: "/v1/me/export", headers: member.auth });
    assert.equal(res.statusCode, 200);
    const listed = JSON.parse(res.body).files as { id: string; residenceId: string | null; url: string }[];
    assert.ok(listed.some((f) => f.id === mine.json().id && f.url === `/v1/files/${mine.json().id}`));
    assert.ok(listed.length > 1);
    assert.ok(listed.every((f) => f.residenceId === null || f.residenceId === residence.id));
  });

  test(`[${driver}] an upload never attached is gone after the cleanup job`, async () => {
    const res = await upload(
      member,
      { purpose: "completion_photo", residenceId: residence.id },
      { filename: "orphan.png", contentType: "image/png", data: await png() },
    );
    assert.equal(res.statusCode, 201);
    const key = (await storedRow(res.json().id))!.storageKey;
    await runFileJobs(deps);
    const thumbKey = (await storedRow(res.json().id))!.thumbnailKey!;
    assert.ok(await server.head(key));
    assert.ok(await server.head(thumbKey));
    // An attached file of the same age survives the sweep.
    const kept = await upload(
      member,
      { purpose: "residence_photo", residenceId: residence.id },
      { filename: "k.png", contentType: "image/png", data: await png() },
    ).catch(() => undefined);
    void kept;
    // Discarding: only my own, only while not attached.
    const mine = await upload(
      member,
      { purpose: "document", residenceId: residence.id },
      { filename: "x.pdf", contentType: "application/pdf", data: PDF },
    );
    const mineKey = (await storedRow(mine.json().id))!.storageKey;
    assertProblem(
      await app.inject({ method: "DELETE", url: `/v1/uploads/${mine.json().id}`, headers: stranger.auth }),
      404,
    );
    assertProblem(
      await app.inject({ method: "DELETE", url: `/v1/uploads/${mine.json().id}`, headers: owner.auth }),
      404,
    );
    const discarded = await app.inject({
      method: "DELETE",
      url: `/v1/uploads/${mine.json().id}`,
      headers: member.auth,
    });
    assert.equal(discarded.statusCode, 204, discarded.body);
    await runFileJobs(deps);
    assert.equal(await server.head(mineKey), null);
    await runCleanup(deps, 1);
    assert.ok(await storedRow(res.json().id), "younger than 24 hours: kept");
    await runCleanup(deps, 25);
    assert.equal(await storedRow(res.json().id), undefined);
    assert.equal(await server.head(key), null, "the object is deleted");
    assert.equal(await server.head(thumbKey), null, "and its thumbnail");
  });

  test(`[${driver}] deleting an account deletes its avatar; its household files stay`, async () => {
    const leaver = await createUser(deps, { name: "Lea Leaver" });
    await addMember(deps, residence.id, leaver.id, "member");
    await deps.db
      .update(users)
      .set({ passwordHash: await hashPassword("correct horse battery") })
      .where(eq(users.id, leaver.id));
    const avatar = await upload(
      leaver,
      { purpose: "avatar" },
      { filename: "me.png", contentType: "image/png", data: await png() },
    );
    await app.inject({
      method: "PUT",
      url: "/v1/me/avatar",
      headers: leaver.auth,
      payload: { fileId: avatar.json().id },
    });
    const photo = await upload(
      leaver,
      { purpose: "completion_photo", residenceId: residence.id },
      { filename: "p.png", contentType: "image/png", data: await png() },
    );
    const avatarKey = (await storedRow(avatar.json().id))!.storageKey;
    const photoKey = (await storedRow(photo.json().id))!.storageKey;
    const del = await app.inject({
      method: "DELETE",
      url: "/v1/me",
      headers: leaver.auth,
      payload: { password: "correct horse battery" },
    });
    assert.equal(del.statusCode, 204, del.body);
    await runFileJobs(deps);
    assert.equal(await server.head(avatarKey), null, "the avatar is deleted with the account");
    assert.ok(await server.head(photoKey), "the household's photo stays");
    assert.equal((await storedRow(photo.json().id))!.ownerId, null);
  });

  test(`[${driver}] deleting a residence deletes its objects`, async () => {
    const home = await createResidence(deps, owner.id, { name: "Cabin" });
    await addMember(deps, home.id, member.id, "member");
    const res = await upload(
      member,
      { purpose: "document", residenceId: home.id },
      { filename: "deed.pdf", contentType: "application/pdf", data: PDF },
    );
    const key = (await storedRow(res.json().id))!.storageKey;
    assert.ok(await server.head(key));
    const del = await app.inject({ method: "DELETE", url: `/v1/residences/${home.id}`, headers: owner.auth });
    assert.ok([200, 204].includes(del.statusCode), del.body);
    await runFileJobs(deps);
    assert.equal(await server.head(key), null);
  });
}
