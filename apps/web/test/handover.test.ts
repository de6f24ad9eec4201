import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { assertFitsPhone, linkIn, signIn, signUpMember, startWebStack } from "./support.ts";

// End to end in headless Chromium against the real API: the home history report downloaded as a PDF through
// the web server, shared by a link that works without an account until the owner revokes it; then the home
// handed over — an offer withdrawn, an offer emailed to the buyer, who signs in, accepts and finds the home
// with its tasks and log, while the seller keeps the copy they chose and their other home. One web stack per
// file, as in the other e2e files.

/** The text of a PDF, by poppler's pdftotext. */
const pdfText = (pdf: Buffer) => execFileSync("pdftotext", ["-", "-"], { input: pdf }).toString("utf8");

async function bytes(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

test("the home history report is downloaded and shared by a revocable link; the home is handed over", async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { web, smtp, browser, check } = stack;
  const seller = { email: "robin@handover.example.test", password: "robin's long passphrase" };
  const buyer = { email: "bea@handover.example.test", password: "bea's long passphrase" };
  const asSeller = await signUpMember(stack, { ...seller, name: "Robin Seller" });
  const asBuyer = await signUpMember(stack, { ...buyer, name: "Bea Buyer" });
  const home = await asSeller.post<{ id: string }>("/v1/residences", {
    name: "Oak House",
    propertyType: "house",
    addressLine1: "12 Acorn Lane",
    city: "Springfield",
  });
  const other = await asSeller.post<{ id: string }>("/v1/residences", {
    name: "Beach Flat",
    propertyType: "apartment",
  });
  const alarms = await asSeller.post<{ id: string }>(`/v1/residences/${home.id}/tasks`, {
    title: "Test the smoke alarms",
    dueOn: "2026-02-01",
    recurrence: { kind: "fixed", interval: 6, unit: "month" },
  });
  await asSeller.post(`/v1/tasks/${alarms.id}/complete`, {
    dueOn: "2026-02-01",
    completedOn: "2026-02-03",
    costCents: 12_000,
    notes: "Replaced two batteries",
  });
  await asSeller.post(`/v1/residences/${other.id}/tasks`, { title: "Drain the hot tub" });

  const sellerContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  sellerContext.setDefaultTimeout(30_000);
  const page = await sellerContext.newPage();
  await signIn(stack, page, seller);

  // The report, from the residence's nav, downloaded through the web server: a PDF about this home.
  await page.goto(`${web}/residences/${home.id}`);
  await page
    .getByRole("navigation", { name: "This residence" })
    .getByRole("link", { name: "Home history" })
    .click();
  await page.waitForURL(/\/history$/);
  await page.getByText("No share link yet.").waitFor();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download home history (PDF)" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "home-history-oak-house.pdf");
  const pdf = await bytes(await download.createReadStream());
  assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
  const report = pdfText(pdf);
  assert.match(report, /Oak House/);
  assert.match(report, /12 Acorn Lane/);
  assert.match(report, /Test the smoke alarms/);
  assert.match(report, /Replaced two batteries/);
  assert.doesNotMatch(report, /Drain the hot tub/, "nothing of the seller's other home");

  // A share link, shown once; a browser without an account reads the report through it.
  await page.getByLabel("Who it is for (optional)").fill("The buyer's agent");
  await page.getByLabel("Works for how many days").fill("0");
  await page.getByRole("button", { name: "Make a share link" }).click();
  await page.getByRole("alert").getByText("Enter a whole number of days from 1 to 365.").waitFor();
  await page.getByLabel("Works for how many days").fill("7");
  await page.getByRole("button", { name: "Make a share link" }).click();
  await page.getByText("Here is the link. Copy it now: it is shown only once.").waitFor();
  const shareUrl = await page.getByLabel("Share link", { exact: true }).inputValue();
  assert.match(shareUrl, /\/v1\/reports\/[A-Za-z0-9_-]{20,}$/);
  await page.getByRole("heading", { name: "The buyer's agent Works" }).waitFor();
  await check(page, "home-history");
  await assertFitsPhone(page, "home-history");

  const anonymous = await browser.newContext({ locale: "en-US" });
  const shared = await anonymous.request.get(shareUrl);
  assert.equal(shared.status(), 200);
  assert.equal(shared.headers()["content-type"], "application/pdf");
  assert.match(pdfText(await shared.body()), /Oak House/);
  await page.reload();
  await page.getByText("Opened 1 time, last").waitFor();

  // Revoked from the list: the link stops working at once.
  await page.getByRole("button", { name: "Revoke “The buyer's agent”" }).click();
  // (The list shows it revoked; its button, and the button's message, are gone.)
  await page.getByRole("heading", { name: "The buyer's agent Revoked" }).waitFor();
  assert.equal((await anonymous.request.get(shareUrl)).status(), 410);
  await anonymous.close();

  // Handing the home over: what happens is said before anything is offered.
  await page
    .getByRole("navigation", { name: "This residence" })
    .getByRole("link", { name: "Hand over" })
    .click();
  await page.waitForURL(/\/handover$/);
  await page.getByRole("heading", { name: "When they accept" }).waitFor();
  await page.getByText("No offer is waiting.").waitFor();

  // An offer to the wrong address, withdrawn.
  await page.getByLabel("The new owner's email address").fill("someone.else@handover.example.test");
  await page.getByRole("button", { name: "Offer the home" }).click();
  await page.getByRole("heading", { name: "Offered to someone.else@handover.example.test" }).waitFor();
  await page
    .getByRole("button", { name: "Withdraw the offer to someone.else@handover.example.test" })
    .click();
  await page.getByText("No offer is waiting.").waitFor();

  // The offer to the buyer; the seller's household keeps a copy of the log only.
  await page.getByLabel("The new owner's email address").fill(buyer.email);
  await page.getByLabel("The maintenance log (dates, costs and notes of completed jobs)").check();
  await page.getByLabel("A message for them (optional)").fill("Enjoy the house!");
  await page.getByRole("button", { name: "Offer the home" }).click();
  await page.getByText(`Offered to ${buyer.email}. We emailed them`).waitFor();
  const pending = page.getByRole("list", { name: "Waiting offer" });
  await pending.getByRole("heading", { name: `Offered to ${buyer.email}` }).waitFor();
  await pending
    .getByText(
      "Your household keeps a copy of: the maintenance log (dates, costs and notes of completed jobs).",
    )
    .waitFor();
  await page.getByRole("heading", { name: "Earlier offers" }).waitFor();
  await check(page, "handover");
  await assertFitsPhone(page, "handover");

  // The buyer is emailed a link to the offers page; they sign in and find the offer there.
  const mail = await smtp.waitFor(buyer.email, (m) => /handing Oak House over/.test(m.subject));
  const offersLink = linkIn(mail.text, `${web}/`);
  assert.equal(offersLink, `${web}/handovers`);
  const buyerContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  buyerContext.setDefaultTimeout(30_000);
  const buyerPage = await buyerContext.newPage();
  await signIn(stack, buyerPage, buyer);
  await buyerPage.getByText("A home is offered to you.").waitFor();
  await buyerPage.goto(offersLink);
  await buyerPage.getByRole("heading", { name: "Oak House" }).waitFor();
  await buyerPage.getByText("12 Acorn Lane").waitFor();
  await buyerPage.getByText("“Enjoy the house!”").waitFor();
  await check(buyerPage, "handover-offers");
  await assertFitsPhone(buyerPage, "handover-offers");
  await buyerPage.getByRole("button", { name: "Accept Oak House" }).click();
  await buyerPage.waitForURL(new RegExp(`/residences/${home.id}$`));
  await buyerPage.getByRole("heading", { name: "Oak House" }).first().waitFor();
  await buyerPage.getByRole("link", { name: "Test the smoke alarms" }).first().click();
  await buyerPage.waitForURL(new RegExp(`/tasks/${alarms.id}$`));
  await buyerPage.getByText("Cost $120.00").first().waitFor();
  await buyerPage.getByText("Replaced two batteries").first().waitFor();
  const buyerMe = await fetch(`${stack.api}/v1/residences/${home.id}`, { headers: asBuyer.headers });
  assert.equal(((await buyerMe.json()) as { role: string }).role, "owner");
  await buyerPage.goto(`${web}/handovers`);
  await buyerPage.getByText("No home is offered to you now.").waitFor();

  // The seller no longer has the home; their copy of its log and their other home remain.
  await page.goto(`${web}/tasks`);
  const homes = page.getByRole("heading", { level: 2 });
  await page.getByRole("link", { name: "Oak House (before hand-over)" }).waitFor();
  assert.deepEqual((await homes.allTextContents()).sort(), ["Beach Flat", "Oak House (before hand-over)"]);
  // Its old address leads back to their list.
  await page.goto(`${web}/residences/${home.id}`);
  await page.waitForURL(/\/tasks$/);
  await buyerContext.close();
  await sellerContext.close();
});
