import assert from "node:assert/strict";
import { test } from "node:test";
import sharp from "sharp";
import { signIn, signUpMember, startWebStack } from "./support.ts";

// End to end in headless Chromium against the real API, its outbox and SMTP: a member makes a contractor's
// hand-off link on a task's page; the contractor — another browser with no session, in German — opens it,
// sends a PDF invoice and a JPEG photo, types the amount as Germans do and marks the work done; the member
// is emailed, sees the proposal with the files and accepts it, and the task's history holds the completion
// with the cost, the contractor, the photo and the invoice. A withdrawn link shows that it was withdrawn.

/** A one-page PDF with one line of text, its cross-reference table at the byte offsets a reader expects. */
function invoicePdf(line: string): Buffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${`BT /F1 18 Tf 72 760 Td (${line}) Tj ET`.length} >>\nstream\nBT /F1 18 Tf 72 760 Td (${line}) Tj ET\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, "latin1"));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, "latin1");
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

test("a contractor with only the link sends an invoice and a photo; a member accepts it into the log", async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { api, web, smtp, browser, check } = stack;
  const owner = { email: "robin@handoff.example.test", password: "robin's long passphrase" };
  const { headers, post } = await signUpMember(stack, { ...owner, name: "Robin Home" });
  const residence = await post<{ id: string }>("/v1/residences", {
    name: "Alder House",
    propertyType: "house",
    addressLine1: "7 Alder Lane",
    city: "Springfield",
    postalCode: "49007",
  });
  const task = await post<{ id: string }>(`/v1/residences/${residence.id}/tasks`, {
    title: "Service the boiler",
    notes: "The boiler is in the cellar; the key is with the neighbour.",
    dueOn: "2030-05-01",
    recurrence: { kind: "fixed", interval: 1, unit: "year" },
  });
  await post(`/v1/residences/${residence.id}/tasks`, {
    title: "Secret other task",
    notes: "Alarm code 4711",
  });

  const member = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  member.setDefaultTimeout(30_000);
  await member.grantPermissions(["clipboard-read", "clipboard-write"], { origin: web });
  const page = await member.newPage();
  await signIn(stack, page, owner);

  // The member makes a link (the address shown, 30 days) and sees it once, with a copy button.
  await page.goto(`${web}/tasks/${task.id}`);
  await page.getByRole("heading", { name: "Send it to a contractor" }).waitFor();
  await page.getByText("No hand-off links for this task yet.").waitFor();
  await page.getByLabel("Show them the address of the residence").check();
  await page.getByLabel("The link works for").selectOption("30");
  await page.getByRole("button", { name: "Make the link" }).click();
  const urlField = page.getByLabel("The contractor's link");
  await urlField.waitFor();
  const link = await urlField.inputValue();
  assert.match(link, new RegExp(`^${web}/handoff/[\\w-]{20,}$`));
  await page.getByRole("button", { name: "Copy the link" }).click();
  await page.getByText("Copied.").waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  const openCard = page.locator(".handoff-link").filter({ hasText: "Waiting for the contractor" });
  await openCard.getByText("The address is shown").waitFor();
  await check(page, "handoff-task-link");

  // The contractor: no session, another browser, German. Nothing but this site is asked for anything.
  const contractor = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "de-DE" });
  contractor.setDefaultTimeout(30_000);
  const elsewhere: string[] = [];
  contractor.on("request", (r) => {
    if (!r.url().startsWith(`${web}/`) && !r.url().startsWith("data:")) elsewhere.push(r.url());
  });
  const work = await contractor.newPage();
  const answer = await work.goto(link);
  assert.ok(answer, "the contractor's page answered");
  assert.equal(answer.status(), 200);
  assert.equal(answer.headers()["referrer-policy"], "no-referrer");
  assert.match(answer.headers()["x-robots-tag"] ?? "", /noindex/);
  assert.match(answer.headers()["cache-control"] ?? "", /no-store/);
  assert.match(
    (await work.locator('meta[name="robots"]').getAttribute("content")) ?? "",
    /noindex/,
    "the page asks not to be indexed",
  );
  await work.getByRole("heading", { name: "Service the boiler" }).waitFor();
  await work.getByText("The boiler is in the cellar; the key is with the neighbour.").waitFor();
  await work.getByText("7 Alder Lane, 49007 Springfield").waitFor();
  const shown = (await work.locator("body").textContent()) ?? "";
  for (const secret of ["Alder House", "Robin Home", owner.email, "Secret other task", "Alarm code"])
    assert.ok(!shown.includes(secret), `the contractor's page shows “${secret}”`);
  await check(work, "handoff-contractor");

  const photo = await sharp({ create: { width: 96, height: 64, channels: 3, background: "#1f618d" } })
    .jpeg()
    .toBuffer();
  const invoice = invoicePdf("INVOICE 2026-118 Fixit Heating 1.234,50 EUR");
  await work.getByLabel("Your name").fill("Pat Fixit");
  await work.getByLabel("Company (optional)").fill("Fixit Heating");
  await work.getByLabel("Phone (optional)").fill("555-0100");
  await work.getByLabel(/^Amount — /).fill("1.234,5x");
  await work.getByRole("button", { name: "Send and mark the work done" }).click();
  await work
    .getByRole("alert")
    .getByText(/Enter the amount as a number/)
    .waitFor();
  await work.getByLabel(/^Amount — /).fill("1.234,50");
  await work
    .getByLabel("Invoice (PDF or photo, optional)")
    .setInputFiles({ name: "invoice-118.pdf", mimeType: "application/pdf", buffer: invoice });
  await work
    .getByLabel("Photos of the work (optional)")
    .setInputFiles({ name: "new-valve.jpg", mimeType: "image/jpeg", buffer: photo });
  await work.getByLabel("Note for the household (optional)").fill("Replaced the pressure valve.");
  await work.getByRole("button", { name: "Send and mark the work done" }).click();
  await work.getByText("Thank you — the household has been told.").waitFor();
  await work.reload();
  await work.getByRole("heading", { name: "Work marked done" }).waitFor();
  await work.getByText("Invoice: invoice-118.pdf").waitFor();
  await work.getByText("Photo: new-valve.jpg").waitFor();
  await check(work, "handoff-contractor-sent");
  assert.deepEqual(elsewhere, [], "the contractor's page asked another site for something");

  // The member is emailed, and the task's page shows the proposal with the invoice and the photo.
  const mail = await smtp.waitFor(owner.email, (m) => /Service the boiler/.test(m.subject), 60_000);
  assert.equal(mail.subject, "Pat Fixit, Fixit Heating marked “Service the boiler” done — accept or reject");
  assert.ok(mail.text.includes(`${web}/tasks/${task.id}#handoff`), mail.text);
  assert.ok(!mail.raw.includes(link.split("/").pop()!), "the contractor's link is in the email");
  await page.goto(`${web}/tasks/${task.id}`);
  const proposal = page.locator(".proposal");
  await proposal.getByRole("heading", { name: /^Pat Fixit, Fixit Heating marked it done on / }).waitFor();
  await proposal.getByText("$1,234.50").waitFor();
  await proposal.getByText("Replaced the pressure valve.").waitFor();
  await proposal.getByText("555-0100").waitFor();
  const invoiceLink = proposal.getByRole("link", { name: "Open the invoice" });
  const invoiceAnswer = await page.request.get(`${web}${await invoiceLink.getAttribute("href")}`);
  assert.equal(invoiceAnswer.status(), 200);
  assert.equal(invoiceAnswer.headers()["content-type"], "application/pdf");
  assert.ok((await invoiceAnswer.body()).equals(invoice), "the member gets the contractor's PDF as sent");
  const thumbnail = proposal.getByRole("img", { name: "Photo 1 from the contractor" });
  await page.waitForFunction(
    (img) => (img as HTMLImageElement | null)?.complete && (img as HTMLImageElement).naturalWidth > 0,
    await thumbnail.elementHandle(),
  );
  assert.equal(
    await proposal.getByLabel("Log it with the contractor").inputValue(),
    "",
    "a new contractor is made from what they entered",
  );
  await check(page, "handoff-proposal");
  await proposal.getByRole("button", { name: "Accept: log the completion" }).click();
  await page
    .getByText("Accepted: the completion is in the task's history with the cost and files.")
    .waitFor();

  // The history: the completion with the cost, the new contractor, the contractor's note, photo and invoice.
  const entry = page.locator(".history li").first();
  await entry.getByText("Cost $1,234.50").waitFor();
  await entry.getByRole("link", { name: "Pat Fixit" }).waitFor();
  await entry.getByText(/Replaced the pressure valve\./).waitFor();
  await entry.getByRole("img", { name: /^Photo 1 from / }).waitFor();
  const historyInvoice = await page.request.get(
    `${web}${await entry.getByRole("link", { name: "Invoice" }).getAttribute("href")}`,
  );
  assert.ok((await historyInvoice.body()).equals(invoice));
  const log = (await (await fetch(`${api}/v1/tasks/${task.id}/completions`, { headers })).json()) as {
    items: { costCents: number | null; photoIds: string[]; contractorId: string | null }[];
  };
  assert.equal(log.items.length, 1);
  assert.equal(log.items[0]?.costCents, 123_450);
  assert.equal(log.items[0]?.photoIds.length, 1);
  assert.ok(log.items[0]?.contractorId);
  await page.locator(".handoff-link").filter({ hasText: "Accepted by Robin Home" }).waitFor();
  await check(page, "handoff-accepted");

  // A second link, withdrawn: the contractor's page says so and offers nothing.
  await page.getByRole("button", { name: "Make the link" }).click();
  await urlField.waitFor();
  const withdrawn = await urlField.inputValue();
  assert.notEqual(withdrawn, link);
  await openCard.getByRole("button", { name: "Withdraw the link" }).click();
  await page.getByText("The link was withdrawn; it no longer works.").waitFor();
  await page.locator(".handoff-link").filter({ hasText: "Withdrawn" }).waitFor();
  const gone = await contractor.newPage();
  const goneAnswer = await gone.goto(withdrawn);
  assert.equal(goneAnswer?.headers()["referrer-policy"], "no-referrer");
  await gone.getByRole("heading", { name: "This link no longer works" }).waitFor();
  await gone.getByText("The household withdrew this link.").waitFor();
  assert.equal(await gone.getByRole("button", { name: "Send and mark the work done" }).count(), 0);
  assert.ok(!((await gone.locator("body").textContent()) ?? "").includes("Service the boiler"));
  await check(gone, "handoff-revoked");
  // The used link: the work stays marked done, nothing more can be sent.
  await gone.goto(link);
  await gone.getByRole("heading", { name: "Work marked done" }).waitFor();
  await member.close();
  await contractor.close();
});
