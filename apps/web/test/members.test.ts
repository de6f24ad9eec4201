import assert from "node:assert/strict";
import { test } from "node:test";
import { fetchApi, signUpByEmail } from "@honeydue/testkit";
import { assertFitsPhone, linkIn, signIn, startWebStack } from "./support.ts";

// End to end in headless Chromium against the real API: an owner manages a residence's members (invites by
// email, withdraws an invitation, makes a share code, changes a role, removes a member, cannot leave as the
// last owner); a viewer joins with the code in a second browser, sees the members read-only and leaves; the
// owner's header counts unread notifications, which the notifications page marks read one by one and all
// at once. Screenshots: artifacts/web-screenshots/.

interface Member {
  userId: string;
  name: string;
  role: string;
}

test("members, invitations, share codes, leaving, and notifications with the unread count", async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { api, web, smtp, browser, check } = stack;
  const call = fetchApi(api);
  const olivia = { email: "olivia@members.example.test", password: "olivia's long passphrase" };
  const val = { email: "val@members.example.test", password: "val's long passphrase" };
  const owner = await signUpByEmail(call, smtp, { ...olivia, name: "Olivia Owner", timezone: "UTC" });
  const max = await signUpByEmail(call, smtp, {
    email: "max@members.example.test",
    password: "max's long passphrase",
    name: "Max Member",
    timezone: "UTC",
  });
  await signUpByEmail(call, smtp, { ...val, name: "Val Viewer", timezone: "UTC" });
  const as = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });
  const residence = (await (
    await fetch(`${api}/v1/residences`, {
      method: "POST",
      headers: as(owner.accessToken),
      body: JSON.stringify({ name: "Maple Court", propertyType: "condo" }),
    })
  ).json()) as { id: string };
  const members = async () =>
    (
      (await (
        await fetch(`${api}/v1/residences/${residence.id}/members`, { headers: as(owner.accessToken) })
      ).json()) as { items: Member[] }
    ).items;

  const ownerContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  ownerContext.setDefaultTimeout(30_000);
  const page = await ownerContext.newPage();
  await signIn(stack, page, olivia);
  await page.getByRole("link", { name: "Maple Court" }).click();
  await page
    .getByRole("navigation", { name: "This residence" })
    .getByRole("link", { name: "Members" })
    .click();
  await page.waitForURL(/\/members$/);
  await page.getByRole("heading", { name: "Members of Maple Court" }).waitFor();

  // Invite Max by email; Max accepts from the emailed link (through the API), which notifies Olivia.
  await page.getByLabel("Their email address").fill("max@members.example.test");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await page.getByRole("status").getByText("Invitation sent to max@members.example.test.").waitFor();
  await page.getByRole("heading", { name: "max@members.example.test" }).waitFor();
  // The form is empty again for the next invitation.
  assert.equal(await page.getByLabel("Their email address").inputValue(), "");
  // A second invitation, withdrawn: it leaves the waiting list.
  await page.getByLabel("Their email address").fill("nobody@members.example.test");
  await page.getByLabel("Their role").selectOption("viewer");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await page.getByRole("heading", { name: "nobody@members.example.test" }).waitFor();
  await check(page, "members-owner");
  await page.getByRole("button", { name: "Withdraw the invitation to nobody@members.example.test" }).click();
  await page.getByRole("heading", { name: "nobody@members.example.test" }).waitFor({ state: "detached" });

  const mail = await smtp.waitFor("max@members.example.test", (m) => m.text.includes("/invites/"));
  const token = linkIn(mail.text, `${web}/invites/`).split("/").pop() ?? "";
  const accepted = await fetch(`${api}/v1/invites/${token}/accept`, {
    method: "POST",
    headers: { authorization: `Bearer ${max.accessToken}` },
  });
  assert.equal(accepted.status, 200, await accepted.clone().text());
  // Max assigns Olivia a task: a second notification.
  const assigned = await fetch(`${api}/v1/residences/${residence.id}/tasks`, {
    method: "POST",
    headers: as(max.accessToken),
    body: JSON.stringify({ title: "Bleed the radiators", assigneeId: owner.user.id }),
  });
  assert.equal(assigned.status, 201, await assigned.clone().text());

  // The header counts Olivia's unread notifications on every signed-in page.
  const badge = page.locator(".site-header .badge");
  for (let i = 0; i < 300; i++) {
    await page.reload();
    if (((await badge.count()) > 0 && (await badge.textContent())?.trim().startsWith("2")) || i === 299)
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal((await badge.textContent())?.trim(), "2 unread");
  await page.getByRole("link", { name: "Notifications 2 unread" }).waitFor();

  // The share code, made for viewers, shown in the answer and listed with its role while it works.
  await page.getByText("No share code works now.").waitFor();
  await page.getByLabel("Joins as").selectOption("viewer");
  await page.getByRole("button", { name: "Make a share code" }).click();
  const made = page.getByRole("status").filter({ hasText: "Share code" });
  await made.waitFor();
  const code = /Share code ([A-Z0-9]{8})/.exec((await made.textContent()) ?? "")?.[1];
  assert.ok(code, `a share code in: ${await made.textContent()}`);
  const codesNow = page.getByRole("list", { name: "Share codes that work now" });
  await codesNow.getByText(code, { exact: true }).waitFor();
  assert.match((await codesNow.textContent()) ?? "", /Viewer.*Works until/);

  // Val joins with the code on a phone, typed loosely, and sees the members read-only.
  const valContext = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "en-US" });
  valContext.setDefaultTimeout(30_000);
  const valPage = await valContext.newPage();
  await signIn(stack, valPage, val);
  await valPage.getByRole("link", { name: "Join with a share code" }).click();
  await valPage.waitForURL(/\/residences\/join$/);
  await check(valPage, "join");
  await valPage.getByLabel("Share code").fill("nope-nope");
  await valPage.getByRole("button", { name: "Join", exact: true }).click();
  await valPage.locator(".notice.error").getByText("That code is unknown or has expired.").waitFor();
  await valPage.getByLabel("Share code").fill(`${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`);
  await valPage.getByRole("button", { name: "Join", exact: true }).click();
  await valPage.waitForURL(new RegExp(`/residences/${residence.id}$`));
  assert.equal(await valPage.getByRole("link", { name: "Add a task" }).count(), 0, "viewers add no tasks");
  await valPage.goto(`${web}/residences/${residence.id}/members`);
  await valPage.getByText("only its owners can change who belongs to it").waitFor();
  assert.equal(
    await valPage.getByRole("button", { name: /^(Remove|Change role|Send invitation)/ }).count(),
    0,
  );
  assert.equal(await valPage.getByRole("combobox").count(), 0, "no role to pick");
  await check(valPage, "members-viewer");
  await assertFitsPhone(valPage, "members (viewer)");

  // Olivia sees three members, and the code still listed on a later visit; turns it off.
  await page.goto(`${web}/residences/${residence.id}/members`);
  await codesNow.getByText(code, { exact: true }).waitFor();
  await page.getByRole("button", { name: "Turn all share codes off" }).click();
  await page.getByText("No share code works now.").waitFor();
  await page.getByRole("status").getByText("The share codes are turned off.").waitFor();
  // Then makes Max a viewer, and removes him.
  const listed = page.getByRole("list", { name: "Members" });
  await listed.getByRole("heading", { name: /Val Viewer/ }).waitFor();
  assert.equal(await listed.getByRole("listitem").count(), 3);
  await page.getByLabel("Role of Max Member").selectOption("viewer");
  await page.getByRole("button", { name: "Change role of Max Member" }).click();
  await page.getByRole("status").getByText("The role is changed.").waitFor();
  assert.equal((await members()).find((m) => m.name === "Max Member")?.role, "viewer");
  await page.getByRole("button", { name: "Remove Max Member" }).click();
  await listed.getByRole("heading", { name: /Max Member/ }).waitFor({ state: "detached" });
  assert.deepEqual((await members()).map((m) => m.name).sort(), ["Olivia Owner", "Val Viewer"]);

  // Val leaves; Olivia, the last owner, cannot.
  await valPage.getByRole("button", { name: "Leave this residence" }).click();
  await valPage.waitForURL(/\/tasks$/);
  assert.equal(await valPage.getByRole("link", { name: "Maple Court" }).count(), 0);
  assert.deepEqual(
    (await members()).map((m) => m.name),
    ["Olivia Owner"],
  );
  await page.getByRole("button", { name: "Leave this residence" }).click();
  await page.locator(".notice.error").waitFor();
  assert.deepEqual(
    (await members()).map((m) => m.name),
    ["Olivia Owner"],
  );

  // Notifications: newest first, one marked read (the header says 1), then all (no count left).
  await page.getByRole("link", { name: "Notifications 2 unread" }).click();
  await page.waitForURL(/\/notifications$/);
  const items = page.locator(".table-list > li");
  assert.match((await items.nth(0).textContent()) ?? "", /Max Member assigned you “Bleed the radiators”/);
  assert.match((await items.nth(1).textContent()) ?? "", /Max Member joined Maple Court/);
  await check(page, "notifications");
  await page.getByRole("button", { name: "Mark “Max Member joined Maple Court” as read" }).click();
  await page.getByRole("link", { name: "Notifications 1 unread" }).waitFor();
  await page.locator("main").getByText("1 unread", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Mark all as read" }).click();
  await badge.waitFor({ state: "detached" });
  await page.locator("main").getByText("0 unread", { exact: true }).waitFor();
  const unread = (await (
    await fetch(`${api}/v1/notifications`, { headers: as(owner.accessToken) })
  ).json()) as {
    unreadCount: number;
  };
  assert.equal(unread.unreadCount, 0);
  await items.nth(0).getByRole("link", { name: "Open" }).click();
  await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
  await page.getByRole("heading", { name: "Bleed the radiators" }).waitFor();
});
