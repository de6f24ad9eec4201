/**
 * Contractor hand-off links (issue 18, item 3) through the real API on PostgreSQL, Redis (the link budget)
 * and a real S3-protocol server: a contractor with nothing but the link sends an invoice and photos and marks
 * the work done; a member accepts it (a completion with the files, cost and contractor) or rejects it. The
 * link's credential is then tried against every other route of the OpenAPI document.
 */
import assert from "node:assert/strict";
import { createHash, randomInt, randomUUID } from "node:crypto";
import { test } from "node:test";
import { contractors, documents, files, handoffLinks, residences } from "@honeydue/db";
import { createS3Storage } from "@honeydue/storage";
import { startTestS3Server } from "@honeydue/storage/testing";
import { redisReachable } from "@honeydue/testkit";
import { eq, sql } from "drizzle-orm";
import type { InjectOptions } from "fastify";
import sharp from "sharp";
import { LINK_REQUESTS_PER_LINK } from "../src/accounts/throttle.ts";
import { FILE_TEST_ENV } from "./files-suite.ts";
import { ELF, jpegWithGps, multipart, PDF } from "./files-support.ts";
import { createHousehold } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const s3 = await startTestS3Server();
const redis = await redisReachable();
const { app, deps } = await startTestApi({ env: { ...FILE_TEST_ENV, ...s3.env }, redis });
const bucket = createS3Storage(s3.options);

const A = await createHousehold(deps, { name: "Maple Street" });
const B = await createHousehold(deps, { name: "Elsewhere" });
await deps.db
  .update(residences)
  .set({ addressLine1: "12 Maple Street", city: "Springfield", postalCode: "49007" })
  .where(eq(residences.id, A.residence.id));

/** Every contractor request comes from one made-up address of this run (the budget is per address too). */
const contractorIp = `127.${randomInt(1, 250)}.${randomInt(1, 250)}.${randomInt(1, 250)}`;
const asContractor = (options: InjectOptions) => app.inject({ ...options, remoteAddress: contractorIp });

async function newTask(title: string, notes: string | null = null): Promise<string> {
  const res = await app.inject({
    method: "POST",
    url: `/v1/residences/${A.residence.id}/tasks`,
    headers: A.member.auth,
    payload: { title, notes, dueOn: "2030-05-01", recurrence: { kind: "fixed", interval: 1, unit: "year" } },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

async function newLink(taskId: string, body: Record<string, unknown> = {}) {
  const res = await app.inject({
    method: "POST",
    url: `/v1/tasks/${taskId}/handoff-links`,
    headers: A.member.auth,
    payload: body,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; token: string; url: string; expiresAt: string; state: string };
}

function sendFile(
  token: string,
  kind: string,
  file: { filename: string; contentType: string; data: Buffer },
) {
  const body = multipart({ kind }, file);
  return asContractor({
    method: "POST",
    url: `/v1/handoff/${token}/files`,
    headers: body.headers,
    payload: body.payload,
  });
}

const taskId = await newTask("Service the boiler", "Annual service; the boiler is in the cellar.");
// Something else of the household that the contractor must never see.
const otherTaskId = await newTask("Secret other task", "Spare key under the mat");

test("a link is made for one task, expires in 14 days by default, and only its token's hash is stored", async () => {
  const link = await newLink(taskId, { showAddress: true });
  assert.equal(link.state, "open");
  assert.equal(link.url, `https://web.honeydue.test/handoff/${link.token}`);
  const days = (Date.parse(link.expiresAt) - Date.now()) / 86_400_000;
  assert.ok(days > 13.9 && days <= 14, `expires in ${days} days`);
  const [row] = await deps.db.select().from(handoffLinks).where(eq(handoffLinks.id, link.id));
  assert.deepEqual(row!.tokenHash, createHash("sha256").update(link.token).digest());
  const dump = JSON.stringify(row);
  assert.ok(!dump.includes(link.token), "the token itself is stored somewhere");
  // A viewer may not make links; another household does not see the task.
  for (const [who, status] of [
    [A.viewer, 403],
    [B.owner, 404],
  ] as const) {
    const res = await app.inject({
      method: "POST",
      url: `/v1/tasks/${taskId}/handoff-links`,
      headers: who.auth,
      payload: {},
    });
    assert.equal(res.statusCode, status, res.body);
  }
});

test("the contractor sends an invoice and photos, marks the work done, and a member accepts it", async () => {
  const link = await newLink(taskId, { showAddress: true, expiresInDays: 3 });
  const page = await asContractor({ method: "GET", url: `/v1/handoff/${link.token}` });
  assert.equal(page.statusCode, 200, page.body);
  const view = page.json();
  assert.deepEqual(view.task, {
    title: "Service the boiler",
    notes: "Annual service; the boiler is in the cellar.",
  });
  assert.equal(view.address, "12 Maple Street, 49007 Springfield");
  assert.equal(view.state, "open");
  for (const secret of [
    A.residence.id,
    'Maple Street"',
    otherTaskId,
    "Secret other task",
    A.owner.email,
    A.owner.name,
  ])
    assert.ok(!page.body.includes(secret), `the contractor's page shows ${secret}`);

  // The same checks as every upload: an executable is refused, the photo loses its GPS tags.
  const bad = await sendFile(link.token, "invoice", {
    filename: "invoice.exe",
    contentType: "application/pdf",
    data: ELF,
  });
  assert.equal(bad.statusCode, 415, bad.body);
  const pdfAsPhoto = await sendFile(link.token, "photo", {
    filename: "a.pdf",
    contentType: "application/pdf",
    data: PDF,
  });
  assert.equal(pdfAsPhoto.statusCode, 415, pdfAsPhoto.body);
  const invoice = await sendFile(link.token, "invoice", {
    filename: "invoice-1042.pdf",
    contentType: "application/pdf",
    data: PDF,
  });
  assert.equal(invoice.statusCode, 201, invoice.body);
  const photo = await sendFile(link.token, "photo", {
    filename: "boiler.jpg",
    contentType: "image/jpeg",
    data: await jpegWithGps(),
  });
  assert.equal(photo.statusCode, 201, photo.body);
  const photoId = photo.json().id;
  const [stored] = await deps.db.select().from(files).where(eq(files.id, photoId));
  assert.equal(stored!.residenceId, A.residence.id);
  assert.equal(stored!.ownerId, null);
  const bytes = await streamToBuffer(await bucket.get(stored!.storageKey));
  const meta = await sharp(bytes).metadata();
  assert.equal(meta.exif, undefined, "the stored photo still carries EXIF (GPS)");

  const submitted = await asContractor({
    method: "POST",
    url: `/v1/handoff/${link.token}/submit`,
    payload: {
      contractorName: "Pat Fixit",
      company: "Fixit Heating",
      phone: "555-0100",
      amountCents: 18_500,
      note: "Replaced the pressure valve.",
    },
  });
  assert.equal(submitted.statusCode, 200, submitted.body);
  assert.equal(submitted.json().state, "submitted");
  assert.equal(submitted.json().files.length, 2);
  // Single purpose: nothing more goes through the link once the work is marked done.
  const again = await asContractor({
    method: "POST",
    url: `/v1/handoff/${link.token}/submit`,
    payload: { contractorName: "Pat Fixit" },
  });
  assert.equal(again.statusCode, 409, again.body);
  const late = await sendFile(link.token, "photo", {
    filename: "x.jpg",
    contentType: "image/jpeg",
    data: await jpegWithGps(),
  });
  assert.equal(late.statusCode, 409, late.body);

  // Members see the proposal; the task has no completion yet.
  const proposed = await app.inject({
    method: "GET",
    url: `/v1/residences/${A.residence.id}/handoff-links?state=proposed`,
    headers: A.viewer.auth,
  });
  assert.equal(proposed.statusCode, 200, proposed.body);
  const item = proposed.json().items.find((l: { id: string }) => l.id === link.id);
  assert.equal(item.submission.contractorName, "Pat Fixit");
  assert.equal(item.submission.amountCents, 18_500);
  assert.equal(item.submission.invoiceFileId, invoice.json().id);
  assert.deepEqual(item.submission.photoIds, [photoId]);
  const log0 = await app.inject({
    method: "GET",
    url: `/v1/tasks/${taskId}/completions`,
    headers: A.owner.auth,
  });
  assert.equal(log0.json().items.length, 0);
  // A member can look at the invoice before deciding.
  const invoiceInfo = await app.inject({
    method: "GET",
    url: `/v1/files/${invoice.json().id}/info`,
    headers: A.member.auth,
  });
  assert.equal(invoiceInfo.statusCode, 200, invoiceInfo.body);

  for (const [who, status] of [
    [A.viewer, 403],
    [B.owner, 404],
  ] as const) {
    const res = await app.inject({
      method: "POST",
      url: `/v1/handoff-links/${link.id}/accept`,
      headers: who.auth,
      payload: {},
    });
    assert.equal(res.statusCode, status, res.body);
  }
  const accepted = await app.inject({
    method: "POST",
    url: `/v1/handoff-links/${link.id}/accept`,
    headers: A.member.auth,
    payload: {},
  });
  assert.equal(accepted.statusCode, 200, accepted.body);
  const { completion, link: decided } = accepted.json();
  assert.equal(decided.state, "accepted");
  assert.equal(completion.taskId, taskId);
  assert.equal(completion.costCents, 18_500);
  assert.deepEqual(completion.photoIds, [photoId]);
  assert.match(completion.notes, /Replaced the pressure valve\./);
  assert.equal(completion.completedBy.id, A.member.id);
  const [contractor] = await deps.db
    .select()
    .from(contractors)
    .where(eq(contractors.id, completion.contractorId));
  assert.equal(contractor!.name, "Pat Fixit");
  assert.equal(contractor!.company, "Fixit Heating");
  assert.equal(contractor!.residenceId, A.residence.id);
  const [doc] = await deps.db
    .select()
    .from(documents)
    .where(eq(documents.id, decided.decision.invoiceDocumentId));
  assert.equal(doc!.kind, "invoice");
  assert.equal(doc!.fileId, invoice.json().id);
  assert.equal(doc!.amountCents, 18_500);
  assert.equal(doc!.taskId, taskId);
  assert.equal(doc!.contractorId, completion.contractorId);
  const log = await app.inject({
    method: "GET",
    url: `/v1/tasks/${taskId}/completions`,
    headers: A.owner.auth,
  });
  assert.deepEqual(
    log.json().items.map((c: { id: string }) => c.id),
    [completion.id],
  );
  const twice = await app.inject({
    method: "POST",
    url: `/v1/handoff-links/${link.id}/accept`,
    headers: A.owner.auth,
    payload: {},
  });
  assert.equal(twice.statusCode, 409, twice.body);
});

test("a rejected submission leaves no completion and its files are deleted", async () => {
  const link = await newLink(taskId);
  const page = await asContractor({ method: "GET", url: `/v1/handoff/${link.token}` });
  assert.equal(page.json().address, null, "the address is shown without the member's opt-in");
  const photo = await sendFile(link.token, "photo", {
    filename: "p.jpg",
    contentType: "image/jpeg",
    data: await jpegWithGps(),
  });
  assert.equal(photo.statusCode, 201, photo.body);
  const submitted = await asContractor({
    method: "POST",
    url: `/v1/handoff/${link.token}/submit`,
    payload: { contractorName: "Someone", amountCents: 99 },
  });
  assert.equal(submitted.statusCode, 200, submitted.body);
  const before = await app.inject({
    method: "GET",
    url: `/v1/tasks/${taskId}/completions`,
    headers: A.owner.auth,
  });
  const rejected = await app.inject({
    method: "POST",
    url: `/v1/handoff-links/${link.id}/reject`,
    headers: A.owner.auth,
    payload: { reason: "Not our boiler" },
  });
  assert.equal(rejected.statusCode, 200, rejected.body);
  assert.equal(rejected.json().state, "rejected");
  assert.equal(rejected.json().decision.reason, "Not our boiler");
  const gone = await deps.db.select().from(files).where(eq(files.id, photo.json().id));
  assert.deepEqual(gone, []);
  const after = await app.inject({
    method: "GET",
    url: `/v1/tasks/${taskId}/completions`,
    headers: A.owner.auth,
  });
  assert.deepEqual(after.json().items, before.json().items);
});

test("a revoked or expired link stops working (410); an unknown one is 404", async () => {
  const revoked = await newLink(taskId);
  const del = await app.inject({
    method: "DELETE",
    url: `/v1/handoff-links/${revoked.id}`,
    headers: A.member.auth,
  });
  assert.equal(del.statusCode, 204, del.body);
  const expired = await newLink(taskId);
  await deps.db
    .update(handoffLinks)
    .set({ expiresAt: sql`now() - interval '1 minute'` })
    .where(eq(handoffLinks.id, expired.id));
  for (const link of [revoked, expired]) {
    const page = await asContractor({ method: "GET", url: `/v1/handoff/${link.token}` });
    assert.equal(page.statusCode, 410, page.body);
    const up = await sendFile(link.token, "photo", {
      filename: "p.jpg",
      contentType: "image/jpeg",
      data: await jpegWithGps(),
    });
    assert.equal(up.statusCode, 410, up.body);
    const submit = await asContractor({
      method: "POST",
      url: `/v1/handoff/${link.token}/submit`,
      payload: { contractorName: "Late" },
    });
    assert.equal(submit.statusCode, 410, submit.body);
  }
  const unknown = await asContractor({ method: "GET", url: `/v1/handoff/${"x".repeat(43)}` });
  assert.equal(unknown.statusCode, 404, unknown.body);
  const states = await app.inject({
    method: "GET",
    url: `/v1/tasks/${taskId}/handoff-links`,
    headers: A.viewer.auth,
  });
  const byId = new Map(states.json().items.map((l: { id: string; state: string }) => [l.id, l.state]));
  assert.equal(byId.get(revoked.id), "revoked");
  assert.equal(byId.get(expired.id), "expired");
});

test("the link's credential opens nothing else: every other route of the OpenAPI document refuses it", async (t) => {
  const link = await newLink(otherTaskId);
  const spec = app.swagger() as {
    paths: Record<
      string,
      Record<
        string,
        {
          security?: unknown[];
          parameters?: { name: string; in: string; required?: boolean }[];
          requestBody?: unknown;
        }
      >
    >;
  };
  // Real ids of household A wherever a route names one: the link must not reach them.
  const real: Record<string, string> = {
    residenceId: A.residence.id,
    taskId: otherTaskId,
    handoffLinkId: link.id,
    userId: A.owner.id,
  };
  const failures: string[] = [];
  let checked = 0;
  for (const [path, operations] of Object.entries(spec.paths)) {
    if (path.startsWith("/v1/handoff/{token}")) continue;
    for (const [method, op] of Object.entries(operations)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      let url = path.replace(/\{(\w+)\}/g, (_m, name: string) =>
        encodeURIComponent(real[name] ?? (name === "token" || name === "code" ? link.token : randomUUID())),
      );
      const query = new URLSearchParams();
      for (const p of op.parameters ?? []) if (p.in === "query" && p.required) query.set(p.name, link.token);
      if (query.size) url += `?${query}`;
      const withLink = await asContractor({
        method: method.toUpperCase() as InjectOptions["method"],
        url,
        headers: { authorization: `Bearer ${link.token}`, cookie: `session=${link.token}` },
        ...(op.requestBody ? { payload: {} } : {}),
      });
      checked++;
      const status = withLink.statusCode;
      // What the route would reveal (the ids sent in the URL come back in a problem's `instance`).
      const leaks = [A.residence.id, "Secret other task", "Spare key", A.owner.email].filter(
        (s) => withLink.body.includes(s) && !url.includes(s),
      );
      if (leaks.length) failures.push(`${method.toUpperCase()} ${path} → ${status} shows ${leaks}`);
      if (op.security?.length) {
        // Protected: the link is no bearer token.
        if (![401, 403, 404].includes(status)) failures.push(`${method.toUpperCase()} ${path} → ${status}`);
        continue;
      }
      // Public (sign-up, health, the catalog, other kinds of links): the link must change nothing.
      const without = await asContractor({
        method: method.toUpperCase() as InjectOptions["method"],
        url,
        ...(op.requestBody ? { payload: {} } : {}),
      });
      if (status !== without.statusCode)
        failures.push(
          `${method.toUpperCase()} ${path} → ${status} with the link, ${without.statusCode} without`,
        );
      if (path.includes("{token}") || path.includes("{code}") || query.has("token"))
        if (![400, 401, 403, 404].includes(status))
          failures.push(`${method.toUpperCase()} ${path} → ${status}`);
    }
  }
  t.diagnostic(`${checked} operations tried with the hand-off link's credential`);
  assert.ok(checked >= 100, `only ${checked} operations`);
  assert.deepEqual(failures, []);
  // And the link still works for its own task.
  const own = await asContractor({ method: "GET", url: `/v1/handoff/${link.token}` });
  assert.equal(own.statusCode, 200, own.body);
});

test(`a link answers 429 with Retry-After past ${LINK_REQUESTS_PER_LINK} requests an hour`, async () => {
  const link = await newLink(taskId);
  for (let i = 0; i < LINK_REQUESTS_PER_LINK; i++) {
    const res = await asContractor({ method: "GET", url: `/v1/handoff/${link.token}` });
    assert.equal(res.statusCode, 200, `request ${i + 1}: ${res.body}`);
  }
  const limited = await asContractor({ method: "GET", url: `/v1/handoff/${link.token}` });
  assert.equal(limited.statusCode, 429, limited.body);
  assert.ok(Number(limited.headers["retry-after"]) > 0);
  // Another link is not held up by this one's budget.
  const other = await newLink(taskId);
  const fine = await asContractor({ method: "GET", url: `/v1/handoff/${other.token}` });
  assert.equal(fine.statusCode, 200, fine.body);
});

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
