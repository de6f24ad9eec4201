import assert from "node:assert/strict";
import { test } from "node:test";
import { linkIn, startWebStack } from "./support.ts";

// End to end in headless Chromium: a new member signs up, verifies from the link in the real email and
// signs in; a second person signs up with a taken and with a new address (code form, then sign in); Robin
// resets a forgotten password from the emailed link. Screenshots:
// artifacts/web-screenshots/.
test("sign up, verify from the emailed link, sign in; the code form without a session; reset a forgotten password from the email", async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { web, smtp, browser, check } = stack;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const email = "robin@accounts.example.test";

  await page.goto(`${web}/`);
  await check(page, "landing");
  await page.getByRole("link", { name: /start your household/i }).click();
  await page.waitForURL(/\/sign-up/);
  await check(page, "sign-up");
  await page.getByLabel("Your name").fill("Robin Homeowner");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill("a long household passphrase");
  await page.getByRole("button", { name: "Create account" }).click();
  // No session yet: the same answer whether or not the address has an account; the email proves it.
  await page.getByRole("status").getByText("we sent a link and a code").waitFor();
  await check(page, "sign-up-check-email");

  const verifyMail = await smtp.waitFor(email, (m) => m.text.includes("/verify-email?token="));
  await page.goto(linkIn(verifyMail.text, `${web}/verify-email?token=`));
  await check(page, "verify-email-link");
  await page.getByRole("button", { name: "Verify my email address" }).click();
  await page.getByRole("status").getByText("your email address is verified").waitFor();

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

  // A second person, in a browser of their own: signing up with Robin's address answers exactly as a new
  // one would (Robin gets a notice); with a new address, sign-in waits for the address to be confirmed,
  // which the code form does without a session.
  const second = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  second.setDefaultTimeout(30_000);
  const other = await second.newPage();
  const signUpAs = async (address: string) => {
    await other.goto(`${web}/sign-up`);
    await other.getByLabel("Your name").fill("Kim Newcomer");
    await other.getByLabel("Email address").fill(address);
    await other.getByLabel("Password").fill("kim's own passphrase");
    await other.getByRole("button", { name: "Create account" }).click();
    await other.getByRole("status").getByText("we sent a link and a code").waitFor();
  };
  await signUpAs(email);
  await smtp.waitFor(email, (m) => /tried to sign up/i.test(m.subject));
  const kim = "kim@accounts.example.test";
  await signUpAs(kim);
  await other.goto(`${web}/sign-in`);
  await other.getByLabel("Email address").fill(kim);
  await other.getByLabel("Password").fill("kim's own passphrase");
  await other.getByRole("button", { name: "Sign in" }).click();
  await other.getByRole("alert").getByText("confirm your email address first").waitFor();
  const kimMail = await smtp.waitFor(kim, (m) => /code in the app/.test(m.text));
  await other.goto(`${web}/verify-email`);
  await check(other, "verify-email-code");
  await other.getByLabel("Email address").fill(kim);
  await other.getByLabel("6-digit code").fill(/code in the app: (\d{6})/.exec(kimMail.text)![1]!);
  await other.getByRole("button", { name: "Verify" }).click();
  await other.getByRole("status").getByText("your email address is verified").waitFor();
  await other.getByRole("status").getByRole("link", { name: "Sign in" }).click();
  await other.getByLabel("Email address").fill(kim);
  await other.getByLabel("Password").fill("kim's own passphrase");
  await other.getByRole("button", { name: "Sign in" }).click();
  await other.waitForURL(/\/tasks$/);
  await second.close();

  for (const path of ["/privacy", "/terms"]) {
    await page.goto(`${web}${path}`);
    await check(page, path.slice(1));
  }
  t.diagnostic(`screenshots at desktop and 360 px: ${stack.shots}`);
});
