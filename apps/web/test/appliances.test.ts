import assert from "node:assert/strict";
import { test } from "node:test";
import sharp from "sharp";
import { signIn, signUpMember, startWebStack } from "./support.ts";

// End to end in headless Chromium against the real API: a member adds a furnace with a photo, its dates,
// lifespan, replacement cost and links to a document, a contractor and a task; its page offers the jobs a
// furnace calls for (ticked, with their schedules and first due dates) and adds the chosen ones linked to it;
// it shows its age against its expected life, its service history and cost; the list and the home screen
// plan its replacement; a search hit opens it; it is edited and deleted. Screenshots: artifacts/web-screenshots/.

interface ApiAppliance {
  id: string;
  name: string;
  kind: string;
  brand: string | null;
  model: string | null;
  serialNumber: string | null;
  installedOn: string | null;
  location: string | null;
  lifespanYears: number | null;
  replacementCostCents: number | null;
  photoFileId: string | null;
  documentIds: string[];
  contractorIds: string[];
  taskIds: string[];
}

test("appliances: add with photo and links, plan the replacement, find, edit and delete", async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { api, web, browser, check } = stack;
  const member = { email: "sam@appliances.example.test", password: "sam's long passphrase" };
  const { headers, post } = await signUpMember(stack, { ...member, name: "Sam Home" });
  const residence = await post<{ id: string }>("/v1/residences", {
    name: "Oak Cottage",
    propertyType: "house",
  });
  const base = `/v1/residences/${residence.id}`;
  const manual = await post<{ id: string }>(`${base}/documents`, { title: "Furnace manual", kind: "manual" });
  const contractor = await post<{ id: string }>(`${base}/contractors`, {
    name: "Warm Air Co",
    trades: ["hvac"],
  });
  const today = new Date().toISOString().slice(0, 10);
  const task = await post<{ id: string }>(`${base}/tasks`, {
    title: "Replace the furnace filter",
    recurrence: { kind: "fixed", interval: 3, unit: "month" },
    dueOn: today,
  });
  // 18 years old, with the furnace's typical 20 years: nearing the end of its life.
  const installed = `${Number(today.slice(0, 4)) - 18}-01-15`;

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await signIn(stack, page, member);

  await page.goto(`${web}/residences/${residence.id}`);
  await page
    .getByRole("navigation", { name: "This residence" })
    .getByRole("link", { name: "Appliances" })
    .click();
  await page.waitForURL(/\/appliances$/);
  await page.getByText("No appliances yet.").waitFor();
  await page.getByRole("link", { name: "Add an appliance" }).click();
  await page.waitForURL(/\/appliances\/new$/);
  await page.getByLabel("Name").fill("Basement furnace");
  await page.getByLabel("Kind").selectOption("furnace");
  await page.getByLabel("Brand (optional)").fill("Carrier");
  await page.getByLabel("Model (optional)").fill("59SC5A080");
  await page.getByLabel("Serial number (optional)").fill("2208A12345");
  await page.getByLabel("Installed on (optional)").fill(installed);
  await page.getByLabel("Where it is (optional)").fill("Basement");
  await page.getByLabel(/Replacement cost estimate/).fill("4,500.00");
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#8e44ad" } })
    .jpeg()
    .toBuffer();
  await page
    .getByLabel("Photo (optional)")
    .setInputFiles({ name: "furnace.jpg", mimeType: "image/jpeg", buffer: photo });
  await page.getByRole("checkbox", { name: "Furnace manual" }).check();
  await page.getByRole("checkbox", { name: "Warm Air Co" }).check();
  await page.getByRole("checkbox", { name: "Replace the furnace filter" }).check();
  await check(page, "appliance-new");
  await page.getByRole("button", { name: "Add appliance" }).click();
  await page.waitForURL(/\/appliances\/[0-9a-f-]{36}$/);
  const applianceId = page.url().split("/").pop() ?? "";
  const getAppliance = async () => {
    const answer = await fetch(`${api}/v1/appliances/${applianceId}`, { headers });
    return { status: answer.status, body: (await answer.json()) as ApiAppliance };
  };
  const saved = (await getAppliance()).body;
  assert.equal(saved.kind, "furnace");
  assert.equal(saved.brand, "Carrier");
  assert.equal(saved.model, "59SC5A080");
  assert.equal(saved.serialNumber, "2208A12345");
  assert.equal(saved.installedOn, installed);
  assert.equal(saved.replacementCostCents, 450000);
  assert.equal(saved.lifespanYears, null);
  assert.ok(saved.photoFileId, "the photo is set");
  assert.deepEqual(saved.documentIds, [manual.id]);
  assert.deepEqual(saved.contractorIds, [contractor.id]);
  assert.deepEqual(saved.taskIds, [task.id]);

  // Its page: the photo, the facts, its age against its expected life and the estimate, its links.
  await page.getByRole("heading", { name: "Basement furnace", level: 1 }).waitFor();
  const image = page.getByRole("img", { name: "Photo of Basement furnace" });
  await page.waitForFunction(
    (img) => (img as HTMLImageElement | null)?.complete && (img as HTMLImageElement).naturalWidth > 0,
    await image.elementHandle(),
  );
  await page.getByText("Carrier 59SC5A080").waitFor();
  const plan = page.getByRole("region", { name: "Replacement planning" });
  await plan.getByText("18 years").waitFor();
  await plan.getByText("20 years").waitFor();
  await plan.getByText(/Nearing the end of its life/).waitFor();
  await plan.getByText("$4,500.00").waitFor();
  await page.getByRole("link", { name: "Furnace manual" }).waitFor();
  await page.getByRole("link", { name: "Warm Air Co" }).first().waitFor();
  await page.getByRole("link", { name: "Replace the furnace filter" }).first().waitFor();
  await page.getByText("No recall matches this appliance.").waitFor();

  // Added: the jobs a furnace calls for are offered, ticked, with their schedules and first due dates.
  const offered = page.getByRole("region", { name: "Maintenance it calls for" });
  const filterJob = offered.getByRole("checkbox", { name: /^Replace HVAC filter — Basement furnace/ });
  const serviceJob = offered.getByRole("checkbox", {
    name: /^Service the furnace before winter — Basement furnace/,
  });
  const ventsJob = offered.getByRole("checkbox", {
    name: /^Vacuum supply vents and return grilles — Basement furnace/,
  });
  for (const job of [filterJob, serviceJob, ventsJob]) assert.ok(await job.isChecked());
  await offered.getByText(/^90 days after completion · first due /).waitFor();
  await offered.getByText(/· first due Sep 15, \d{4}/).waitFor();
  await check(page, "appliance-suggested");
  await ventsJob.uncheck();
  await offered.getByRole("button", { name: "Add these jobs" }).click();
  await page.waitForURL(/\?added=2$/);
  await offered.getByRole("status").filter({ hasText: "2 jobs added to the list." }).waitFor();
  assert.equal(await offered.getByRole("checkbox").count(), 1, "only the job not yet added is offered");
  const linkedTasks = (await getAppliance()).body.taskIds.filter((id) => id !== task.id);
  assert.equal(linkedTasks.length, 2, "the two chosen jobs are linked to the furnace");
  const made = await Promise.all(
    linkedTasks.map(async (id) => {
      const answer = await fetch(`${api}/v1/tasks/${id}`, { headers });
      return (await answer.json()) as { title: string; dueOn: string; recurrence: unknown };
    }),
  );
  made.sort((x, y) => x.title.localeCompare(y.title));
  assert.deepEqual(
    made.map((m) => [m.title, m.recurrence]),
    [
      ["Replace HVAC filter — Basement furnace", { kind: "afterCompletion", interval: 90, unit: "day" }],
      [
        "Service the furnace before winter — Basement furnace",
        { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=15" },
      ],
    ],
  );
  assert.equal(made[0]!.dueOn, today, "installed 18 years ago: the filter is due now");
  assert.match(made[1]!.dueOn, /-09-15$/, "the service at its season");
  await page
    .getByRole("region", { name: "Tasks" })
    .getByRole("link", { name: /^Replace HVAC filter/ })
    .waitFor();

  // Its service history: the linked task's completion with its cost.
  await post(`/v1/tasks/${task.id}/complete`, { dueOn: today, costCents: 8000, contractorId: contractor.id });
  await page.reload();
  await page.getByText("1 service, $80.00 in all").waitFor();
  await check(page, "appliance-detail");

  // The list plans its replacement with the total cost.
  await page.getByRole("link", { name: "All appliances" }).click();
  await page.waitForURL(/\/appliances$/);
  const planned = page.getByRole("region", { name: "Due for replacement within two years" });
  await planned.getByRole("link", { name: "Basement furnace" }).waitFor();
  await planned.getByText("Estimated cost: $4,500.00").waitFor();
  await check(page, "appliances");

  // The home screen plans it too, across the residences.
  await page.goto(`${web}/tasks`);
  const homePlan = page.getByRole("region", { name: "Replacement planning" });
  await homePlan.getByText("Nearing the end of their life within two years: 1.").waitFor();
  await homePlan.getByText("Estimated cost of replacing them: $4,500.00").waitFor();
  await homePlan.getByRole("link", { name: "Basement furnace" }).click();
  await page.waitForURL(new RegExp(`/appliances/${applianceId}$`));
  await page.goto(`${web}/tasks`);
  await page.getByRole("region", { name: "Replacement planning" }).waitFor();
  await check(page, "home-replacement");

  // A search hit opens its page.
  await page.goto(`${web}/residences/${residence.id}?q=Carrier`);
  await page.locator(".search-hits").getByRole("link", { name: "Basement furnace" }).click();
  await page.waitForURL(new RegExp(`/appliances/${applianceId}$`));

  // Edit: another place, no contractor, the photo removed.
  await page.getByLabel("Where it is (optional)").fill("Utility room");
  await page.getByRole("checkbox", { name: "Warm Air Co" }).uncheck();
  await page.getByRole("checkbox", { name: "Remove the photo" }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("term").filter({ hasText: "Where" }).waitFor();
  await page.getByText("Utility room").first().waitFor();
  const edited = (await getAppliance()).body;
  assert.equal(edited.location, "Utility room");
  assert.deepEqual(edited.contractorIds, []);
  assert.deepEqual([...edited.taskIds].sort(), [task.id, ...linkedTasks].sort());
  assert.equal(edited.photoFileId, null);

  // Delete: back to the list, the appliance gone, its task kept.
  await page.getByRole("button", { name: "Delete this appliance" }).click();
  await page.waitForURL(/\/appliances$/);
  await page.getByText("No appliances yet.").waitFor();
  assert.equal((await getAppliance()).status, 404);
  assert.equal((await fetch(`${api}/v1/tasks/${task.id}`, { headers })).status, 200);
  await context.close();
});
