import assert from "node:assert/strict";
import { test } from "node:test";
import { linkIn, startWebStack } from "./support.ts";

// End to end in headless Chromium: a new member signs up, verifies from the link in the real email, signs
// out and in again; then resets a forgotten password from the emailed link. Screenshots:
// artifacts/web-screenshots/.
test("sign up, verify from the emailed link, sign in; reset a forgotten password from the email", async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { web, smtp, browser, check } = stack;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const email = "robin@example.test";

  await page.goto(`${web}/`);
  await check(page, "landing");
  await page.getByRole("link", { name: /start your household/i }).click();
  await page.waitForURL(/\/sign-up/);
  await check(page, "sign-up");
  await page.getByLabel("Your name").fill("Robin Homeowner");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill("a long household passphrase");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/tasks$/);
  await page.getByText("Please verify your email address.").waitFor();
  await check(page, "tasks-unverified");

  const verifyMail = await smtp.waitFor(email, (m) => m.text.includes("/verify-email?token="));
  await page.goto(linkIn(verifyMail.text, `${web}/verify-email?token=`));
  await check(page, "verify-email-link");
  await page.getByRole("button", { name: "Verify my email address" }).click();
  await page.getByRole("status").getByText("your email address is verified").waitFor();

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(`${web}/`);
  await page.goto(`${web}/sign-in`);
  await check(page, "sign-in");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill("not the passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").getByText("do not match").waitFor();
  assert.equal(
    await page.getByLabel("Email address").inputValue(),
    email,
    "the address stays after an error",
  );
  await page.getByLabel("Password").fill("a long household passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/tasks$/);
  assert.equal(await page.getByText("Please verify your email address.").count(), 0, "verified by the link");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(`${web}/`);

  // Forgotten password: the emailed link opens the reset page; the new password signs in.
  await page.goto(`${web}/sign-in`);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.waitForURL(/\/forgot-password$/);
  await check(page, "forgot-password");
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await page.getByRole("status").getByText("reset link is on its way").waitFor();
  const resetMail = await smtp.waitFor(email, (m) => m.text.includes("/reset-password?token="));
  await page.goto(linkIn(resetMail.text, `${web}/reset-password?token=`));
  await check(page, "reset-password");
  await page.getByLabel("New password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Save new password" }).click();
  await page.getByRole("status").getByText("Your password has been changed").waitFor();
  await page.getByRole("status").getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/tasks$/);

  for (const path of ["/privacy", "/terms"]) {
    await page.goto(`${web}${path}`);
    await check(page, path.slice(1));
  }
  t.diagnostic(`screenshots at desktop and 360 px: ${stack.shots}`);
});
