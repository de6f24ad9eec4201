import assert from "node:assert/strict";
import { test } from "node:test";
import { fetchApi, signUpByEmail } from "@honeydue/testkit";
import { signIn, startWebStack } from "./support.ts";

// End to end in headless Chromium against the real API: a meter and its readings, a usage task made and
// edited in the task form (by use alone, then "or every 3 months, whichever comes first") whose due date
// follows the readings, and the escalation policy an owner sets. One web stack per file, as in the other
// e2e files.

test("meters and readings move a usage task's due date; the owner sets the escalation policy", async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { api, web, smtp, browser, check } = stack;
  const owner = { email: "robin@meters.example.test", password: "robin's long passphrase" };
  const { accessToken } = await signUpByEmail(fetchApi(api), smtp, {
    ...owner,
    name: "Robin Owner",
    timezone: "UTC",
  });
  const headers = { authorization: `Bearer ${accessToken}`, "content-type": "application/json" };
  const send = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await fetch(`${api}${path}`, { method, headers, body: JSON.stringify(body) });
    assert.ok(answer.ok, `${path}: ${answer.status} ${await answer.clone().text()}`);
    return (await answer.json()) as T;
  };
  const residence = await send<{ id: string }>("POST", "/v1/residences", {
    name: "Birch Farm",
    propertyType: "house",
  });

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await signIn(stack, page, owner);

  // Add a meter from the page.
  await page.goto(`${web}/residences/${residence.id}`);
  await page
    .getByRole("navigation", { name: "This residence" })
    .getByRole("link", { name: "Meters" })
    .click();
  await page.waitForURL(/\/meters$/);
  await page.getByText("No meters yet.").waitFor();
  await page.getByLabel("Name").fill("Tractor engine");
  await page.getByLabel("Unit").selectOption("hours");
  await page.getByLabel("What it shows now (optional)").fill("400");
  await page.getByRole("button", { name: "Add meter" }).click();
  await page.getByRole("heading", { name: "Tractor engine" }).waitFor();
  await page.getByText("Latest reading: 400 hours on").waitFor();
  await check(page, "meters");

  // A usage task on that meter, made in the task form: no due date to pick, and no rate yet, so no date.
  const meters = await send<{ items: { id: string }[] }>("GET", `/v1/residences/${residence.id}/meters`);
  const meterId = meters.items[0]!.id;
  await page.goto(`${web}/residences/${residence.id}/tasks/new`);
  await page.getByLabel("What needs doing").fill("Change the tractor oil");
  await page.getByLabel("Repeats").selectOption("usage");
  assert.equal(
    await page.getByLabel("Meter", { exact: true }).inputValue(),
    meterId,
    "the only meter is picked",
  );
  await page.getByLabel("Every how many hours").fill("12.345");
  await page.getByText("Enter an amount above 0, with at most two decimals.").waitFor();
  await page.getByLabel("Every how many hours").fill("50");
  await page.locator(".schedule-words").getByText("every 50 hours of Tractor engine").waitFor();
  assert.equal(await page.getByLabel("Next due date (optional)").count(), 0, "a projected date is not typed");
  await page.getByText("it is projected from the meter's readings").waitFor();
  await check(page, "task-form-usage");
  await page.getByRole("button", { name: "Add task" }).click();
  await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
  const oil = { id: page.url().split("/").pop() ?? "" };
  const made = await send<{ dueOn: string | null; recurrence: unknown }>("GET", `/v1/tasks/${oil.id}`);
  assert.deepEqual(made.recurrence, { kind: "usage", meterId, every: 50 });
  assert.equal(made.dueOn, null);
  await page.goto(`${web}/residences/${residence.id}/meters`);

  // A reading lower than the last is refused with the API's reason; a higher one is logged.
  await page.getByLabel("New reading (hours)").fill("350");
  await page.getByRole("button", { name: "Log reading" }).click();
  await page
    .getByRole("alert")
    .getByText(/at least the latest reading/)
    .waitFor();
  await page.getByLabel("New reading (hours)").fill("460");
  await page.getByRole("button", { name: "Log reading" }).click();
  await page.getByText("Reading logged; its tasks' due dates were projected again.").waitFor();

  // 60 hours since the task was added: it is due now by use, and the task page says why.
  const task = await send<{ dueOn: string; state: string; usage: { dueBy: string } }>(
    "GET",
    `/v1/tasks/${oil.id}`,
  );
  assert.equal(task.usage.dueBy, "reached");
  assert.equal(task.state, "dueToday");
  await page.goto(`${web}/tasks/${oil.id}`);
  await page.getByText("Every 50 hours of Tractor engine").first().waitFor();

  // Edited in the form, which starts from the task's schedule: every 100 hours, or every 3 months, whichever
  // comes first. 60 hours used of 100, and no rate yet (both readings today): due by the calendar.
  await page.goto(`${web}/tasks/${oil.id}/edit`);
  assert.equal(await page.getByLabel("Repeats").inputValue(), "usage");
  assert.equal(await page.getByLabel("Every how many hours").inputValue(), "50");
  await page.getByLabel("Every how many hours").fill("100");
  await page.getByLabel("Also by time, whichever comes first").check();
  await page.getByLabel("Or every how many").fill("3");
  await page.getByLabel("Unit").selectOption("month");
  await page
    .locator(".schedule-words")
    .getByText("every 100 hours of Tractor engine, or every 3 months, whichever comes first")
    .waitFor();
  await check(page, "task-form-usage-hybrid");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.waitForURL(new RegExp(`/tasks/${oil.id}$`));
  await page
    .getByText("Every 100 hours of Tractor engine or every 3 months, whichever comes first")
    .first()
    .waitFor();
  const hybrid = await send<{ recurrence: unknown; usage: { dueBy: string } }>("GET", `/v1/tasks/${oil.id}`);
  assert.deepEqual(hybrid.recurrence, { kind: "usage", meterId, every: 100, interval: 3, unit: "month" });
  assert.equal(hybrid.usage.dueBy, "interval");

  // The escalation policy: off until the owner sets it.
  await page.goto(`${web}/residences/${residence.id}/escalation`);
  await page.getByText("Escalation is off for this residence.").waitFor();
  await page.getByLabel("Escalate overdue tasks").check();
  const first = page.getByRole("group", { name: "Step 1" });
  await first.getByLabel("Tell").selectOption("assignee");
  await first.getByLabel("Days overdue (normal)").fill("3");
  const second = page.getByRole("group", { name: "Step 2" });
  await second.getByLabel("Tell").selectOption("owners");
  await second.getByLabel("Days overdue (normal)").fill("2");
  await page.getByRole("button", { name: "Save policy" }).click();
  // A later step needs more days: the API's reason is shown, nothing is saved.
  await page
    .getByRole("alert")
    .getByText(/more days than every earlier step/)
    .waitFor();
  await second.getByLabel("Days overdue (normal)").fill("7");
  await page.getByRole("button", { name: "Save policy" }).click();
  await page.getByText("Escalation policy saved.").waitFor();
  const policy = await send<{ enabled: boolean; steps: { notify: string; afterDays: { normal: number } }[] }>(
    "GET",
    `/v1/residences/${residence.id}/escalation-policy`,
  );
  assert.equal(policy.enabled, true);
  assert.deepEqual(
    policy.steps.map((s) => [s.notify, s.afterDays.normal]),
    [
      ["assignee", 3],
      ["owners", 7],
    ],
  );
  await page.reload();
  await page.getByText("Escalation is on.").waitFor();
  await check(page, "escalation");
  await context.close();
});
