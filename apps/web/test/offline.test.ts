import assert from "node:assert/strict";
import { test } from "node:test";
import { signIn, signUpMember, startWebStack } from "./support.ts";

// End to end in headless Chromium against the real API (decision 0019): the app is installable, the service
// worker keeps the pages the member saw, the network is cut (browser offline) and the reloaded list shows
// what it last saw; two tasks are completed, one snoozed and one created offline, the network returns, and
// the server holds exactly those changes once — also when the answer to a replay is lost on the way back;
// the snooze of a task someone else completed meanwhile is shown as not applied, with what happened, and so
// is the completion of a task someone deleted meanwhile; the
// changes feed refreshes the kept pages, so offline again they show the server's state.
// Screenshots: artifacts/web-screenshots/.

interface ApiTask {
  id: string;
  title: string;
  dueOn: string | null;
  lastCompletedOn: string | null;
}

test("works offline: kept pages, queued writes replayed once, a conflict shown", async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { api, web, browser, check } = stack;
  const member = { email: "kim@offline.example.test", password: "kim's long passphrase" };
  const { headers, post } = await signUpMember(stack, { ...member, name: "Kim Offline" });
  const get = async <T>(path: string): Promise<T> => {
    const answer = await fetch(`${api}${path}`, { headers });
    assert.equal(answer.status, 200, `${path}: ${await answer.clone().text()}`);
    return (await answer.json()) as T;
  };
  const completionsOf = async (taskId: string) =>
    (await get<{ items: { costCents: number | null }[] }>(`/v1/tasks/${taskId}/completions`)).items;
  const today = new Date().toISOString().slice(0, 10);
  const residence = await post<{ id: string }>("/v1/residences", {
    name: "Ash Grove",
    propertyType: "house",
  });
  const monthly = { kind: "fixed", interval: 1, unit: "month" };
  const newTask = (title: string) =>
    post<ApiTask>(`/v1/residences/${residence.id}/tasks`, { title, recurrence: monthly, dueOn: today });
  const filter = await newTask("Change the furnace filter");
  const heater = await newTask("Flush the water heater");
  const alarms = await newTask("Test the smoke alarms");
  const vent = await newTask("Clean the dryer vent");

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await signIn(stack, page, member);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  // Installable: Chromium finds the manifest with its icons and a service worker with a fetch handler.
  const cdp = await context.newCDPSession(page);
  const manifest = (await cdp.send("Page.getAppManifest")) as { errors: unknown[]; data?: string };
  assert.deepEqual(manifest.errors, []);
  const icons = (JSON.parse(manifest.data ?? "{}") as { icons: { src: string; sizes: string }[] }).icons;
  assert.ok(icons.some((icon) => icon.sizes === "512x512"));
  for (const icon of icons) {
    const answer = await page.request.get(`${web}${icon.src}`);
    assert.equal(answer.status(), 200, icon.src);
  }
  const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as {
    installabilityErrors: { errorId: string }[];
  };
  // A Playwright context is an off-the-record profile, where Chromium never offers installing.
  assert.deepEqual(
    installabilityErrors.map((e) => e.errorId).filter((id) => id !== "in-incognito"),
    [],
  );
  await cdp.detach();

  // Seen online: the list, two task pages and the new-task form are kept on this device.
  for (const path of [
    `/residences/${residence.id}`,
    `/tasks/${heater.id}`,
    `/tasks/${alarms.id}`,
    `/residences/${residence.id}/tasks/new`,
  ]) {
    await page.goto(`${web}${path}`);
    await page.getByRole("heading", { level: 1 }).waitFor();
  }

  // The network is cut: the list opens from what this device kept.
  await context.setOffline(true);
  await page.goto(`${web}/residences/${residence.id}`);
  await page.getByRole("heading", { name: "Ash Grove", level: 1 }).waitFor();
  await page.getByText(/^You are offline\./).waitFor();
  await check(page, "offline-list");
  const card = (title: string) =>
    page.locator(".task", { has: page.getByRole("heading", { name: title, exact: true }) });
  await card(filter.title).getByRole("button", { name: "Done" }).click();
  await card(filter.title).getByRole("status").filter({ hasText: "Saved on this device" }).waitFor();
  await page.getByText("1 change made offline is waiting to be sent.").waitFor();
  // Meanwhile someone else deletes the dryer vent task; this device completes it.
  const deleted = await fetch(`${api}/v1/tasks/${vent.id}`, {
    method: "DELETE",
    headers: { authorization: headers.authorization },
  });
  assert.ok(deleted.ok, `delete: ${deleted.status}`);
  await card(vent.title).getByRole("button", { name: "Done" }).click();
  await page.getByText("2 changes made offline are waiting to be sent.").waitFor();

  // A task's page: completed with a cost.
  await page.goto(`${web}/tasks/${heater.id}`);
  await page.getByRole("heading", { name: heater.title, level: 1 }).waitFor();
  await page.getByLabel(/What it cost/).fill("12.50");
  await page.getByRole("button", { name: "Mark as done" }).click();
  await page.getByRole("status").filter({ hasText: "Saved on this device" }).waitFor();

  // Meanwhile someone else completes the smoke alarms; this device still shows them due today and snoozes.
  await post(`/v1/tasks/${alarms.id}/complete`, { dueOn: today });
  await page.goto(`${web}/tasks/${alarms.id}`);
  await page.getByLabel("Snooze until").fill("2099-01-15");
  await page.getByRole("button", { name: "Snooze", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "Saved on this device" }).waitFor();

  // A page never seen here: the offline page says so (the service worker has no network either).
  await page.goto(`${web}/residences/${residence.id}/contractors`);
  await page.getByRole("heading", { name: "You are offline", level: 1 }).waitFor();

  // A new task.
  await page.goto(`${web}/residences/${residence.id}/tasks/new`);
  await page.getByLabel("What needs doing").fill("Fix the fence gate");
  await page.getByRole("button", { name: "Add task" }).click();
  await page.getByRole("status").filter({ hasText: "Saved on this device" }).waitFor();
  await page.getByText("5 changes made offline are waiting to be sent.").waitFor();
  await check(page, "offline-queued");
  assert.equal((await completionsOf(filter.id)).length, 0, "nothing reached the server while offline");

  // The network returns, but the answer to the first replay is lost on its way back: the write happened,
  // the page does not know it and sends it again later with the same Idempotency-Key.
  let lost = 0;
  await context.route(`${web}/api/queue`, async (route) => {
    if (lost > 0) return route.continue();
    lost++;
    await route.fetch();
    await route.abort("connectionreset");
  });
  await context.setOffline(false);
  await poll(async () => (await completionsOf(filter.id)).length === 1, "the first replay reached the API");
  assert.equal(lost, 1);
  await page.getByText("5 changes made offline are waiting to be sent.").waitFor();
  await page.reload();
  const conflict = page
    .getByRole("alert")
    .getByRole("listitem")
    .filter({ hasText: `Not applied: Snooze “${alarms.title}”` });
  await conflict.waitFor();
  const nowDue = await get<ApiTask>(`/v1/tasks/${alarms.id}`);
  assert.notEqual(nowDue.dueOn, "2099-01-15");
  assert.ok(nowDue.dueOn);
  const shownDue = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(`${nowDue.dueOn}T00:00:00Z`),
  );
  assert.match(
    (await conflict.textContent()) ?? "",
    new RegExp(`had moved on meanwhile: it is now due ${shownDue}`),
  );
  const refused = page
    .getByRole("alert")
    .getByRole("listitem")
    .filter({ hasText: `Not applied: Mark as done “${vent.title}”` });
  await refused.getByText("honeyDue refused it:").waitFor();
  await page.getByText(/changes? made offline (is|are) waiting/).waitFor({ state: "detached" });
  await check(page, "offline-conflict");

  // Exactly those changes, once each.
  assert.equal((await completionsOf(filter.id)).length, 1);
  const heaterLog = await completionsOf(heater.id);
  assert.deepEqual(
    heaterLog.map((c) => c.costCents),
    [1250],
  );
  assert.equal((await completionsOf(alarms.id)).length, 1, "only the other member's completion");
  const listed = await get<{ items: ApiTask[] }>(`/v1/residences/${residence.id}/tasks?limit=100`);
  assert.equal(listed.items.filter((task) => task.title === "Fix the fence gate").length, 1);

  // The changes feed refreshed the kept pages: offline again, the water heater's page shows its completion.
  await poll(
    () =>
      page.evaluate(
        async (url) =>
          (await (await caches.match(url, { ignoreVary: true }))?.text())?.includes("Cost $12.50") ?? false,
        `${web}/tasks/${heater.id}`,
      ),
    "the kept page of the water heater refreshed from the changes feed",
    () => page.reload(),
  );
  await context.setOffline(true);
  await page.goto(`${web}/tasks/${heater.id}`);
  await page.locator(".history li").first().getByText("Cost $12.50").waitFor();

  // The conflict stays until the person dismisses it.
  await page.reload();
  await conflict.waitFor();
  await conflict.getByRole("button", { name: "Dismiss" }).click();
  await conflict.waitFor({ state: "detached" });
  await context.close();
});

/** Polls a condition (optionally nudging between tries) for up to a minute; fails with `what`. */
async function poll(
  condition: () => Promise<boolean>,
  what: string,
  nudge?: () => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (nudge && i % 10 === 9) await nudge();
  }
  assert.fail(`timed out: ${what}`);
}
