/**
 * When a contractor marks the work of a hand-off link done, the household's owners and members are told: in
 * the app (with a push job), and by email through the outbox to a real SMTP server when they take reminder
 * emails — the reminder emails' one-click unsubscribe stops these too. Viewers, who cannot decide, are not
 * told. The email job carries ids only.
 */
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { test } from "node:test";
import { outbox } from "@honeydue/db";
import { redisReachable, waitFor } from "@honeydue/testkit";
import { and, eq, isNull } from "drizzle-orm";
import { addMember, createHousehold, createUser, type TestUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const redis = await redisReachable();
const { app, deps, smtp } = await startTestApi({ smtp: true, redis });
const home = await createHousehold(deps, { name: "Willow Cottage" });
const unverified = await createUser(deps, { name: "Uma Unverified", verified: false });
await addMember(deps, home.residence.id, unverified.id, "member");
const contractorIp = `127.${randomInt(1, 250)}.${randomInt(1, 250)}.${randomInt(1, 250)}`;

async function send(method: "GET" | "POST" | "PATCH", url: string, as: TestUser | null, payload?: object) {
  return app.inject({
    method,
    url,
    ...(as ? { headers: as.auth } : { remoteAddress: contractorIp }),
    ...(payload ? { payload } : {}),
  });
}

/** A task with a hand-off link whose work the contractor has marked done; answers the link and task ids. */
async function proposedCompletion(title: string, amountCents: number) {
  const task = await send("POST", `/v1/residences/${home.residence.id}/tasks`, home.member, {
    title,
    dueOn: "2030-05-01",
  });
  assert.equal(task.statusCode, 201, task.body);
  const link = await send("POST", `/v1/tasks/${task.json().id}/handoff-links`, home.member, {});
  assert.equal(link.statusCode, 201, link.body);
  const { id, token } = link.json() as { id: string; token: string };
  const submitted = await send("POST", `/v1/handoff/${token}/submit`, null, {
    contractorName: "Pat Fixit",
    company: "Fixit Gutters",
    amountCents,
    note: "Cleared and re-sealed.",
  });
  assert.equal(submitted.statusCode, 200, submitted.body);
  deps.notifyOutbox();
  return { linkId: id, taskId: task.json().id as string, token };
}

async function handoffNotificationsOf(user: TestUser, linkId: string) {
  const answer = await send("GET", "/v1/notifications?limit=50", user);
  assert.equal(answer.statusCode, 200, answer.body);
  return (answer.json().items as { kind: string; title: string; data: Record<string, string> }[]).filter(
    (n) => n.kind === "handoff.proposed" && n.data.handoffLinkId === linkId,
  );
}

function emailJobsFor(linkId: string) {
  return deps.db
    .select()
    .from(outbox)
    .where(eq(outbox.job, "email.send"))
    .then((rows) => rows.filter((r) => (r.payload as { handoffLinkId?: string }).handoffLinkId === linkId));
}

test("owners and members are told in the app and by email; viewers are not; the job carries ids only", async () => {
  // The member takes no reminder emails: told in the app only.
  const off = await send("PATCH", "/v1/me", home.member, { notifications: { digestEnabled: false } });
  assert.equal(off.statusCode, 200, off.body);
  const { linkId, taskId, token } = await proposedCompletion("Clean the gutters", 12_550);

  const mail = await smtp!.waitFor(home.owner.email, (m) => /Clean the gutters/.test(m.subject), 30_000);
  assert.equal(mail.subject, "Pat Fixit, Fixit Gutters marked “Clean the gutters” done — accept or reject");
  assert.match(mail.text, /Hi Olivia Owner,/);
  assert.match(mail.text, /\(Willow Cottage\) done through the hand-off link you sent, for \$125\.50\./);
  assert.match(mail.text, new RegExp(`/tasks/${taskId}#handoff`));
  assert.match(mail.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
  assert.match(mail.raw, /^List-Unsubscribe:\s+<https?:\/\/[^>]+\/v1\/unsubscribe\/[\w.-]+>/m);
  assert.ok(!mail.raw.includes(token), "the contractor's link is in the members' email");

  for (const who of [home.owner, home.member, unverified]) {
    const told = await handoffNotificationsOf(who, linkId);
    assert.equal(told.length, 1, `${who.name} is told once in the app`);
    assert.equal(told[0]!.title, "Pat Fixit marked “Clean the gutters” done");
  }
  assert.deepEqual(await handoffNotificationsOf(home.viewer, linkId), [], "a viewer cannot decide");

  // One email job, to the owner: the member opted out, the other member's address is not verified.
  const jobs = await emailJobsFor(linkId);
  assert.deepEqual(
    jobs.map((j) => j.payload),
    [{ template: "handoff-proposed", userId: home.owner.id, handoffLinkId: linkId }],
  );
  const pushes = (await deps.db.select().from(outbox).where(eq(outbox.job, "push.send"))).filter(
    (j) => (j.payload as { data?: { handoffLinkId?: string } }).data?.handoffLinkId === linkId,
  );
  assert.equal(pushes.length, 3, "each in-app notification also goes out as a push job");
  for (const job of [...jobs, ...pushes])
    assert.ok(!JSON.stringify(job.payload).includes(token), "a job carries the link's secret");
});

test("the reminder emails' unsubscribe link stops these emails; the in-app notification stays", async () => {
  const first = await proposedCompletion("Service the boiler", 18_000);
  const mail = await smtp!.waitFor(home.owner.email, (m) => /Service the boiler/.test(m.subject), 30_000);
  const unsubscribeUrl = /^List-Unsubscribe:\s+<([^>]+)>/m.exec(mail.raw)![1]!;
  // The one-click POST a mail client makes (RFC 8058), to the path the link names.
  const unsubscribed = await app.inject({
    method: "POST",
    url: new URL(unsubscribeUrl).pathname,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: "List-Unsubscribe=One-Click",
  });
  assert.ok(unsubscribed.statusCode < 300, `unsubscribe answered ${unsubscribed.statusCode}`);
  assert.equal((await handoffNotificationsOf(home.owner, first.linkId)).length, 1);

  const second = await proposedCompletion("Sweep the chimney", 9_900);
  assert.equal((await handoffNotificationsOf(home.owner, second.linkId)).length, 1);
  assert.deepEqual(await emailJobsFor(second.linkId), [], "an email is queued after unsubscribing");
  // Every notification job of the second link is done, and still no email reached the owner.
  await waitFor(
    "the notification jobs to finish",
    async () =>
      (
        await deps.db
          .select()
          .from(outbox)
          .where(and(isNull(outbox.processedAt), isNull(outbox.failedAt)))
      ).length === 0,
  );
  assert.ok(!smtp!.messages.some((m) => /Sweep the chimney/.test(m.subject)));
});
