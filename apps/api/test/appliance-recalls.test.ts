import assert from "node:assert/strict";
import { test } from "node:test";
import { applianceRecalls } from "@honeydue/db";
import { createHousehold } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
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
