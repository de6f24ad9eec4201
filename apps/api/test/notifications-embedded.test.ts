import assert from "node:assert/strict";
import { test } from "node:test";
import { memberships, residences, tasks, users } from "@honeydue/db";
import { enqueueJob, nextRun, SCHEDULES } from "@honeydue/jobs";
import { mailRecipient } from "@honeydue/testkit";
import { eq } from "drizzle-orm";
import { createUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

// Embedded mode (no REDIS_URL): the API runs the reminder jobs itself over the outbox.
const { app, deps, smtp } = await startTestApi({ smtp: true });

test("embedded mode: a digest tick in the API process mails the digest with one-click unsubscribe, which works by POST", async () => {
  const user = await createUser(deps, { email: "embedded-digest@example.test" });
  await deps.db.update(users).set({ digestHour: new Date().getUTCHours() }).where(eq(users.id, user.id));
  const [r] = await deps.db.insert(residences).values({ name: "Cottage", timezone: "UTC" }).returning();
  await deps.db.insert(memberships).values({ residenceId: r!.id, userId: user.id, role: "owner" });
  await deps.db
    .insert(tasks)
    .values({ residenceId: r!.id, title: "Descale the kettle", dueOn: "2026-01-05" });

  await enqueueJob(deps.db, "reminders.digest-tick", {});
  deps.notifyOutbox();
  const mail = await smtp!.waitFor("embedded-digest@example.test");
  assert.match(mail.subject, /1 overdue/);
  assert.match(mail.text, /Descale the kettle \(Cottage\) — due 2026-01-05/);
  assert.match(mail.html, /Descale the kettle/);
  const header =
    /^List-Unsubscribe:\s+<(https:\/\/api\.honeydue\.test(\/v1\/unsubscribe\/[\w.-]+))>\r?$/m.exec(mail.raw);
  assert.ok(header, mail.raw.slice(0, 800));
  assert.match(mail.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);

  // A second tick the same day sends nothing more.
  await enqueueJob(deps.db, "reminders.digest-tick", {});
  await enqueueJob(deps.db, "email.send", {
    template: "password-changed",
    userId: await mailRecipient(deps.db, "embedded-digest@example.test"),
  });
  deps.notifyOutbox();
  await smtp!.waitFor("embedded-digest@example.test", (m) => /password/i.test(m.subject));
  assert.equal(smtp!.messages.filter((m) => /overdue/.test(m.subject)).length, 1);

  const path = header[2]!;
  assert.equal((await app.inject({ method: "GET", url: path })).json().subscribed, true);
  const post = await app.inject({
    method: "POST",
    url: path,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: "List-Unsubscribe=One-Click",
  });
  assert.equal(post.statusCode, 200);
  const [after] = await deps.db.select({ on: users.digestEnabled }).from(users).where(eq(users.id, user.id));
  assert.equal(after!.on, false);
});

test("embedded schedules fire at the worker's cron times", () => {
  const at = Date.UTC(2026, 10, 28, 9, 30);
  const next = Object.fromEntries(SCHEDULES.map((s) => [s.id, new Date(nextRun(s.cron, at)).toISOString()]));
  assert.equal(next["digest-tick"], "2026-11-28T10:00:00.000Z");
  assert.equal(next["warranty-tick"], "2026-11-28T10:05:00.000Z");
  assert.equal(next["escalation-tick"], "2026-11-28T10:11:00.000Z");
  assert.equal(next.housekeeping, "2026-11-29T03:17:00.000Z");
  assert.equal(next["recall-check"], "2026-11-28T10:23:00.000Z");
  assert.equal(next["files-cleanup"], "2026-11-28T09:41:00.000Z");
});
