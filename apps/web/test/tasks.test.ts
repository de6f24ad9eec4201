import assert from "node:assert/strict";
import { test } from "node:test";
import sharp from "sharp";
import { formatDay } from "../src/lib/format.ts";
import { signIn, signUpMember, startWebStack } from "./support.ts";

// End to end in headless Chromium against the real API: a member creates a recurring task from the form
// (the schedule in plain words as it is picked), completes it with a photo, a cost and a contractor and sees
// the next due date, finds the completion in the task's history with its photo, undoes it, skips, snoozes
// and edits the schedule. Screenshots: artifacts/web-screenshots/.

interface ApiTask {
  id: string;
  dueOn: string | null;
  lastCompletedOn: string | null;
  recurrence: unknown;
}

test("completes a recurring task with a photo and sees the next due date", async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { api, web, browser, check } = stack;
  const member = { email: "robin@tasks.example.test", password: "robin's long passphrase" };
  const { headers, post } = await signUpMember(stack, { ...member, name: "Robin Home" });
  const getTask = async (id: string) =>
    (await (await fetch(`${api}/v1/tasks/${id}`, { headers })).json()) as ApiTask;
  const residence = await post<{ id: string; currency: string }>("/v1/residences", {
    name: "Elm Street Flat",
    propertyType: "apartment",
  });
  await post(`/v1/residences/${residence.id}/contractors`, {
    name: "Gutter Pros",
    trades: ["exterior"],
  });

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await signIn(stack, page, member);

  // Create: the form tells the schedule in words as it is picked.
  await page.goto(`${web}/residences/${residence.id}`);
  await page.getByRole("link", { name: "Add a task" }).click();
  await page.waitForURL(/\/tasks\/new$/);
  await page.getByLabel("What needs doing").fill("Clean the gutters");
  await page.getByLabel("Repeats").selectOption("months");
  await page.getByRole("checkbox", { name: "April" }).check();
  await page.getByRole("checkbox", { name: "October" }).check();
  await page.getByText("every April and October").waitFor();
  await page.getByLabel("Repeats").selectOption("after");
  await page.getByLabel("How long after").fill("90");
  await page.getByText("90 days after I last did it").waitFor();
  await page.getByLabel("Repeats").selectOption("every");
  await page.getByLabel("Every how many").fill("3");
  await page.getByLabel("Unit").selectOption("month");
  await page.getByText("every 3 months").waitFor();
  await page.getByLabel("Category").selectOption("exterior");
  await check(page, "task-new");
  await page.getByRole("button", { name: "Add task" }).click();
  await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
  const taskId = page.url().split("/").pop() ?? "";
  const created = await getTask(taskId);
  assert.deepEqual(created.recurrence, { kind: "fixed", interval: 3, unit: "month" });
  const today = new Date().toISOString().slice(0, 10);
  assert.equal(created.dueOn, today, "a new recurring task without a date is due today");
  await page.getByText("every 3 months").waitFor();

  // Complete with a photo (the camera input), a cost in the member's locale and the contractor.
  const photoInput = page.getByLabel("Photos (optional)");
  assert.equal(await photoInput.getAttribute("accept"), "image/*");
  assert.equal(await photoInput.getAttribute("capture"), "environment");
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#c0392b" } })
    .jpeg()
    .toBuffer();
  await photoInput.setInputFiles({ name: "gutters.jpg", mimeType: "image/jpeg", buffer: photo });
  await page.getByLabel(/What it cost/).fill("1,245.50");
  await page.getByLabel("Who did it (optional)").selectOption({ label: "Gutter Pros" });
  await page.getByLabel("Notes (optional)").fill("Cleared the downpipe too");
  await check(page, "task-detail");
  await page.getByRole("button", { name: "Mark as done" }).click();
  const done = page.getByRole("status").filter({ hasText: "Marked as done." });
  await done.waitFor();
  const completed = await getTask(taskId);
  assert.equal(completed.lastCompletedOn, today);
  assert.ok(completed.dueOn && completed.dueOn > today, `next due ${completed.dueOn} after today`);
  assert.match((await done.textContent()) ?? "", new RegExp(`Next due ${formatDay(completed.dueOn, "en")}`));

  // The history holds the completion with its cost, contractor, notes and photo (served through /files).
  const entry = page.locator(".history li").first();
  await entry.getByText("Cost $1,245.50").waitFor();
  await entry.getByRole("link", { name: "Gutter Pros" }).waitFor();
  await entry.getByText("Cleared the downpipe too").waitFor();
  const image = entry.getByRole("img", { name: /^Photo 1 from / });
  await image.waitFor();
  await page.waitForFunction(
    (img) => (img as HTMLImageElement | null)?.complete && (img as HTMLImageElement).naturalWidth > 0,
    await image.elementHandle(),
  );
  const log = (await (await fetch(`${api}/v1/tasks/${taskId}/completions`, { headers })).json()) as {
    items: { costCents: number | null; photoIds: string[]; contractorId: string | null }[];
  };
  assert.equal(log.items.length, 1);
  assert.equal(log.items[0]?.costCents, 124550);
  assert.equal(log.items[0]?.photoIds.length, 1);
  assert.ok(log.items[0]?.contractorId);
  await page.reload();
  await check(page, "task-history");

  // Undo puts the due date back and empties the history.
  await page.getByRole("button", { name: "Undo the last completion" }).click();
  await page.getByRole("status").filter({ hasText: "The last completion was undone." }).waitFor();
  const undone = await getTask(taskId);
  assert.equal(undone.dueOn, today);
  assert.equal(undone.lastCompletedOn, null);
  await page.getByText("Not done yet.").waitFor();

  // Skip moves it on a period; snooze sets the date of this occurrence.
  await page.getByRole("button", { name: "Skip this time" }).click();
  await page.getByRole("status").filter({ hasText: "Skipped this time." }).waitFor();
  const skipped = await getTask(taskId);
  assert.ok(skipped.dueOn && skipped.dueOn > today, "skipped to a later occurrence");
  // The status can show before the page has re-rendered with the new occurrence: snooze the one it shows
  // (the forms send the due date they were rendered with, and the API refuses a stale one).
  await page.waitForFunction(
    (due) =>
      [...document.querySelectorAll<HTMLInputElement>('input[name="dueOn"]')].every((i) => i.value === due),
    skipped.dueOn,
  );
  await page.getByLabel("Snooze until").fill("2099-01-15");
  await page.getByRole("button", { name: "Snooze", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "Snoozed." }).waitFor();
  assert.equal((await getTask(taskId)).dueOn, "2099-01-15");

  // Edit: the form starts from the schedule; a new one in words shows on the task's page.
  await page.getByRole("link", { name: "Edit" }).click();
  await page.waitForURL(/\/edit$/);
  assert.equal(await page.getByLabel("Repeats").inputValue(), "every");
  assert.equal(await page.getByLabel("Every how many").inputValue(), "3");
  await page.getByLabel("Repeats").selectOption("after");
  await page.getByLabel("How long after").fill("90");
  await check(page, "task-edit");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
  await page.getByText("90 days after I last did it").waitFor();
  assert.deepEqual((await getTask(taskId)).recurrence, {
    kind: "afterCompletion",
    interval: 90,
    unit: "day",
  });

  // The list links to the task's page.
  await page.goto(`${web}/residences/${residence.id}`);
  await page.getByRole("link", { name: "Clean the gutters" }).click();
  await page.waitForURL(new RegExp(`/tasks/${taskId}$`));
  await context.close();
});
