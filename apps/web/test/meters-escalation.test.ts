import assert from "node:assert/strict";
import { test } from "node:test";
import { fetchApi, signUpByEmail } from "@honeydue/testkit";
import { signIn, startWebStack } from "./support.ts";

// End to end in headless Chromium against the real API: a meter and its readings, a usage task whose due date
// follows them, and the escalation policy an owner sets. One web stack per file, as in the other e2e files.

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

  // A usage task on that meter, made through the API: no rate yet, so no date.
  const meters = await send<{ items: { id: string }[] }>("GET", `/v1/residences/${residence.id}/meters`);
  const meterId = meters.items[0]!.id;
  const oil = await send<{ id: string; dueOn: string | null }>(
    "POST",
    `/v1/residences/${residence.id}/tasks`,
    {
      title: "Change the tractor oil",
      recurrence: { kind: "usage", meterId, every: 50 },
    },
  );
  assert.equal(oil.dueOn, null);

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
