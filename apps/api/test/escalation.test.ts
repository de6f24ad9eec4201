import assert from "node:assert/strict";
import { test } from "node:test";
import { outbox, taskEscalations } from "@honeydue/db";
import { enqueueJob } from "@honeydue/jobs";
import { and, eq, isNotNull, or } from "drizzle-orm";
import { addMember, createHousehold, createUser, type TestUser } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

// Escalation runs as the `reminders.escalation-tick` job in the API's embedded runner on PostgreSQL, its
// emails go through the outbox to a real SMTP server; ticks are replayed at chosen instants (`at`).
const { app, deps, smtp } = await startTestApi({ smtp: true });
const request = (method: "GET" | "POST" | "PUT" | "PATCH", url: string, as: TestUser, payload?: object) =>
  app.inject({ method, url, headers: as.auth, ...(payload ? { payload } : {}) });

const days = (low: number | null, normal: number | null, high: number | null, urgent: number | null) => ({
  low,
  normal,
  high,
  urgent,
});

async function runTick(at: string) {
  const id = await enqueueJob(deps.db, "reminders.escalation-tick", { at });
  deps.notifyOutbox();
  for (;;) {
    const [row] = await deps.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.id, id), or(isNotNull(outbox.processedAt), isNotNull(outbox.failedAt))));
    if (row) {
      assert.equal(row.failedAt, null, `the tick at ${at} failed: ${row.lastError}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function prefer(user: TestUser, timezone: string, digestHour: number) {
  const res = await request("PATCH", "/v1/me", user, { timezone, notifications: { digestHour } });
  assert.equal(res.statusCode, 200, res.body);
}

async function createTask(as: TestUser, residenceId: string, body: object): Promise<string> {
  const res = await request("POST", `/v1/residences/${residenceId}/tasks`, as, body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

const sentTo = async (taskId: string) =>
  (await deps.db.select().from(taskEscalations).where(eq(taskEscalations.taskId, taskId)))
    .map((r) => `${r.step}:${r.userId}`)
    .sort();

const escalatedIn = async (user: TestUser, taskId: string) =>
  (await request("GET", "/v1/notifications", user, undefined))
    .json()
    .items.filter(
      (n: { kind: string; subjectId: string }) => n.kind === "task.escalated" && n.subjectId === taskId,
    );

test("the escalation policy: off by default, owners set it, members and viewers read it, other households 404, bad steps 400", async () => {
  const home = await createHousehold(deps, { name: "Policy House" });
  const other = await createHousehold(deps, { name: "Elsewhere" });
  const url = `/v1/residences/${home.residence.id}/escalation-policy`;

  const initial = await request("GET", url, home.viewer);
  assert.equal(initial.statusCode, 200, initial.body);
  assert.deepEqual(initial.json(), {
    residenceId: home.residence.id,
    enabled: false,
    steps: [],
    updatedBy: null,
    updatedAt: null,
  });

  const policy = {
    enabled: true,
    steps: [
      { notify: "assignee", afterDays: days(7, 3, 2, 1) },
      { notify: "member", memberId: home.member.id, afterDays: days(null, 5, 4, 2) },
      { notify: "owners", afterDays: days(21, 7, 6, 3) },
    ],
  };
  assertProblem(await request("PUT", url, home.member, policy), 403);
  assertProblem(await request("PUT", url, home.viewer, policy), 403);
  assertProblem(await request("PUT", url, other.owner, policy), 404);
  assertProblem(await request("GET", url, other.owner), 404);
  assertProblem(await app.inject({ method: "GET", url }), 401);

  const saved = await request("PUT", url, home.owner, policy);
  assert.equal(saved.statusCode, 200, saved.body);
  assert.deepEqual(saved.json().steps, policy.steps);
  assert.equal(saved.json().enabled, true);
  assert.deepEqual(saved.json().updatedBy, { id: home.owner.id, name: home.owner.name });
  assert.deepEqual((await request("GET", url, home.member)).json().steps, policy.steps);
  const feed = (await request("GET", `/v1/residences/${home.residence.id}/activity`, home.viewer)).json();
  assert.ok(
    feed.items.some((a: { action: string }) => a.action === "escalation.updated"),
    JSON.stringify(feed),
  );

  const bad = async (body: object, field: string) => {
    const res = await request("PUT", url, home.owner, body);
    assertProblem(res, 400);
    assert.ok(
      res.json().errors?.some((e: { field: string }) => e.field.includes(field)),
      `${field}: ${res.body}`,
    );
  };
  await bad(
    { enabled: true, steps: [{ notify: "member", afterDays: days(1, 1, 1, 1) }] },
    "steps.0.memberId",
  );
  await bad(
    { enabled: true, steps: [{ notify: "owners", memberId: home.member.id, afterDays: days(1, 1, 1, 1) }] },
    "steps.0.memberId",
  );
  await bad(
    { enabled: true, steps: [{ notify: "member", memberId: home.viewer.id, afterDays: days(1, 1, 1, 1) }] },
    "steps.0.memberId",
  );
  await bad(
    { enabled: true, steps: [{ notify: "member", memberId: other.member.id, afterDays: days(1, 1, 1, 1) }] },
    "steps.0.memberId",
  );
  await bad(
    {
      enabled: true,
      steps: [
        { notify: "assignee", afterDays: days(3, 3, 3, 3) },
        { notify: "owners", afterDays: days(5, 3, 5, 5) },
      ],
    },
    "steps.1.afterDays.normal",
  );
  await bad(
    { enabled: true, steps: [{ notify: "owners", afterDays: days(null, null, null, null) }] },
    "steps.0.afterDays",
  );
  await bad({ enabled: true, steps: [{ notify: "owners", afterDays: days(0, 1, 1, 1) }] }, "afterDays");
  await bad({ enabled: true, steps: [{ notify: "everyone", afterDays: days(1, 1, 1, 1) }] }, "notify");
  await bad({ enabled: "yes", steps: [] }, "enabled");
  // Nothing of the refused bodies was saved.
  assert.deepEqual((await request("GET", url, home.owner)).json().steps, policy.steps);
});

test("an overdue task escalates at the recipient's local digest hour, once per step, and stops when completed", async () => {
  const home = await createHousehold(deps, { name: "Maple House", timezone: "America/New_York" });
  const sam = await createUser(deps, { name: "Sam Assignee" });
  await addMember(deps, home.residence.id, sam.id, "member");
  await prefer(sam, "America/New_York", 8);
  await prefer(home.owner, "Europe/London", 7);
  await prefer(home.member, "America/New_York", 9);
  const put = await request("PUT", `/v1/residences/${home.residence.id}/escalation-policy`, home.owner, {
    enabled: true,
    steps: [
      { notify: "assignee", afterDays: days(5, 2, 1, 1) },
      { notify: "owners", afterDays: days(10, 4, 2, 2) },
      { notify: "member", memberId: home.member.id, afterDays: days(null, 6, null, null) },
    ],
  });
  assert.equal(put.statusCode, 200, put.body);
  const taskId = await createTask(home.owner, home.residence.id, {
    title: "Replace smoke alarm batteries",
    priority: "normal",
    dueOn: "2026-11-20",
    assigneeId: sam.id,
  });

  // Nov 21 in New York: 1 day overdue, no step reached yet.
  await runTick("2026-11-21T15:11:00Z");
  assert.deepEqual(await sentTo(taskId), []);
  // Nov 22, 07:11 in New York: step 1 is reached, but it is before Sam's digest hour (8).
  await runTick("2026-11-22T12:11:00Z");
  assert.deepEqual(await sentTo(taskId), []);
  // 08:11 in New York: Sam is reminded, in-app (with a push job) and by email.
  await runTick("2026-11-22T13:11:00Z");
  assert.deepEqual(await sentTo(taskId), [`0:${sam.id}`]);
  const reminder = await smtp!.waitFor(sam.email, (m) => /overdue/.test(m.subject), 30_000);
  assert.equal(reminder.subject, "Still to do: “Replace smoke alarm batteries” is 2 days overdue");
  assert.match(reminder.text, /Maple House, due 2026-11-20/);
  assert.match(reminder.text, new RegExp(`/tasks/${taskId}`));
  assert.match(reminder.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
  assert.match(reminder.raw, /^List-Unsubscribe:\s+<https?:\/\/[^>]+\/v1\/unsubscribe\/[\w.-]+>/m);
  const inApp = await escalatedIn(sam, taskId);
  assert.equal(inApp.length, 1);
  assert.equal(inApp[0].title, "Reminder: “Replace smoke alarm batteries” is 2 days overdue");
  // The email job carried ids and names, no link and no token.
  const jobs = await deps.db.select().from(outbox).where(eq(outbox.job, "email.send"));
  const escalationJobs = jobs.filter(
    (j) => (j.payload as { template: string }).template === "task-escalation",
  );
  assert.ok(escalationJobs.length >= 1);
  for (const job of escalationJobs)
    assert.doesNotMatch(JSON.stringify(job.payload), /https?:|unsubscribe/i, "no link in the job");
  const pushes = (await deps.db.select().from(outbox).where(eq(outbox.job, "push.send"))).filter(
    (j) => (j.payload as { userId: string; kind: string }).userId === sam.id,
  );
  assert.equal(
    pushes.filter((j) => (j.payload as { kind: string }).kind === "task.escalated").length,
    1,
    "the in-app notification also went out as a push job",
  );

  // The same step is not sent again, by a second tick the same hour or the next day.
  await runTick("2026-11-22T13:40:00Z");
  await runTick("2026-11-23T14:11:00Z");
  assert.deepEqual(await sentTo(taskId), [`0:${sam.id}`]);

  // Nov 24 (4 days): the owners' step. 06:11 UTC is 06:11 in London, before the owner's hour (7)...
  await runTick("2026-11-24T06:11:00Z");
  assert.deepEqual(await sentTo(taskId), [`0:${sam.id}`]);
  // ...07:11 in London.
  await runTick("2026-11-24T07:11:00Z");
  assert.deepEqual(await sentTo(taskId), [`0:${sam.id}`, `1:${home.owner.id}`].sort());
  const toOwner = await smtp!.waitFor(home.owner.email, (m) => /overdue/.test(m.subject), 30_000);
  assert.equal(
    toOwner.subject,
    "“Replace smoke alarm batteries” is 4 days overdue — assigned to Sam Assignee",
  );
  const ownerInApp = await escalatedIn(home.owner, taskId);
  assert.equal(
    ownerInApp[0].title,
    "“Replace smoke alarm batteries” is 4 days overdue — assigned to Sam Assignee",
  );

  // The activity feed shows both escalations.
  const feed = (await request("GET", `/v1/residences/${home.residence.id}/activity`, home.viewer)).json();
  const escalations = feed.items.filter(
    (a: { action: string; subjectId: string }) => a.action === "task.escalated" && a.subjectId === taskId,
  );
  assert.deepEqual(
    escalations
      .map((a: { data: { step: number; notified: string[] } }) => [a.data.step, a.data.notified])
      .sort(),
    [
      [1, ["Sam Assignee"]],
      [2, ["Olivia Owner"]],
    ],
  );

  // Completed on Nov 25: the member's step (6 days) never comes.
  const done = await request("POST", `/v1/tasks/${taskId}/complete`, sam, {
    dueOn: "2026-11-20",
    completedOn: "2026-11-25",
  });
  assert.equal(done.statusCode, 201, done.body);
  await runTick("2026-11-26T15:11:00Z");
  await runTick("2026-11-28T15:11:00Z");
  assert.deepEqual(await sentTo(taskId), [`0:${sam.id}`, `1:${home.owner.id}`].sort());
  assert.deepEqual(await escalatedIn(home.member, taskId), []);
});

test("snoozing stops an escalation, reassigning restarts its clock, and a policy switched off sends nothing", async () => {
  const home = await createHousehold(deps, { name: "Birch House", timezone: "UTC" });
  const url = `/v1/residences/${home.residence.id}/escalation-policy`;
  const policy = { enabled: true, steps: [{ notify: "assignee", afterDays: days(2, 2, 2, 2) }] };
  assert.equal((await request("PUT", url, home.owner, policy)).statusCode, 200);
  const snoozed = await createTask(home.owner, home.residence.id, {
    title: "Clean gutters",
    dueOn: "2026-11-10",
    assigneeId: home.member.id,
  });
  const reassigned = await createTask(home.owner, home.residence.id, {
    title: "Bleed radiators",
    dueOn: "2026-11-10",
    assigneeId: home.member.id,
  });
  const res = await request("POST", `/v1/tasks/${snoozed}/snooze`, home.owner, { until: "2026-12-20" });
  assert.equal(res.statusCode, 200, res.body);

  await runTick("2026-11-14T09:00:00Z");
  assert.deepEqual(await sentTo(snoozed), [], "a snoozed task is not overdue");
  assert.deepEqual(await sentTo(reassigned), [`0:${home.member.id}`]);

  const patch = await request("PATCH", `/v1/tasks/${reassigned}`, home.owner, { assigneeId: home.owner.id });
  assert.equal(patch.statusCode, 200, patch.body);
  await runTick("2026-11-15T09:00:00Z");
  assert.deepEqual(
    await sentTo(reassigned),
    [`0:${home.member.id}`],
    "the new assignee's clock starts today",
  );
  await runTick("2026-11-17T09:00:00Z");
  assert.deepEqual(await sentTo(reassigned), [`0:${home.member.id}`, `0:${home.owner.id}`].sort());

  assert.equal((await request("PUT", url, home.owner, { ...policy, enabled: false })).statusCode, 200);
  const another = await createTask(home.owner, home.residence.id, {
    title: "Test sump pump",
    dueOn: "2026-11-01",
    assigneeId: home.member.id,
  });
  await runTick("2026-11-18T09:00:00Z");
  assert.deepEqual(await sentTo(another), []);
});

test("across a DST change: the escalation waits for 08:00 local on the day New York falls back", async () => {
  const home = await createHousehold(deps, { name: "Fall House", timezone: "America/New_York" });
  await prefer(home.member, "America/New_York", 8);
  const put = await request("PUT", `/v1/residences/${home.residence.id}/escalation-policy`, home.owner, {
    enabled: true,
    steps: [{ notify: "assignee", afterDays: days(2, 2, 2, 2) }],
  });
  assert.equal(put.statusCode, 200, put.body);
  const taskId = await createTask(home.owner, home.residence.id, {
    title: "Drain the outdoor taps",
    dueOn: "2026-10-30",
    assigneeId: home.member.id,
  });
  // Nov 1, 2026, clocks go back at 02:00 EDT. 12:30 UTC was 08:30 on Oct 31 (EDT) but is 07:30 EST now.
  await runTick("2026-11-01T12:30:00Z");
  assert.deepEqual(await sentTo(taskId), [], "07:30 EST is before the digest hour");
  await runTick("2026-11-01T13:05:00Z");
  assert.deepEqual(await sentTo(taskId), [`0:${home.member.id}`], "08:05 EST");
  const mail = await smtp!.waitFor(
    home.member.email,
    (m) => /Drain the outdoor taps/.test(m.subject),
    30_000,
  );
  assert.match(mail.subject, /is 2 days overdue/);
});
