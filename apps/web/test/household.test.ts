import assert from "node:assert/strict";
import { test } from "node:test";
import { fetchApi, signUpByEmail } from "@honeydue/testkit";
import { linkIn, signIn, startWebStack } from "./support.ts";

// End to end in headless Chromium: an owner creates a residence from the starter templates, completes a
// recurring task and sees it move on, invites a second member who signs up and joins from the emailed link
// in a second browser context. Screenshots: artifacts/web-screenshots/.
test("a residence from templates, a recurring task completed, an invite accepted in a second browser", async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { api, web, smtp, browser, check } = stack;
  const owner = { email: "alex@household.example.test", password: "alex's long passphrase" };
  const signed = await signUpByEmail(fetchApi(api), smtp, { ...owner, name: "Alex Owner", timezone: "UTC" });
  const bearer = { authorization: `Bearer ${signed.accessToken}` };

  const alex = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  alex.setDefaultTimeout(30_000);
  const page = await alex.newPage();
  await signIn(stack, page, owner);
  await page.goto(`${web}/tasks`);
  await page.getByRole("link", { name: "Add a residence" }).click();
  await page.waitForURL(/\/residences\/new$/);
  await check(page, "residence-new");
  await page.getByLabel("Name of the residence").fill("Birch Lane House");
  await page.getByRole("button", { name: "Create residence" }).click();
  await page.waitForURL(/\/templates\?type=house$/);
  await check(page, "templates");
  assert.ok((await page.getByRole("checkbox", { checked: true }).count()) > 0, "starter templates ticked");
  await page.getByRole("button", { name: "Add these tasks" }).click();
  await page.waitForURL(/\/residences\/[0-9a-f-]+$/);
  const residenceId = page.url().split("/").pop() ?? "";
  await page.getByRole("heading", { name: /Due today/ }).waitFor();
  await check(page, "honey-do-list");

  // Complete a recurring task due today: it moves on to its next due date.
  const listed = await fetch(`${api}/v1/residences/${residenceId}/tasks?state=dueToday&limit=100`, {
    headers: bearer,
  });
  const items = ((await listed.json()) as { items: { id: string; title: string; recurrence: unknown }[] })
    .items;
  const recurring = items.find((task) => task.recurrence);
  assert.ok(recurring, "a recurring starter task is due today");
  const card = page.locator(".task", {
    has: page.getByRole("heading", { name: recurring.title, exact: true }),
  });
  await card.getByRole("button", { name: "Done" }).click();
  // The list re-renders with the task in its new group; the API is polled until the completion shows.
  const today = new Date().toISOString().slice(0, 10);
  let after = { dueOn: "", lastCompletedOn: "" };
  for (let i = 0; i < 300 && after.lastCompletedOn !== today; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 100));
    after = (await (
      await fetch(`${api}/v1/tasks/${recurring.id}`, { headers: bearer })
    ).json()) as typeof after;
  }
  assert.equal(after.lastCompletedOn, today);
  assert.ok(after.dueOn > today, `next due date ${after.dueOn} after today`);
  await page.reload();
  const moved = page.locator(".task", {
    has: page.getByRole("heading", { name: recurring.title, exact: true }),
  });
  assert.match((await moved.textContent()) ?? "", /Due /, "the list shows its next due date");

  // Invite Sam from the residence's members page; Sam signs up from the emailed link in a second browser
  // and joins.
  await page
    .getByRole("navigation", { name: "This residence" })
    .getByRole("link", { name: "Members" })
    .click();
  await page.waitForURL(/\/members$/);
  await page.getByLabel("Their email address").fill("sam@household.example.test");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await page.getByRole("status").getByText("Invitation sent").waitFor();
  const inviteMail = await smtp.waitFor("sam@household.example.test", (m) => m.text.includes("/invites/"));
  const sam = await browser.newContext({ viewport: { width: 360, height: 780 } });
  sam.setDefaultTimeout(30_000);
  const samPage = await sam.newPage();
  await samPage.goto(linkIn(inviteMail.text, `${web}/invites/`));
  await samPage.getByText("invited you to join “Birch Lane House”").waitFor();
  await check(samPage, "invite");
  await samPage.getByRole("link", { name: "Create an account to join" }).click();
  await samPage.getByLabel("Your name").fill("Sam Member");
  await samPage.getByLabel("Email address").fill("sam@household.example.test");
  await samPage.getByLabel("Password").fill("sam's long passphrase");
  await samPage.getByRole("button", { name: "Create account" }).click();
  // Sam confirms the address from the email, then signs in and lands back on the invitation.
  await samPage.getByRole("status").getByText("we sent a link and a code").waitFor();
  const signInLink = await samPage
    .getByRole("status")
    .getByRole("link", { name: "Sign in" })
    .getAttribute("href");
  const samVerify = await smtp.waitFor("sam@household.example.test", (m) =>
    m.text.includes("/verify-email?token="),
  );
  await samPage.goto(linkIn(samVerify.text, `${web}/verify-email?token=`));
  await samPage.getByRole("button", { name: "Verify my email address" }).click();
  await samPage.getByRole("status").getByText("your email address is verified").waitFor();
  await samPage.goto(`${web}${signInLink}`);
  await samPage.getByLabel("Email address").fill("sam@household.example.test");
  await samPage.getByLabel("Password").fill("sam's long passphrase");
  await samPage.getByRole("button", { name: "Sign in" }).click();
  await samPage.waitForURL(/\/invites\//);
  await samPage.getByRole("button", { name: "Join the household" }).click();
  await samPage.waitForURL(/\/tasks$/);
  await samPage.getByRole("link", { name: "Birch Lane House" }).waitFor();
  await check(samPage, "tasks-member");
});
