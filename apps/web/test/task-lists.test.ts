import assert from "node:assert/strict";
import { test } from "node:test";
import { fetchApi, signUpByEmail } from "@honeydue/testkit";
import { signIn, startWebStack } from "./support.ts";

// End to end in headless Chromium against the real API: filters and search on the list, contractors with their
// job history, documents with their files and expiry. One web stack per file, as in the other e2e files.

test("filters and search on the list, contractors with their job history, documents with files and expiry", async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { api, web, smtp, browser, check } = stack;
  const member = { email: "kim@task-lists.example.test", password: "kim's long passphrase" };
  const { accessToken } = await signUpByEmail(fetchApi(api), smtp, {
    ...member,
    name: "Kim Keeper",
    timezone: "UTC",
  });
  const headers = { authorization: `Bearer ${accessToken}`, "content-type": "application/json" };
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const answer = await fetch(`${api}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    assert.ok(answer.ok, `${path}: ${answer.status} ${await answer.clone().text()}`);
    return (await answer.json()) as T;
  };
  const residence = await post<{ id: string }>("/v1/residences", {
    name: "Oak Cottage",
    propertyType: "house",
  });
  const boiler = await post<{ id: string; dueOn: string }>(`/v1/residences/${residence.id}/tasks`, {
    title: "Service the boiler",
    category: "hvac",
    priority: "high",
    recurrence: { kind: "fixed", interval: 1, unit: "year" },
  });
  await post(`/v1/residences/${residence.id}/tasks`, {
    title: "Wash the windows",
    category: "cleaning",
    priority: "low",
    recurrence: { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1" },
  });

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await signIn(stack, page, member);

  // Filters narrow the list; the plain-words schedule shows on each task.
  await page.goto(`${web}/residences/${residence.id}`);
  await page.getByText("every April and October").waitFor();
  await page.getByLabel("Priority").selectOption("high");
  await page.getByRole("button", { name: "Show" }).click();
  await page.waitForURL(/priority=high/);
  await page.getByRole("link", { name: "Service the boiler" }).waitFor();
  assert.equal(await page.getByRole("link", { name: "Wash the windows" }).count(), 0);
  await check(page, "list-filtered");
  await page.goto(`${web}/residences/${residence.id}?category=cleaning`);
  await page.getByRole("link", { name: "Wash the windows" }).waitFor();
  assert.equal(await page.getByRole("link", { name: "Service the boiler" }).count(), 0);

  // Search goes through the API's full-text search.
  await page.getByLabel("Search tasks, contractors and documents").fill("boiler");
  await page.getByLabel("Category").selectOption("");
  await page.getByRole("button", { name: "Show" }).click();
  const results = page.getByRole("region", { name: "Search results for “boiler”" });
  await results.getByRole("link", { name: "Service the boiler" }).waitFor();
  await check(page, "list-search");

  // A contractor, and the job they did in their history.
  await page.getByRole("link", { name: "Contractors" }).click();
  await page.getByRole("link", { name: "Add a contractor" }).click();
  await page.getByLabel("Name").fill("Ace Heating");
  await page.getByRole("checkbox", { name: "Heating and cooling" }).check();
  await page.getByLabel("Phone (optional)").fill("+1 555 0100");
  await check(page, "contractor-new");
  await page.getByRole("button", { name: "Add contractor" }).click();
  await page.waitForURL(/\/contractors\/[0-9a-f-]{36}$/);
  const contractorId = page.url().split("/").pop() ?? "";
  await page.getByText("No jobs recorded yet.").waitFor();
  await post(`/v1/tasks/${boiler.id}/complete`, { dueOn: boiler.dueOn, costCents: 12000, contractorId });
  await page.reload();
  await page.getByRole("link", { name: "Service the boiler" }).waitFor();
  await page.getByText("$120.00 in all").waitFor();
  await check(page, "contractor");
  await page.getByRole("link", { name: "All contractors" }).click();
  await page.getByRole("link", { name: "Ace Heating" }).waitFor();

  // A document with its file and an expiry date that has passed.
  await page.goto(`${web}/residences/${residence.id}/documents`);
  await page.getByRole("link", { name: "Add a document" }).click();
  await page.getByLabel("Title").fill("Boiler warranty");
  await page.getByLabel("Kind").selectOption("warranty");
  await page.getByLabel("Expires on (optional)").fill("2020-01-31");
  const pdf = Buffer.from(
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
  );
  await page
    .getByLabel("File (optional)")
    .setInputFiles({ name: "warranty.pdf", mimeType: "application/pdf", buffer: pdf });
  await check(page, "document-new");
  await page.getByRole("button", { name: "Add document" }).click();
  await page.waitForURL(/\/documents\/[0-9a-f-]{36}$/);
  await page.getByText("Expired Jan 31, 2020").waitFor();
  const href = await page.getByRole("link", { name: "Open the file" }).getAttribute("href");
  assert.match(href ?? "", /^\/files\/[0-9a-f-]{36}$/);
  const file = await page.request.get(`${web}${href}`);
  assert.equal(file.status(), 200);
  assert.equal(file.headers()["content-type"], "application/pdf");
  assert.ok((await file.body()).toString("latin1").startsWith("%PDF-"));
  await check(page, "document");
  await page.getByRole("link", { name: "All documents" }).click();
  await page.getByText("Expired Jan 31, 2020").waitFor();
  await check(page, "documents");
  await context.close();
});
