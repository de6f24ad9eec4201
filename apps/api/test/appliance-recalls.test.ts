import assert from "node:assert/strict";
import { test } from "node:test";
import { applianceRecalls, notifications, outbox } from "@honeydue/db";
import { enqueueJob } from "@honeydue/jobs";
import { startFakeCpscServer } from "@honeydue/testkit";
import { and, eq, isNotNull, isNull, or } from "drizzle-orm";
import { createHousehold } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

// The recall job runs in the API's embedded job runner against a fake CPSC service speaking its protocol.
const cpsc = await startFakeCpscServer();
const FIXTURE = new URL("../../../packages/jobs/test/fixtures/cpsc/recalls-page.json", import.meta.url)
  .pathname;
const { app, deps, smtp } = await startTestApi({ smtp: true, env: { RECALLS_CPSC_URL: cpsc.url } });
const home = await createHousehold(deps, { name: "Maple House" });
const other = await createHousehold(deps, { name: "Elsewhere" });
const get = (url: string, as = home.member) => app.inject({ method: "GET", url, headers: as.auth });

async function appliance(body: object, as = home.member, residenceId = home.residence.id) {
  const res = await app.inject({
    method: "POST",
    url: `/v1/residences/${residenceId}/appliances`,
    headers: as.auth,
    payload: body,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string };
}

test("a residence's recalls: its appliances' matches, newest first; viewers read; other households 404", async () => {
  const dishwasher = await appliance({
    name: "Dishwasher",
    kind: "dishwasher",
    brand: "Whirlpool",
    model: "WDT730PAHZ0",
  });
  const heater = await appliance({
    name: "Water heater",
    kind: "water_heater",
    brand: "A.O. Smith",
    model: "GPVL-50",
  });
  const theirs = await appliance(
    { name: "Theirs", brand: "Whirlpool", model: "WDT730PAHZ0" },
    other.member,
    other.residence.id,
  );
  const recall = (applianceId: string, recallId: string, matchedAt: string) => ({
    applianceId,
    source: "cpsc",
    recallId,
    title: `Recall ${recallId}`,
    remedy: "Stop using it",
    url: `https://www.cpsc.gov/Recalls/${recallId}`,
    recalledOn: "2026-11-19",
    matchedAt: new Date(matchedAt),
  });
  await deps.db
    .insert(applianceRecalls)
    .values([
      recall(dishwasher.id, "26-041", "2026-11-20T00:00:00Z"),
      recall(heater.id, "26-044", "2026-11-22T00:00:00Z"),
      recall(theirs.id, "26-041", "2026-11-23T00:00:00Z"),
    ]);

  const res = await get(`/v1/residences/${home.residence.id}/recalls`, home.viewer);
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json().items, [
    {
      applianceId: heater.id,
      applianceName: "Water heater",
      kind: "water_heater",
      brand: "A.O. Smith",
      model: "GPVL-50",
      recall: {
        source: "cpsc",
        recallId: "26-044",
        title: "Recall 26-044",
        remedy: "Stop using it",
        url: "https://www.cpsc.gov/Recalls/26-044",
        recalledOn: "2026-11-19",
        matchedAt: "2026-11-22T00:00:00.000Z",
      },
    },
    {
      applianceId: dishwasher.id,
      applianceName: "Dishwasher",
      kind: "dishwasher",
      brand: "Whirlpool",
      model: "WDT730PAHZ0",
      recall: {
        source: "cpsc",
        recallId: "26-041",
        title: "Recall 26-041",
        remedy: "Stop using it",
        url: "https://www.cpsc.gov/Recalls/26-041",
        recalledOn: "2026-11-19",
        matchedAt: "2026-11-20T00:00:00.000Z",
      },
    },
  ]);
  // The appliance answers the same recall in its own `recalls`.
  const one = await get(`/v1/appliances/${dishwasher.id}`);
  assert.deepEqual(one.json().recalls, [res.json().items[1].recall]);

  assertProblem(await get(`/v1/residences/${home.residence.id}/recalls`, other.owner), 404);
  assertProblem(await app.inject({ method: "GET", url: `/v1/residences/${home.residence.id}/recalls` }), 401);
});

/** Runs the recall job through the outbox and waits until the runner has finished it. */
async function runRecallJob(at: string) {
  const id = await enqueueJob(deps.db, "recalls.check", { at });
  deps.notifyOutbox();
  for (;;) {
    const [row] = await deps.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.id, id), or(isNotNull(outbox.processedAt), isNotNull(outbox.failedAt))));
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const recallCount = async (outcome: string) =>
  (await deps.metrics.registry.getSingleMetric("recall_checks_total")?.get())?.values.find(
    (v) => v.labels.outcome === outcome,
  )?.value ?? 0;

test("the recall job: a recorded CPSC recall for a seeded brand/model notifies each owner and member once, in-app and by email", async () => {
  const house = await createHousehold(deps, { name: "Recall House" });
  const added = await appliance(
    {
      name: "Kitchen dishwasher",
      kind: "dishwasher",
      brand: "Whirlpool Corporation",
      model: "wdt-730 pahz0",
    },
    house.owner,
    house.residence.id,
  );
  cpsc.answer({ fixture: FIXTURE });
  const job = await runRecallJob("2026-12-01T06:23:00Z");
  assert.equal(job.failedAt, null);
  assert.equal(cpsc.requests.at(-1)?.get("format"), "json");

  for (const who of [house.owner, house.member]) {
    const mail = await smtp!.waitFor(who.email, (m) => /Recall notice/.test(m.subject), 60_000);
    assert.equal(mail.subject, "Recall notice for your Kitchen dishwasher");
    assert.match(mail.text, /Whirlpool Recalls Dishwashers Due to Fire Hazard/);
    assert.match(mail.text, /free in-home repair/);
    assert.match(
      mail.text,
      /https:\/\/www\.cpsc\.gov\/Recalls\/2026\/Whirlpool-Recalls-Dishwashers-Due-to-Fire-Hazard/,
    );
    assert.match(mail.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    const inbox = await get("/v1/notifications", who);
    const recalled = inbox.json().items.filter((n: { kind: string }) => n.kind === "appliance.recalled");
    assert.equal(recalled.length, 1, inbox.body);
    assert.equal(recalled[0].subjectId, added.id);
  }
  const viewerInbox = (await get("/v1/notifications", house.viewer)).json().items;
  assert.ok(
    !viewerInbox.some((n: { kind: string }) => n.kind === "appliance.recalled"),
    "viewers are not notified",
  );
  const recalls = (await get(`/v1/residences/${house.residence.id}/recalls`, house.viewer)).json().items;
  assert.deepEqual(
    recalls.map((r: { applianceId: string; recall: { recallId: string } }) => [
      r.applianceId,
      r.recall.recallId,
    ]),
    [[added.id, "26-041"]],
  );

  // A second run raises nothing: no notification, no email job.
  const before = await deps.db
    .select()
    .from(notifications)
    .where(eq(notifications.kind, "appliance.recalled"));
  const emailsBefore = (await deps.db.select().from(outbox).where(eq(outbox.job, "email.send"))).length;
  assert.equal((await runRecallJob("2026-12-03T06:23:00Z")).failedAt, null);
  assert.equal(
    (await deps.db.select().from(notifications).where(eq(notifications.kind, "appliance.recalled"))).length,
    before.length,
  );
  assert.equal(
    (await deps.db.select().from(outbox).where(eq(outbox.job, "email.send"))).length,
    emailsBefore,
  );
  assert.equal(smtp!.messages.filter((m) => /Recall notice/.test(m.subject)).length, 2);
});

test("an unreachable recall source is counted and logged, the job completes, and the API is unaffected", async () => {
  const failed = await recallCount("failed");
  cpsc.answer({ status: 503 });
  const job = await runRecallJob("2026-12-09T06:23:00Z");
  assert.equal(job.failedAt, null, "the job completes: a source outage is not a job failure");
  assert.equal(await recallCount("failed"), failed + 1);
  const stillUp = await get(`/v1/residences/${home.residence.id}/appliances`);
  assert.equal(stillUp.statusCode, 200);
  const unfinished = await deps.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.job, "recalls.check"), isNull(outbox.processedAt)));
  assert.deepEqual(unfinished, []);
});
