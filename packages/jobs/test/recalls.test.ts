import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { test } from "node:test";
import {
  applianceRecalls,
  appliances,
  memberships,
  notifications,
  outbox,
  recallNotices,
  recallSources,
  residences,
  users,
} from "@honeydue/db";
import { createMetrics, loggerOptions } from "@honeydue/observability";
import { createTestDatabase, startFakeCpscServer } from "@honeydue/testkit";
import { and, eq, inArray } from "drizzle-orm";
import pino from "pino";
import { type RecallCheckDeps, runRecallCheck } from "../src/jobs/recalls/check.ts";
import { cpscNotice, createCpscSource } from "../src/jobs/recalls/sources.ts";

const FIXTURE = new URL("./fixtures/cpsc/recalls-page.json", import.meta.url).pathname;
const { handle } = await createTestDatabase();
const db = handle.db;
const cpsc = await startFakeCpscServer();
const lines: string[] = [];
const log = pino(
  loggerOptions({ level: "info", role: "worker" }),
  new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  }),
);
const metrics = createMetrics("worker");
const settings = { enabled: true, checkIntervalHours: 24, lookbackDays: 30 };
const depsFor = (url: string, extra: Partial<RecallCheckDeps> = {}): RecallCheckDeps => ({
  db,
  log,
  sources: [createCpscSource({ url, timeoutMs: 5000 })],
  settings,
  metrics,
  ...extra,
});
const deps = depsFor(cpsc.url);

async function user(name: string, extra: Partial<typeof users.$inferInsert> = {}) {
  const [u] = await db
    .insert(users)
    .values({ email: `${name}@recalls.test`, name, passwordHash: "x", emailVerifiedAt: new Date(), ...extra })
    .returning();
  return u!;
}
async function household(name: string, people: { id: string; role: "owner" | "member" | "viewer" }[]) {
  const [r] = await db.insert(residences).values({ name, timezone: "UTC" }).returning();
  for (const p of people)
    await db.insert(memberships).values({ residenceId: r!.id, userId: p.id, role: p.role });
  return r!;
}
async function appliance(residenceId: string, name: string, brand: string | null, model: string | null) {
  const [a] = await db.insert(appliances).values({ residenceId, name, brand, model }).returning();
  return a!;
}
const counter = async (name: string, labels: Record<string, string>) => {
  const metric = (await metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return metric.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))?.value ?? 0;
};

// One household with an owner, a member, a viewer, a member who turned reminder emails off and a disabled
// member; another household with the same model under another brand.
const owner = await user("owner");
const member = await user("member");
const viewer = await user("viewer");
const quiet = await user("quiet", { digestEnabled: false });
const gone = await user("gone", { disabledAt: new Date() });
const stranger = await user("stranger");
const home = await household("Maple Street", [
  { id: owner.id, role: "owner" },
  { id: member.id, role: "member" },
  { id: viewer.id, role: "viewer" },
  { id: quiet.id, role: "member" },
  { id: gone.id, role: "member" },
]);
const elsewhere = await household("Elsewhere", [{ id: stranger.id, role: "owner" }]);
// Written the way households type labels: spaces, dashes, lower case, the brand's full company name.
const dishwasher = await appliance(home.id, "Kitchen dishwasher", "Whirlpool Corporation", "wdt-730 pahz0");
const heater = await appliance(home.id, "Basement water heater", "A.O. Smith", "GPVL 50");
const fridge = await appliance(home.id, "Fridge", "Whirlpool", "WRF555SDFZ");
const noModel = await appliance(home.id, "Old dryer", "Whirlpool", null);
const otherBrand = await appliance(elsewhere.id, "Their dishwasher", "Bosch", "WDT730PAHZ0");

test("the CPSC adapter reads the published JSON shape: firms, models from lists and prose, remedy, dates", () => {
  const [dishwashers, heaters] = JSON.parse(readFileSync(FIXTURE, "utf8")) as unknown[];
  const d = cpscNotice(dishwashers)!;
  assert.equal(d.recallId, "26-041");
  assert.equal(d.recalledOn, "2026-11-19");
  assert.equal(d.publishedAt?.toISOString(), "2026-11-19T00:00:00.000Z");
  assert.deepEqual(d.firms, ["Whirlpool Corporation", "Whirlpool"]);
  assert.ok(d.models.includes("WDT730PAHZ0") && d.models.includes("WDT730PAHB0"), d.models.join(" "));
  assert.match(d.remedy!, /free in-home repair/);
  assert.equal(d.url, "https://www.cpsc.gov/Recalls/2026/Whirlpool-Recalls-Dishwashers-Due-to-Fire-Hazard");
  const h = cpscNotice(heaters)!;
  assert.ok(h.models.includes("GPVL-50"), h.models.join(" "));
  assert.ok(h.firms.includes("A. O. Smith Corporation"));
  assert.equal(cpscNotice({ RecallNumber: "1", Title: "" }), null);
  assert.equal(cpscNotice("not a recall"), null);
});

test("a recorded recall for a seeded brand/model notifies owners and members once: in-app, push, email", async () => {
  cpsc.answer({ fixture: FIXTURE });
  const at = new Date("2026-12-01T06:00:00Z");
  const first = await runRecallCheck(deps, at);
  assert.deepEqual(first.fetched, { cpsc: "succeeded" });
  assert.equal(first.notices, 3, "three notices stored, the one without a title skipped");
  assert.equal(first.matches, 2);
  // The first fetch reaches back RECALLS_LOOKBACK_DAYS, asking for JSON.
  assert.equal(cpsc.requests.at(-1)!.get("format"), "json");
  assert.equal(cpsc.requests.at(-1)!.get("LastPublishDateStart"), "2026-11-01");

  const matched = await db.select().from(applianceRecalls).orderBy(applianceRecalls.recallId);
  assert.deepEqual(
    matched.map((m) => [m.applianceId, m.recallId]),
    [
      [dishwasher.id, "26-041"],
      [heater.id, "26-044"],
    ],
  );
  assert.match(matched[0]!.remedy!, /free in-home repair/);
  for (const a of [fridge, noModel, otherBrand]) {
    assert.equal(
      (await db.select().from(applianceRecalls).where(eq(applianceRecalls.applianceId, a.id))).length,
      0,
    );
  }

  // In-app: owner, member and the member without reminder emails; not the viewer, the disabled member, the stranger.
  const inApp = await db
    .select()
    .from(notifications)
    .where(eq(notifications.kind, "appliance.recalled"))
    .orderBy(notifications.userId);
  const byUser = new Map<string, string[]>();
  for (const n of inApp) byUser.set(n.userId, [...(byUser.get(n.userId) ?? []), n.subjectId!]);
  assert.deepEqual(
    [...byUser.keys()].sort(),
    [owner.id, member.id, quiet.id].sort(),
    "owners and members, not viewers or disabled accounts",
  );
  for (const subjects of byUser.values())
    assert.deepEqual(subjects.sort(), [dishwasher.id, heater.id].sort());
  assert.equal(inApp.find((n) => n.subjectId === dishwasher.id)!.title, "Recall: Kitchen dishwasher");

  const jobs = await db
    .select()
    .from(outbox)
    .where(inArray(outbox.job, ["email.send", "push.send"]));
  const emails = jobs.filter((j) => j.job === "email.send").map((j) => j.payload as Record<string, unknown>);
  const pushes = jobs.filter((j) => j.job === "push.send").map((j) => j.payload as Record<string, unknown>);
  // Email: only those with reminder emails on (the quiet member turned them off), once per recall; the
  // jobs carry ids and the notice, never an unsubscribe link (minted when the email is sent).
  assert.deepEqual(emails.map((e) => e.userId).sort(), [member.id, member.id, owner.id, owner.id].sort());
  assert.ok(emails.every((e) => !JSON.stringify(e).includes("unsubscribe")));
  const dishwasherMail = emails.find((e) => e.userId === owner.id && e.applianceId === dishwasher.id)!;
  assert.equal(dishwasherMail.template, "appliance-recall");
  assert.equal(dishwasherMail.recallTitle, "Whirlpool Recalls Dishwashers Due to Fire Hazard");
  // Push: every in-app recipient (the push job itself skips users who turned push off).
  assert.equal(pushes.length, 6);
  assert.ok(pushes.every((p) => p.kind === "appliance.recalled"));

  // A second run (forced past the interval) raises nothing more.
  const before = (await db.select().from(outbox)).length;
  const second = await runRecallCheck(deps, new Date("2026-12-01T07:00:00Z"), { force: true });
  assert.equal(second.matches, 0);
  assert.equal((await db.select().from(outbox)).length, before);
  assert.equal(
    (await db.select().from(notifications).where(eq(notifications.kind, "appliance.recalled"))).length,
    inApp.length,
  );
  assert.equal(await counter("recall_matches_total", {}), 2);
});

test("a source is fetched once per interval, then from the newest notice seen less an overlap", async () => {
  cpsc.answer({ fixture: FIXTURE });
  const requests = cpsc.requests.length;
  const soon = await runRecallCheck(deps, new Date("2026-12-01T10:00:00Z"));
  assert.deepEqual(soon.fetched, { cpsc: "not_due" });
  assert.equal(cpsc.requests.length, requests, "not fetched within RECALLS_CHECK_INTERVAL_HOURS");
  const later = await runRecallCheck(deps, new Date("2026-12-02T08:00:00Z"));
  assert.deepEqual(later.fetched, { cpsc: "succeeded" });
  // The newest LastPublishDate seen is 2026-11-21; a week of overlap.
  assert.equal(cpsc.requests.at(-1)!.get("LastPublishDateStart"), "2026-11-14");
});

test("an appliance added later is matched against the notices already stored, without a fetch", async () => {
  const requests = cpsc.requests.length;
  const second = await appliance(elsewhere.id, "Cabin dishwasher", "whirlpool", "WDT730PAHW0");
  const result = await runRecallCheck(deps, new Date("2026-12-02T09:00:00Z"));
  assert.deepEqual(result.fetched, { cpsc: "not_due" });
  assert.equal(cpsc.requests.length, requests);
  assert.equal(result.matches, 1);
  const mine = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, stranger.id), eq(notifications.subjectId, second.id)));
  assert.equal(mine.length, 1);
});

test("an unreachable or broken source is logged, counted and recorded, and matching goes on", async () => {
  const failedBefore = await counter("recall_checks_total", { source: "cpsc", outcome: "failed" });
  // Nothing listens on a closed server's port.
  const dead = await startFakeCpscServer();
  await dead.close();
  const late = await appliance(home.id, "Second water heater", "A. O. Smith Corp.", "GPVL-50");
  const down = await runRecallCheck(depsFor(dead.url), new Date("2026-12-05T09:00:00Z"));
  assert.deepEqual(down.fetched, { cpsc: "failed" });
  assert.equal(down.matches, 1, "stored notices still match a new appliance while the source is down");
  assert.equal(
    (await db.select().from(applianceRecalls).where(eq(applianceRecalls.applianceId, late.id)))[0]?.recallId,
    "26-044",
  );

  cpsc.answer({ status: 503 });
  const unavailable = await runRecallCheck(deps, new Date("2026-12-05T10:00:00Z"));
  assert.deepEqual(unavailable.fetched, { cpsc: "failed" });
  cpsc.answer({ garbage: "<html>maintenance</html>" });
  await runRecallCheck(deps, new Date("2026-12-05T11:00:00Z"));
  cpsc.answer({ json: { not: "a list" } });
  await runRecallCheck(deps, new Date("2026-12-05T12:00:00Z"));

  assert.equal(await counter("recall_checks_total", { source: "cpsc", outcome: "failed" }), failedBefore + 4);
  const [state] = await db.select().from(recallSources).where(eq(recallSources.source, "cpsc"));
  assert.equal(state!.consecutiveFailures, 4);
  assert.match(state!.lastError!, /other than a list/);
  assert.equal(state!.lastSuccessAt?.toISOString(), "2026-12-02T08:00:00.000Z", "the last success is kept");
  const failures = lines
    .flatMap((chunk) => chunk.split("\n").filter(Boolean))
    .map((l) => JSON.parse(l))
    .filter((l) => l.msg?.startsWith("recall source failed"));
  assert.equal(failures.length, 4);
  assert.equal(failures[1].level, "error");
  assert.match(failures[1].err.message, /HTTP 503/);
  assert.match(failures[2].err.message, /invalid JSON/);

  // Back: the next tick fetches again and clears the failure count.
  cpsc.answer({ fixture: FIXTURE });
  const back = await runRecallCheck(deps, new Date("2026-12-05T13:00:00Z"));
  assert.deepEqual(back.fetched, { cpsc: "succeeded" });
  const [after] = await db.select().from(recallSources).where(eq(recallSources.source, "cpsc"));
  assert.equal(after!.consecutiveFailures, 0);
  assert.equal(after!.lastError, null);
  assert.equal((await db.select().from(recallNotices)).length, 3);
});

test("RECALLS_ENABLED=false fetches and matches nothing", async () => {
  const requests = cpsc.requests.length;
  await appliance(home.id, "Third dishwasher", "Whirlpool", "WDT730PAHB0");
  const off = await runRecallCheck(
    { ...deps, settings: { ...settings, enabled: false } },
    new Date("2026-12-09T00:00:00Z"),
    {
      force: true,
    },
  );
  assert.deepEqual(off, { fetched: {}, notices: 0, matches: 0 });
  assert.equal(cpsc.requests.length, requests);
});
