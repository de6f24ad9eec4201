import assert from "node:assert/strict";
import { text } from "node:stream/consumers";
import { test } from "node:test";
import { fetchApi, signUpByEmail } from "@honeydue/testkit";
import sharp from "sharp";
import { assertFitsPhone, signIn, startWebStack } from "./support.ts";

// End to end in headless Chromium against the real API: a member changes their profile and preferences,
// sets and removes a profile photo, makes, copies, renews and turns off the calendar link, signs out another device, changes the password,
// downloads the export as JSON and CSV through the web server, and deletes the account (a wrong password
// first), ending signed out. Screenshots: artifacts/web-screenshots/.

interface Me {
  name: string;
  timezone: string;
  locale: string;
  dueSoonDays: number;
  notifications: { digestEnabled: boolean; digestHour: number; pushEnabled: boolean };
}

test("profile, photo, calendar link, devices, password, export and deleting the account", async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { api, web, smtp, browser, check } = stack;
  const kim = { email: "kim@account.example.test", password: "kim's long passphrase" };
  const phone = await signUpByEmail(fetchApi(api), smtp, {
    ...kim,
    name: "Kim Account",
    timezone: "UTC",
    deviceName: "Kim's phone",
  });
  const bearer = (token: string) => ({
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
  });
  const residence = (await (
    await fetch(`${api}/v1/residences`, {
      method: "POST",
      headers: bearer(phone.accessToken),
      body: JSON.stringify({ name: "Willow Cottage", propertyType: "house" }),
    })
  ).json()) as { id: string };
  const created = await fetch(`${api}/v1/residences/${residence.id}/tasks`, {
    method: "POST",
    headers: bearer(phone.accessToken),
    body: JSON.stringify({ title: "Descale the kettle", dueOn: "2031-03-04" }),
  });
  assert.equal(created.status, 201, await created.clone().text());

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  context.setDefaultTimeout(30_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: web });
  const page = await context.newPage();
  await signIn(stack, page, kim);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
  await page.waitForURL(/\/account$/);
  await check(page, "account");
  await assertFitsPhone(page, "account");

  // Profile and preferences, saved together and shown again after a reload.
  await page.getByLabel("Your name").fill("Kim Renamed");
  await page.getByLabel("Time zone").selectOption("Europe/Berlin");
  await page.getByLabel("Date and number format").selectOption("en-GB");
  await page.getByLabel("Send me a daily digest email of what is due").uncheck();
  await page.getByLabel("Digest time").selectOption("18");
  await page.getByLabel("Send push notifications to my phone").uncheck();
  await page.getByLabel("Planning horizon (days)").fill("14");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("status").getByText("Your profile is saved.").waitFor();
  const me = (await (await fetch(`${api}/v1/me`, { headers: bearer(phone.accessToken) })).json()) as Me;
  const { name, timezone, locale, dueSoonDays, notifications } = me;
  assert.deepEqual(
    { name, timezone, locale, dueSoonDays, notifications },
    {
      name: "Kim Renamed",
      timezone: "Europe/Berlin",
      locale: "en-GB",
      dueSoonDays: 14,
      notifications: { digestEnabled: false, digestHour: 18, pushEnabled: false },
    },
  );
  await page.reload();
  assert.equal(await page.getByLabel("Your name").inputValue(), "Kim Renamed");
  assert.equal(await page.getByLabel("Time zone").inputValue(), "Europe/Berlin");
  assert.equal(await page.getByLabel("Digest time").inputValue(), "18");
  assert.equal(await page.getByLabel("Planning horizon (days)").inputValue(), "14");
  assert.equal(await page.getByLabel("Send me a daily digest email of what is due").isChecked(), false);
  // The digest hour reads in the chosen locale (en-GB: 18:00, not 6:00 PM).
  assert.equal(
    (await page.getByLabel("Digest time").locator("option:checked").textContent())?.trim(),
    "18:00",
  );

  // A profile photo: uploaded through the API, shown from the web server's file route, removed again.
  await page.getByText("No photo yet.").waitFor();
  const photo = await sharp({ create: { width: 120, height: 120, channels: 3, background: "#2e86c1" } })
    .png()
    .toBuffer();
  await page
    .getByLabel("A new photo")
    .setInputFiles({ name: "me.png", mimeType: "image/png", buffer: photo });
  await page.getByRole("button", { name: "Save photo" }).click();
  await page.getByRole("status").getByText("Your photo is saved.").waitFor();
  // The chooser is emptied, so a second click does not send the same photo again.
  await page.waitForFunction(
    () => document.querySelector<HTMLInputElement>("input[name=avatar]")?.value === "",
  );
  const avatar = page.getByRole("img", { name: "Your current photo" });
  await avatar.waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>("img.avatar");
    return img?.complete && img.naturalWidth > 0;
  });
  const withPhoto = (await (await fetch(`${api}/v1/me`, { headers: bearer(phone.accessToken) })).json()) as {
    avatarFileId: string | null;
  };
  assert.ok(withPhoto.avatarFileId, "the avatar is set");
  await page.getByRole("button", { name: "Remove photo" }).click();
  await avatar.waitFor({ state: "detached" });
  // The notice follows the latest action: the removal is announced, the earlier "saved" is gone.
  const photoSection = page.getByRole("region", { name: "Your photo" });
  await photoSection.getByRole("status").getByText("Your photo is removed.").waitFor();
  await photoSection.getByText("No photo yet.").waitFor();
  assert.equal(await photoSection.getByText("Your photo is saved.").count(), 0, "no stale success notice");
  const without = (await (await fetch(`${api}/v1/me`, { headers: bearer(phone.accessToken) })).json()) as {
    avatarFileId: string | null;
  };
  assert.equal(without.avatarFileId, null);

  // The calendar link: made, copied, fetched by a calendar app, renewed (the old one stops), turned off; the
  // page says whether one is on, and since when, on a later visit too (the link itself is shown once).
  await page.getByText("No calendar link is on.").waitFor();
  assert.equal(await page.getByRole("button", { name: "Turn the calendar link off" }).count(), 0);
  await page.getByRole("button", { name: "Make a calendar link" }).click();
  const linkField = page.getByLabel("Your calendar link");
  await linkField.waitFor();
  const first = await linkField.inputValue();
  assert.match(first, new RegExp(`^${api}/v1/calendar/[A-Za-z0-9_-]{43}\\.ics$`));
  const feed = await fetch(first);
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get("content-type") ?? "", /^text\/calendar/);
  assert.match(await feed.text(), /SUMMARY:Descale the kettle/);
  await page.getByText(/^Your calendar link is on: made .+\.$/).waitFor();
  await page.getByRole("button", { name: "Copy link" }).click();
  await page.getByRole("status").getByText("Copied to the clipboard.").waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first);
  await check(page, "account-calendar");
  await page.getByRole("button", { name: "Make a new link" }).click();
  await page.waitForFunction(
    (old) => (document.getElementById("calendar-url") as HTMLInputElement | null)?.value !== old,
    first,
  );
  const second = await linkField.inputValue();
  assert.equal((await fetch(first)).status, 404, "the old link stops working");
  assert.equal((await fetch(second)).status, 200);
  await page.reload();
  await page.getByText(/^Your calendar link is on: made .+\.$/).waitFor();
  assert.equal(await linkField.count(), 0, "the link itself is not shown again");
  await page.getByRole("button", { name: "Turn the calendar link off" }).click();
  await page.getByRole("status").getByText("The calendar link is turned off.").waitFor();
  await page.getByText("No calendar link is on.").waitFor();
  assert.equal((await fetch(second)).status, 404);

  // Signed-in devices: the phone's session is signed out from here.
  // The device leaves the list as the page re-renders (its form, with its answer, goes with it).
  await page.getByRole("button", { name: "Sign out Kim's phone" }).click();
  await page.getByRole("button", { name: "Sign out Kim's phone" }).waitFor({ state: "detached" });
  assert.equal((await fetch(`${api}/v1/me`, { headers: bearer(phone.accessToken) })).status, 401);

  // A new password: this browser stays signed in, the old password stops working.
  const newPassword = "kim's brand new passphrase";
  await page.getByLabel("Current password").fill(kim.password);
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByRole("status").getByText("Your password is changed.").waitFor();
  const login = (password: string) =>
    fetch(`${api}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: kim.email, password }),
    });
  assert.equal((await login(kim.password)).status, 401);
  await page.reload();
  await page.getByRole("heading", { name: "Your account", exact: true }).waitFor();

  // The export, downloaded through the web server as JSON and as CSV.
  const [json] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "All data (JSON)" }).click(),
  ]);
  assert.match(json.suggestedFilename(), /^honeydue-export-.+\.json$/);
  const exported = JSON.parse(await text(await json.createReadStream())) as {
    format: string;
    profile: { name: string };
    residences: { name: string }[];
  };
  assert.equal(exported.format, "honeydue-export");
  assert.equal(exported.profile.name, "Kim Renamed");
  assert.deepEqual(
    exported.residences.map((r) => r.name),
    ["Willow Cottage"],
  );
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Tasks (CSV)" }).click(),
  ]);
  assert.match(csv.suggestedFilename(), /^honeydue-tasks-.+\.csv$/);
  const rows = (await text(await csv.createReadStream())).trim().split("\r\n");
  assert.equal(rows.length, 2, "a header and the one task");
  assert.match(rows[1] ?? "", /Descale the kettle/);

  // Deleting: a wrong password changes nothing; the right one deletes and signs out.
  await page.getByLabel("Your password, to confirm").fill("not my password");
  await page.getByRole("button", { name: "Delete my account" }).click();
  const refused = page.locator(".notice.error");
  await refused.waitFor();
  assert.equal(await refused.textContent(), "That password is not right. Nothing was deleted.");
  assert.equal((await login(newPassword)).status, 200);
  await page.getByLabel("Your password, to confirm").fill(newPassword);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await page.waitForURL(/\/\?notice=account-deleted$/);
  await page.getByRole("status").getByText("Your account is deleted.").waitFor();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).waitFor();
  assert.equal((await login(newPassword)).status, 401);
  await page.goto(`${web}/account`);
  await page.waitForURL(/\/sign-in\?next=%2Faccount$|\/sign-in\?next=\/account$/);
});
