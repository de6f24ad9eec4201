import assert from "node:assert/strict";
import { test } from "node:test";
import { deriveKeyRing } from "@honeydue/config";
import {
  digestRuns,
  documents,
  memberships,
  notifications,
  outbox,
  residences,
  tasks,
  users,
} from "@honeydue/db";
import { TEMPLATES, verifyUnsubscribeToken } from "@honeydue/email";
import { createLogger } from "@honeydue/observability";
import { createTestDatabase } from "@honeydue/testkit";
import { and, eq, sql } from "drizzle-orm";
import type { Static } from "typebox";
import { runDigestTick } from "../src/jobs/reminders/digest.ts";
import { runWarrantyTick } from "../src/jobs/reminders/warranty.ts";

const { handle } = await createTestDatabase();
const db = handle.db;
const KEYS = deriveKeyRing({ current: "test-secret-test-secret-test-secret-1234" });
const UNSUBSCRIBE_KEYS = KEYS["unsubscribe-link"];
const deps = { db, log: createLogger({ level: "silent", role: "worker" }) };
/** Where the email handler makes its links when the digest is sent. */
const URLS = { publicWebUrl: "https://web.honeydue.test", publicApiUrl: "https://api.honeydue.test" };

async function user(
  name: string,
  timezone: string,
  digestHour: number,
  extra: Partial<typeof users.$inferInsert> = {},
) {
  const [u] = await db
    .insert(users)
    .values({
      email: `${name}@example.test`,
      name,
      passwordHash: "x",
      timezone,
      digestHour,
      emailVerifiedAt: new Date(),
      ...extra,
    })
    .returning();
  return u!;
}
async function home(owner: string, timezone: string, name = "Home") {
  const [r] = await db.insert(residences).values({ name, timezone, createdBy: owner }).returning();
  await db.insert(memberships).values({ residenceId: r!.id, userId: owner, role: "owner" });
  return r!;
}

const localHour = (at: Date, timeZone: string) =>
  Number(new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", hourCycle: "h23" }).format(at));
const localDate = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    at,
  );

async function digestEmails(userId: string) {
  return db
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.job, "email.send"),
        sql`${outbox.payload}->>'template' = 'daily-digest'`,
        sql`${outbox.payload}->>'userId' = ${userId}`,
      ),
    );
}

test("digests go out at each user's local hour in three timezones across a DST change, once per local day, never when nothing is due", async () => {
  // 2026-03-29: Europe/Berlin springs forward at 02:00 (02:xx does not exist); New York is already on EDT
  // (since 03-08); Tokyo has no DST. The ticks run hourly over 3 UTC days, each one twice (two replicas).
  const ny = await user("ny", "America/New_York", 7);
  const berlin = await user("berlin", "Europe/Berlin", 2);
  const tokyo = await user("tokyo", "Asia/Tokyo", 18);
  const idle = await user("idle", "Europe/Berlin", 7);
  const off = await user("off", "Asia/Tokyo", 7, { digestEnabled: false });
  for (const u of [ny, berlin, tokyo, off]) {
    const r = await home(u.id, u.timezone);
    await db
      .insert(tasks)
      .values({ residenceId: r.id, title: `Clean gutters (${u.name})`, dueOn: "2026-03-01" });
  }
  const idleHome = await home(idle.id, idle.timezone);
  // Nothing due within the horizon for "idle": a task far in the future and a completed one.
  await db.insert(tasks).values([
    { residenceId: idleHome.id, title: "Later", dueOn: "2027-01-01" },
    { residenceId: idleHome.id, title: "Done", dueOn: "2026-03-01", completedAt: new Date() },
  ]);

  const sentAt = new Map<string, Date[]>();
  const start = Date.UTC(2026, 2, 27, 0);
  for (let h = 0; h < 72; h++) {
    const at = new Date(start + h * 3_600_000 + 60_000);
    for (let replica = 0; replica < 2; replica++) {
      const before = new Map<string, number>();
      for (const u of [ny, berlin, tokyo, idle, off]) before.set(u.id, (await digestEmails(u.id)).length);
      await runDigestTick(deps, at);
      for (const u of [ny, berlin, tokyo, idle, off]) {
        const now = (await digestEmails(u.id)).length;
        if (now > before.get(u.id)!) sentAt.set(u.id, [...(sentAt.get(u.id) ?? []), at]);
      }
    }
  }
  for (const u of [ny, tokyo]) {
    const times = sentAt.get(u.id) ?? [];
    assert.ok(times.length >= 2, `${u.name}: ${times.length} digests`);
    for (const at of times)
      assert.equal(localHour(at, u.timezone), u.digestHour, `${u.name} at ${at.toISOString()}`);
    const days = times.map((at) => localDate(at, u.timezone));
    assert.equal(new Set(days).size, days.length, `${u.name}: one digest per local day`);
  }
  // Berlin at 02:00: at 02:xx on the 27th and 28th; on 2026-03-29 (02:xx skipped) at 03:xx, the first hour after.
  const berlinDays = (sentAt.get(berlin.id) ?? []).map((at) => [
    localDate(at, "Europe/Berlin"),
    localHour(at, "Europe/Berlin"),
  ]);
  assert.deepEqual(berlinDays, [
    ["2026-03-27", 2],
    ["2026-03-28", 2],
    ["2026-03-29", 3],
  ]);
  assert.equal((sentAt.get(idle.id) ?? []).length, 0, "nothing due → no digest");
  assert.equal((sentAt.get(off.id) ?? []).length, 0, "digest off → no digest");

  const [mail] = await digestEmails(ny.id);
  const payload = mail!.payload as Record<string, unknown>;
  assert.equal(payload.userId, ny.id);
  assert.equal(payload.overdueCount, 1);
  assert.match(String(payload.overdue), /Clean gutters \(ny\) \(Home\) — due 2026-03-01/);
  // No address and no unsubscribe link in the job: both are looked up / signed when it is sent.
  assert.doesNotMatch(JSON.stringify(payload), /unsubscribe|@example\.test/);
  const message = await TEMPLATES["daily-digest"].load(
    {
      db,
      ...URLS,
      keys: KEYS,
    },
    payload as Static<(typeof TEMPLATES)["daily-digest"]["payload"]>,
  );
  assert.equal(message!.to, "ny@example.test");
  const token = String(message!.data.unsubscribeUrl).split("/").pop()!;
  assert.deepEqual(verifyUnsubscribeToken(UNSUBSCRIBE_KEYS, token), { userId: ny.id, purpose: "reminders" });
  const runs = await db.select().from(digestRuns).where(eq(digestRuns.userId, ny.id));
  assert.equal(runs.length, (sentAt.get(ny.id) ?? []).length);
});

test("a digest counts due dates in each residence's own timezone and skips tasks assigned to others", async () => {
  const me = await user("me", "UTC", 9);
  const other = await user("other", "UTC", 9, { digestEnabled: false });
  const auckland = await home(me.id, "Pacific/Auckland", "Bach");
  const utcHome = await home(me.id, "UTC", "Flat");
  await db.insert(memberships).values({ residenceId: utcHome.id, userId: other.id, role: "member" });
  // 2026-06-10 09:30 UTC = 2026-06-10 21:30 in Auckland.
  await db.insert(tasks).values([
    { residenceId: auckland.id, title: "Bach today", dueOn: "2026-06-10" },
    { residenceId: auckland.id, title: "Bach tomorrow", dueOn: "2026-06-11" },
    { residenceId: utcHome.id, title: "Flat yesterday", dueOn: "2026-06-09" },
    { residenceId: utcHome.id, title: "Someone else's", dueOn: "2026-06-09", assigneeId: other.id },
    { residenceId: utcHome.id, title: "Mine", dueOn: "2026-06-12", assigneeId: me.id },
    { residenceId: utcHome.id, title: "Too far", dueOn: "2026-06-30" },
  ]);
  await runDigestTick(deps, new Date("2026-06-10T09:30:00Z"));
  const [mail] = await digestEmails(me.id);
  const data = mail!.payload as Record<string, unknown>;
  assert.equal(data.overdueCount, 1);
  assert.equal(data.todayCount, 1);
  assert.equal(data.soonCount, 2);
  assert.doesNotMatch(JSON.stringify(data), /Someone else's|Too far/);
  // A due-today notification (and push job) comes with it.
  const [n] = await db.select().from(notifications).where(eq(notifications.userId, me.id));
  assert.equal(n?.kind, "task.due_today");
  const pushes = await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.job, "push.send"), sql`${outbox.payload}->>'userId' = ${me.id}`));
  assert.equal(pushes.length, 1);
});

test("warranty reminders go out 30 and 7 days before expiry, once each", async () => {
  const owner = await user("owner", "UTC", 7);
  const member = await user("member", "UTC", 7, { digestEnabled: false });
  const r = await home(owner.id, "UTC");
  await db.insert(memberships).values({ residenceId: r.id, userId: member.id, role: "member" });
  const [doc] = await db
    .insert(documents)
    .values({ residenceId: r.id, title: "Dishwasher", kind: "warranty", expiresOn: "2026-08-31" })
    .returning();
  await db
    .insert(documents)
    .values({ residenceId: r.id, title: "Manual", kind: "manual", expiresOn: "2026-08-31" });
  const mails = () =>
    db
      .select()
      .from(outbox)
      .where(and(eq(outbox.job, "email.send"), sql`${outbox.payload}->>'template' = 'warranty-expiring'`));
  const day = (d: string) => new Date(`${d}T10:00:00Z`);
  assert.deepEqual(
    await runWarrantyTick(deps, day("2026-07-31")),
    { reminders: 0 },
    "31 days before: nothing",
  );
  assert.deepEqual(await runWarrantyTick(deps, day("2026-08-01")), { reminders: 1 });
  assert.deepEqual(await runWarrantyTick(deps, day("2026-08-01")), { reminders: 0 }, "same tick again");
  assert.deepEqual(await runWarrantyTick(deps, day("2026-08-10")), { reminders: 0 });
  assert.deepEqual(await runWarrantyTick(deps, day("2026-08-24")), { reminders: 1 }, "7 days before");
  assert.deepEqual(await runWarrantyTick(deps, day("2026-08-30")), { reminders: 0 });
  // Emails only to members with reminder emails on; in-app notifications to every member.
  const sent = await mails();
  assert.equal(sent.length, 2);
  assert.ok(sent.every((m) => (m.payload as { userId: string }).userId === owner.id));
  assert.deepEqual(
    sent.map((m) => (m.payload as { daysLeft: number }).daysLeft),
    [30, 7],
  );
  const notes = await db.select().from(notifications).where(eq(notifications.subjectId, doc!.id));
  assert.equal(notes.length, 4);
});

test("on a fall-back day (01:xx happens twice in New York) the digest still goes out once", async () => {
  const early = await user("early", "America/New_York", 1);
  const r = await home(early.id, early.timezone);
  await db.insert(tasks).values({ residenceId: r.id, title: "Check sump pump", dueOn: "2026-10-01" });
  const sent: Date[] = [];
  // 2026-11-01: EDT ends at 02:00 EDT (06:00 UTC), clocks go back to 01:00 EST; ticks every 30 minutes.
  const start = Date.UTC(2026, 9, 31, 12);
  for (let i = 0; i < 96; i++) {
    const at = new Date(start + i * 1_800_000);
    const before = (await digestEmails(early.id)).length;
    await runDigestTick(deps, at);
    if ((await digestEmails(early.id)).length > before) sent.push(at);
  }
  assert.deepEqual(
    sent.map((at) => at.toISOString()),
    ["2026-11-01T05:00:00.000Z", "2026-11-02T06:00:00.000Z"],
    "01:00 EDT on Nov 1 (not again at 01:00 EST), 01:00 EST on Nov 2",
  );
});

test("a late tick past midnight still sends the digest of users whose hour is 22 or 23, dated the day before", async () => {
  // Berlin (UTC+2 in May) at 22:00 and UTC at 23:00; the worker was down from 20:00 UTC until 22:30 UTC.
  const berlin = await user("late-berlin", "Europe/Berlin", 22);
  const utc = await user("late-utc", "UTC", 23);
  for (const u of [berlin, utc]) {
    const r = await home(u.id, u.timezone);
    await db
      .insert(tasks)
      .values({ residenceId: r.id, title: `Bleed radiators (${u.name})`, dueOn: "2026-05-01" });
  }
  const ticks = [
    "2026-05-10T22:30:00Z", // Berlin 00:30 on the 11th: 2.5 h after its 22:00 → the 10th's digest
    "2026-05-11T00:30:00Z", // UTC 00:30: 1.5 h after 23:00 → the 10th's digest
    "2026-05-11T01:30:00Z", // both already sent
    "2026-05-11T20:05:00Z", // Berlin 22:05 → the 11th's digest
    "2026-05-11T23:05:00Z", // UTC 23:05 → the 11th's digest
    "2026-05-12T00:05:00Z", // nothing more
  ];
  const dates = new Map<string, string[]>();
  for (const at of ticks) {
    await runDigestTick(deps, new Date(at));
  }
  for (const u of [berlin, utc]) {
    const mails = await digestEmails(u.id);
    dates.set(u.name, mails.map((m) => String((m.payload as { date: string }).date)).sort());
  }
  assert.deepEqual(dates.get("late-berlin"), ["2026-05-10", "2026-05-11"]);
  assert.deepEqual(dates.get("late-utc"), ["2026-05-10", "2026-05-11"]);
});
