/**
 * The home history report (issue 18, item 4): a PDF of the residence, every completion (date, cost,
 * contractor, photo thumbnails) and the warranties with their expiry, read back with poppler (pdftotext,
 * pdfimages) and one page rendered to PNG (pdftoppm); shared by a link that works without an account
 * until it is revoked. Photos live on a real S3-protocol server.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";
import { reportLinks } from "@honeydue/db";
import { startTestS3Server } from "@honeydue/storage/testing";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { FILE_TEST_ENV } from "./files-suite.ts";
import { jpegWithGps, multipart } from "./files-support.ts";
import { createHousehold, createResidence, createUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const run = promisify(execFile);
const s3 = await startTestS3Server();
const { app, deps } = await startTestApi({ env: { ...FILE_TEST_ENV, ...s3.env } });
const scratch = await mkdtemp(join(tmpdir(), "honeydue-report-test-"));
after(() => rm(scratch, { recursive: true, force: true }));

/** poppler-utils must be there (.ci/setup-poppler.sh installs it): without it the test fails, it does not skip. */
async function poppler(tool: string, args: string[]) {
  const { stdout } = await run(tool, args, { maxBuffer: 10 * 1024 * 1024 });
  return stdout;
}

const h = await createHousehold(deps, { name: "Willow Cottage" });
const other = await createUser(deps);
await createResidence(deps, other.id, { name: "Not this one" });
const post = async (url: string, payload: unknown, user = h.owner) => {
  const res = await app.inject({ method: "POST", url, headers: user.auth, payload: payload as object });
  assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};
await app.inject({
  method: "PATCH",
  url: `/v1/residences/${h.residence.id}`,
  headers: h.owner.auth,
  payload: { addressLine1: "4 Willow Lane", city: "Riverton", postalCode: "05301", yearBuilt: 1962 },
});
const contractor = await post(`/v1/residences/${h.residence.id}/contractors`, {
  name: "Dana Roofer",
  company: "Top Roofing",
});
const roof = await post(`/v1/residences/${h.residence.id}/tasks`, {
  title: "Inspect the roof",
  dueOn: "2026-01-10",
});
const upload = multipart(
  { purpose: "completion_photo", residenceId: h.residence.id },
  { filename: "roof.jpg", contentType: "image/jpeg", data: await jpegWithGps(320, 200) },
);
const photo = await app.inject({
  method: "POST",
  url: "/v1/uploads",
  headers: { ...h.owner.auth, ...upload.headers },
  payload: upload.payload,
});
assert.equal(photo.statusCode, 201, photo.body);
await post(`/v1/tasks/${roof.id}/complete`, {
  dueOn: "2026-01-10",
  completedOn: "2026-01-12",
  costCents: 42_550,
  contractorId: contractor.id,
  notes: "Two slates replaced",
  photoIds: [photo.json().id],
});
const gutters = await post(`/v1/residences/${h.residence.id}/tasks`, {
  title: "Clean the gutters",
  dueOn: "2026-03-01",
});
await post(`/v1/tasks/${gutters.id}/complete`, {
  dueOn: "2026-03-01",
  completedOn: "2026-03-02",
  costCents: 8_000,
});
await post(`/v1/residences/${h.residence.id}/documents`, {
  title: "Furnace warranty",
  kind: "warranty",
  expiresOn: "2034-06-30",
});
await post(`/v1/residences/${h.residence.id}/documents`, {
  title: "Old dishwasher warranty",
  kind: "warranty",
  expiresOn: "2021-02-01",
});

async function pdfText(pdf: Buffer, name: string) {
  const path = join(scratch, `${name}.pdf`);
  await writeFile(path, pdf);
  // Words as they read, one space between them (layout spacing is the renderer's business).
  return { path, text: (await poppler("pdftotext", [path, "-"])).replace(/[ \t]+/g, " ") };
}

test("the report holds the residence, every completion with date, cost, contractor and photo, and the warranties", async () => {
  const res = await app.inject({
    method: "GET",
    url: `/v1/residences/${h.residence.id}/home-history.pdf`,
    headers: h.viewer.auth,
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers["content-type"], "application/pdf");
  assert.equal(res.rawPayload.subarray(0, 5).toString(), "%PDF-");
  const { path, text } = await pdfText(res.rawPayload, "member");
  for (const expected of [
    "Home history report",
    "Willow Cottage",
    "4 Willow Lane, 05301 Riverton",
    "built 1962",
    "2026-01-12 Inspect the roof",
    "Cost: $425.50",
    "Contractor: Dana Roofer, Top Roofing",
    "Two slates replaced",
    "2026-03-02 Clean the gutters",
    "Cost: $80.00",
    "2 maintenance entries, $505.50 spent in total",
    "Furnace warranty in force until 2034-06-30",
    "Old dishwasher warranty expired on 2021-02-01",
  ])
    assert.ok(text.includes(expected), `the report lacks "${expected}":\n${text}`);
  assert.ok(!text.includes("Not this one"), "another residence is in the report");
  // The photo's thumbnail is embedded (one image, in the first page).
  const images = await poppler("pdfimages", ["-list", path]);
  const rows = images.trim().split("\n").slice(2);
  assert.equal(rows.length, 1, images);
  // One page rendered to PNG: a real picture of the right size, not a blank page.
  await poppler("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", path, join(scratch, "page")]);
  const png = await readFile(join(scratch, "page-1.png"));
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, "png");
  assert.ok(meta.width! > 400 && meta.height! > 600, `${meta.width}x${meta.height}`);
  const stats = await sharp(png).stats();
  assert.ok(stats.channels[0]!.stdev > 5, "the rendered page is blank");
});

test("a shared link serves the report without an account until it is revoked", async () => {
  const forbidden = await app.inject({
    method: "POST",
    url: `/v1/residences/${h.residence.id}/report-links`,
    headers: h.viewer.auth,
    payload: {},
  });
  assert.equal(forbidden.statusCode, 403, forbidden.body);
  const outsider = await app.inject({
    method: "POST",
    url: `/v1/residences/${h.residence.id}/report-links`,
    headers: other.auth,
    payload: {},
  });
  assert.equal(outsider.statusCode, 404, outsider.body);
  const link = await post(
    `/v1/residences/${h.residence.id}/report-links`,
    { label: "For the buyer" },
    h.member,
  );
  assert.equal(link.url, `https://api.honeydue.test/v1/reports/${link.token}`);
  const [row] = await deps.db.select().from(reportLinks).where(eq(reportLinks.id, link.id));
  assert.ok(!JSON.stringify(row).includes(link.token), "the token itself is stored");

  const shared = await app.inject({ method: "GET", url: `/v1/reports/${link.token}` });
  assert.equal(shared.statusCode, 200, shared.body);
  assert.equal(shared.headers["content-type"], "application/pdf");
  const { text } = await pdfText(shared.rawPayload, "shared");
  assert.ok(text.includes("Willow Cottage") && text.includes("Inspect the roof"), text);
  const list = await app.inject({
    method: "GET",
    url: `/v1/residences/${h.residence.id}/report-links`,
    headers: h.viewer.auth,
  });
  const listed = list.json().items.find((l: { id: string }) => l.id === link.id);
  assert.equal(listed.viewCount, 1);
  assert.equal(listed.state, "active");
  assert.equal(listed.token, undefined);

  const revoke = await app.inject({
    method: "DELETE",
    url: `/v1/residences/${h.residence.id}/report-links/${link.id}`,
    headers: h.member.auth,
  });
  assert.equal(revoke.statusCode, 204, revoke.body);
  const gone = await app.inject({ method: "GET", url: `/v1/reports/${link.token}` });
  assert.equal(gone.statusCode, 410, gone.body);
  const unknown = await app.inject({ method: "GET", url: `/v1/reports/${"y".repeat(43)}` });
  assert.equal(unknown.statusCode, 404, unknown.body);
});

test("share links are in the export and the sync feed, never their token", async () => {
  type Change = { type: string; id: string; op: string; data?: Record<string, unknown> };
  const get = async (url: string, user = h.viewer) => {
    const res = await app.inject({ method: "GET", url, headers: user.auth });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res;
  };
  const syncAll = async (since?: string) => {
    const changes: Change[] = [];
    let cursor = since;
    for (;;) {
      const page = (await get(`/v1/sync${cursor ? `?since=${encodeURIComponent(cursor)}` : ""}`)).json();
      changes.push(...page.changes);
      cursor = page.nextCursor;
      if (!page.hasMore) return { changes, cursor: cursor as string };
    }
  };
  /** Follows the feed from `since` until the link arrives in a state `wanted` accepts. */
  const syncUntil = async (since: string, id: string, wanted: (c: Change) => boolean) => {
    const deadline = Date.now() + 60_000;
    let cursor = since;
    for (;;) {
      const next = await syncAll(cursor);
      cursor = next.cursor;
      const change = next.changes.findLast((c) => c.type === "reportLink" && c.id === id);
      if (change && wanted(change)) return { change, cursor, raw: JSON.stringify(next.changes) };
      assert.ok(Date.now() < deadline, `the feed did not bring the link: ${JSON.stringify(change)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const start = await syncAll();
  const link = await post(
    `/v1/residences/${h.residence.id}/report-links`,
    { label: "For the inspector", expiresInDays: 3 },
    h.member,
  );
  const made = await syncUntil(start.cursor, link.id, (c) => c.op === "upsert");
  assert.equal(made.change.data?.label, "For the inspector");
  assert.equal(made.change.data?.state, "active");
  assert.equal(made.change.data?.viewCount, 0);
  assert.ok(!made.raw.includes(link.token), "the feed carries the token");
  // A view and a revocation each arrive as the link's new state.
  const view = await app.inject({ method: "GET", url: `/v1/reports/${link.token}` });
  assert.equal(view.statusCode, 200, view.body);
  const viewed = await syncUntil(made.cursor, link.id, (c) => c.data?.viewCount === 1);
  const revoke = await app.inject({
    method: "DELETE",
    url: `/v1/residences/${h.residence.id}/report-links/${link.id}`,
    headers: h.member.auth,
  });
  assert.equal(revoke.statusCode, 204, revoke.body);
  await syncUntil(viewed.cursor, link.id, (c) => c.data?.state === "revoked");
  // A fresh snapshot has it too; nobody else's feed does.
  const again = await syncAll();
  assert.ok(again.changes.some((c) => c.type === "reportLink" && c.id === link.id));
  const outsider = await app.inject({ method: "GET", url: "/v1/sync", headers: other.auth });
  assert.ok(!outsider.body.includes(link.id), "another household's feed has the link");

  // The export, as the list answers: every link of the residence, with its views, without its token.
  const exported = await get("/v1/me/export");
  assert.ok(!exported.body.includes(link.token), "the export carries the token");
  const house = exported.json().residences.find((r: { id: string }) => r.id === h.residence.id);
  const listed = (await get(`/v1/residences/${h.residence.id}/report-links`)).json().items;
  assert.deepEqual(house.reportLinks, listed);
  const entry = house.reportLinks.find((l: { id: string }) => l.id === link.id);
  assert.equal(entry.state, "revoked");
  assert.equal(entry.viewCount, 1);
  assert.deepEqual(house.handovers, [], "a viewer's export has no hand-over offers");
});
