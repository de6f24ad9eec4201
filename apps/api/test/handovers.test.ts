/**
 * Handing a home over (issue 18, item 4) through the real API on PostgreSQL, with photos on a real
 * S3-protocol server: the buyer who accepts becomes the only owner with the tasks, the log with its photos
 * and costs, the documents and warranties in force and the contractors; the seller's household keeps the
 * copy it chose and leaves; nothing of the seller's other residences moves.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { activity, handoffLinks, memberships, tasks } from "@honeydue/db";
import { startTestS3Server } from "@honeydue/storage/testing";
import { eq } from "drizzle-orm";
import { FILE_TEST_ENV } from "./files-suite.ts";
import { jpegWithGps, multipart } from "./files-support.ts";
import { createHousehold, createResidence, createUser, rolesIn, type TestUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const s3 = await startTestS3Server();
const { app, deps, smtp } = await startTestApi({ env: { ...FILE_TEST_ENV, ...s3.env }, smtp: true });

async function call(user: TestUser, method: "GET" | "POST" | "DELETE", url: string, payload?: unknown) {
  return app.inject({
    method,
    url,
    headers: user.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}
async function ok(user: TestUser, method: "GET" | "POST" | "DELETE", url: string, payload?: unknown) {
  const res = await call(user, method, url, payload);
  assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.statusCode === 204 ? null : res.json();
}

/** A lived-in home: a task done by a contractor with a photo and a cost, documents, warranties, an assignee. */
async function livedIn() {
  const seller = await createHousehold(deps, { name: "Oak House" });
  const r = seller.residence.id;
  const contractor = await ok(seller.owner, "POST", `/v1/residences/${r}/contractors`, {
    name: "Sam Sparks",
  });
  const task = await ok(seller.member, "POST", `/v1/residences/${r}/tasks`, {
    title: "Test the smoke alarms",
    dueOn: "2026-02-01",
    recurrence: { kind: "fixed", interval: 6, unit: "month" },
    assigneeId: seller.member.id,
  });
  const body = multipart(
    { purpose: "completion_photo", residenceId: r },
    { filename: "alarm.jpg", contentType: "image/jpeg", data: await jpegWithGps() },
  );
  const photo = await app.inject({
    method: "POST",
    url: "/v1/uploads",
    headers: { ...seller.member.auth, ...body.headers },
    payload: body.payload,
  });
  assert.equal(photo.statusCode, 201, photo.body);
  const { completion } = await ok(seller.member, "POST", `/v1/tasks/${task.id}/complete`, {
    dueOn: "2026-02-01",
    completedOn: "2026-02-03",
    costCents: 12_000,
    contractorId: contractor.id,
    photoIds: [photo.json().id],
  });
  const inForce = await ok(seller.owner, "POST", `/v1/residences/${r}/documents`, {
    title: "Boiler warranty",
    kind: "warranty",
    expiresOn: "2035-01-01",
  });
  const expired = await ok(seller.owner, "POST", `/v1/residences/${r}/documents`, {
    title: "Fridge warranty",
    kind: "warranty",
    expiresOn: "2020-01-01",
  });
  const manual = await ok(seller.owner, "POST", `/v1/residences/${r}/documents`, {
    title: "Boiler manual",
    kind: "manual",
  });
  const link = await ok(seller.member, "POST", `/v1/tasks/${task.id}/handoff-links`, {});
  // The seller's other home, with a task of its own: none of it may move.
  const other = await createResidence(deps, seller.owner.id, { name: "Beach Flat" });
  const otherTask = await ok(seller.owner, "POST", `/v1/residences/${other.id}/tasks`, {
    title: "Drain the hot tub",
  });
  return {
    seller,
    contractor,
    task,
    completion,
    photoId: photo.json().id,
    inForce,
    expired,
    manual,
    link,
    other,
    otherTask,
  };
}

test("the buyer accepts: they own the home and its history, the seller's household keeps its copy and leaves", async () => {
  const home = await livedIn();
  const { seller } = home;
  const r = seller.residence.id;
  const buyer = await createUser(deps, { name: "Bea Buyer" });

  // Only an owner with a verified address offers.
  const byMember = await call(seller.member, "POST", `/v1/residences/${r}/handovers`, { email: buyer.email });
  assert.equal(byMember.statusCode, 403, byMember.body);
  const offer = await ok(seller.owner, "POST", `/v1/residences/${r}/handovers`, {
    email: buyer.email.toUpperCase(),
    keep: ["log", "contractors", "documents"],
    message: "Enjoy the house!",
  });
  assert.equal(offer.state, "open");
  // The new owner is told by email, through the outbox and real SMTP; the mail holds no secret.
  const mail = await smtp!.waitFor(buyer.email);
  assert.match(mail.text, /wants to hand Oak House over to you/);
  assert.match(mail.text, /https:\/\/web\.honeydue\.test\/handovers\n/);
  assert.match(mail.text, /Enjoy the house!/);
  // Nobody but the addressee sees or accepts it.
  const stranger = await createUser(deps);
  assert.deepEqual((await ok(stranger, "GET", "/v1/me/handovers")).items, []);
  const wrong = await call(stranger, "POST", `/v1/handovers/${offer.id}/accept`);
  assert.equal(wrong.statusCode, 404, wrong.body);
  const mine = await ok(buyer, "GET", "/v1/me/handovers");
  assert.deepEqual(
    mine.items.map((o: { id: string; residenceName: string; message: string }) => [
      o.id,
      o.residenceName,
      o.message,
    ]),
    [[offer.id, "Oak House", "Enjoy the house!"]],
  );

  // The offer is in the owners' export as in their list, and in nobody else's; never in the sync feed.
  const ownersExport = await ok(seller.owner, "GET", "/v1/me/export");
  const house = ownersExport.residences.find((x: { id: string }) => x.id === r);
  assert.deepEqual(house.handovers, (await ok(seller.owner, "GET", `/v1/residences/${r}/handovers`)).items);
  assert.equal(house.handovers[0].id, offer.id);
  const membersExport = await ok(seller.member, "GET", "/v1/me/export");
  assert.deepEqual(membersExport.residences.find((x: { id: string }) => x.id === r).handovers, []);
  let snapshot = "";
  for (let since = ""; ; ) {
    const page = await call(
      seller.owner,
      "GET",
      `/v1/sync${since ? `?since=${encodeURIComponent(since)}` : ""}`,
    );
    snapshot += page.body;
    if (!page.json().hasMore) break;
    since = page.json().nextCursor;
  }
  assert.match(snapshot, new RegExp(r), "the snapshot has the residence");
  assert.ok(!snapshot.includes(offer.id), "the offer is in the sync feed");

  const accepted = await ok(buyer, "POST", `/v1/handovers/${offer.id}/accept`);
  assert.equal(accepted.id, r);
  assert.equal(accepted.role, "owner");
  assert.deepEqual(await rolesIn(deps, r), { [buyer.id]: "owner" });
  const again = await call(buyer, "POST", `/v1/handovers/${offer.id}/accept`);
  assert.equal(again.statusCode, 404, again.body);

  // The buyer has the tasks (unassigned), the log with photo, cost and contractor, documents in force.
  const list = await ok(buyer, "GET", `/v1/residences/${r}/tasks`);
  assert.deepEqual(
    list.items.map((t: { id: string; assigneeId: string | null }) => [t.id, t.assigneeId]),
    [[home.task.id, null]],
  );
  const log = await ok(buyer, "GET", `/v1/tasks/${home.task.id}/completions`);
  assert.equal(log.items.length, 1);
  assert.equal(log.items[0].costCents, 12_000);
  assert.equal(log.items[0].contractorId, home.contractor.id);
  assert.deepEqual(log.items[0].photoIds, [home.photoId]);
  assert.equal(log.items[0].completedBy, null, "the seller household's names went along");
  const photo = await call(buyer, "GET", `/v1/files/${home.photoId}/info`);
  assert.equal(photo.statusCode, 200, photo.body);
  const docs = await ok(buyer, "GET", `/v1/residences/${r}/documents`);
  assert.deepEqual(docs.items.map((d: { title: string }) => d.title).sort(), [
    "Boiler manual",
    "Boiler warranty",
  ]);
  const pros = await ok(buyer, "GET", `/v1/residences/${r}/contractors`);
  assert.deepEqual(
    pros.items.map((c: { id: string }) => c.id),
    [home.contractor.id],
  );
  // The seller household's feed and open links do not go to the buyer.
  const feed = await deps.db.select().from(activity).where(eq(activity.residenceId, r));
  assert.deepEqual(
    feed.map((a) => a.action),
    ["residence.handedOver"],
  );
  const [link] = await deps.db.select().from(handoffLinks).where(eq(handoffLinks.id, home.link.id));
  assert.ok(link!.revokedAt, "the seller's hand-off link still works");

  // The seller's household lost the home and kept its copy: same members, the log, contractors, documents.
  for (const person of [seller.owner, seller.member, seller.viewer]) {
    const gone = await call(person, "GET", `/v1/residences/${r}`);
    assert.equal(gone.statusCode, 404, gone.body);
  }
  const sellerHomes = await ok(seller.owner, "GET", "/v1/residences");
  const copy = sellerHomes.items.find((x: { name: string }) => x.name === "Oak House (before hand-over)");
  assert.ok(copy, JSON.stringify(sellerHomes.items));
  assert.deepEqual(await rolesIn(deps, copy.id), {
    [seller.owner.id]: "owner",
    [seller.member.id]: "member",
    [seller.viewer.id]: "viewer",
  });
  const copyTasks = await deps.db.select().from(tasks).where(eq(tasks.residenceId, copy.id));
  assert.equal(copyTasks.length, 1);
  assert.ok(copyTasks[0]!.archivedAt, "a task kept only for the log is archived");
  const copyLog = await ok(seller.member, "GET", `/v1/tasks/${copyTasks[0]!.id}/completions`);
  assert.equal(copyLog.items[0].costCents, 12_000);
  assert.equal(copyLog.items[0].completedOn, "2026-02-03");
  assert.deepEqual(copyLog.items[0].photoIds, [], "photos stay with the home");
  const copyPros = await ok(seller.owner, "GET", `/v1/residences/${copy.id}/contractors`);
  assert.deepEqual(
    copyPros.items.map((c: { name: string }) => c.name),
    ["Sam Sparks"],
  );
  const copyDocs = await ok(seller.owner, "GET", `/v1/residences/${copy.id}/documents`);
  assert.deepEqual(copyDocs.items.map((d: { title: string }) => d.title).sort(), [
    "Boiler manual",
    "Boiler warranty",
    "Fridge warranty",
  ]);

  // Nothing of the seller's other residence moved, and the buyer sees nothing of it.
  assert.deepEqual(await rolesIn(deps, home.other.id), { [seller.owner.id]: "owner" });
  const beach = await ok(seller.owner, "GET", `/v1/residences/${home.other.id}/tasks`);
  assert.deepEqual(
    beach.items.map((t: { id: string }) => t.id),
    [home.otherTask.id],
  );
  const buyerHomes = await ok(buyer, "GET", "/v1/residences");
  assert.deepEqual(
    buyerHomes.items.map((x: { id: string }) => x.id),
    [r],
  );
  const peek = await call(buyer, "GET", `/v1/residences/${home.other.id}/tasks`);
  assert.equal(peek.statusCode, 404, peek.body);
  const memberRows = await deps.db.select().from(memberships).where(eq(memberships.userId, buyer.id));
  assert.deepEqual(
    memberRows.map((m) => m.residenceId),
    [r],
  );
});

test("keeping nothing: no copy is made; a declined or withdrawn offer changes nothing", async () => {
  const home = await livedIn();
  const { seller } = home;
  const r = seller.residence.id;
  const buyer = await createUser(deps);
  const declined = await ok(seller.owner, "POST", `/v1/residences/${r}/handovers`, { email: buyer.email });
  await ok(buyer, "POST", `/v1/handovers/${declined.id}/decline`);
  const withdrawn = await ok(seller.owner, "POST", `/v1/residences/${r}/handovers`, { email: buyer.email });
  await ok(seller.owner, "DELETE", `/v1/residences/${r}/handovers/${withdrawn.id}`);
  for (const id of [declined.id, withdrawn.id]) {
    const res = await call(buyer, "POST", `/v1/handovers/${id}/accept`);
    assert.equal(res.statusCode, 404, res.body);
  }
  assert.equal(Object.keys(await rolesIn(deps, r)).length, 3);
  const history = await ok(seller.owner, "GET", `/v1/residences/${r}/handovers`);
  assert.deepEqual(
    history.items.map((o: { state: string }) => o.state),
    ["revoked", "declined"],
  );

  const unverified = await createUser(deps, { verified: false });
  const toUnverified = await ok(seller.owner, "POST", `/v1/residences/${r}/handovers`, {
    email: unverified.email,
  });
  const refused = await call(unverified, "POST", `/v1/handovers/${toUnverified.id}/accept`);
  assert.equal(refused.statusCode, 403, refused.body);

  const final = await ok(seller.owner, "POST", `/v1/residences/${r}/handovers`, { email: buyer.email });
  await ok(buyer, "POST", `/v1/handovers/${final.id}/accept`);
  const sellerHomes = await ok(seller.owner, "GET", "/v1/residences");
  assert.deepEqual(
    sellerHomes.items.map((x: { id: string }) => x.id),
    [home.other.id],
  );
  assert.deepEqual((await ok(seller.member, "GET", "/v1/residences")).items, []);
});
