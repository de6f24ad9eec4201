import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { outbox } from "@honeydue/db";
import { enqueueJob } from "@honeydue/jobs";
import {
  createTestDatabase,
  fetchApi,
  freePort,
  mailRecipient,
  redisReachable,
  signUpByEmail,
  startNodeProcess,
  startSmtpServer,
  TEST_REDIS_URL,
} from "@honeydue/testkit";
import { artifactsDir, axeViolations, chromiumAvailable, openBrowser } from "@honeydue/testkit/browser";
import { eq, sql } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import type { Page } from "playwright-core";

// End to end: the built admin panel (npm run admin:build) in headless Chromium, against the real API process
// on PostgreSQL and Redis, with mail going to an SMTP sink. Screenshots of every page at desktop and phone
// width go to artifacts/admin-screenshots/.
const root = fileURLToPath(new URL("../../../", import.meta.url));
const server = `${root}apps/admin/.next/standalone/apps/admin/server.js`;

/** Every page and route handler of the App Router: its URL template from the app directory. */
function routeTable(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) {
      const segment = /^\(.*\)$/.test(entry.name) ? "" : `/${entry.name}`;
      return routeTable(join(dir, entry.name), prefix + segment);
    }
    return /^(page|route)\.tsx?$/.test(entry.name) ? [prefix || "/"] : [];
  });
}

test("the admin panel, signed in with password and TOTP, does its job and every action is audited", async (t) => {
  if (!chromiumAvailable()) return t.skip("no Chromium (.ci/setup-chromium.sh)");
  if (!existsSync(server)) {
    if (process.env.CI === "true") throw new Error("the admin panel is not built: npm run admin:build");
    return t.skip("the admin panel is not built (npm run admin:build)");
  }
  if (!(await redisReachable())) return t.skip("Redis not reachable");
  const database = await createTestDatabase();
  if (!database.url) return t.skip("needs PostgreSQL (the API runs as its own process)");
  const db = database.handle.db;
  const smtp = await startSmtpServer();
  const apiPort = await freePort();
  const panelPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const panel = `http://localhost:${panelPort}`;
  const env = {
    NODE_ENV: "test",
    COMPILE_VALIDATORS_ON_FIRST_USE: "true",
    LOG_LEVEL: "warn",
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    // Its throttle counters (one-hour windows keyed by 127.0.0.1) are this run's alone.
    REDIS_KEY_PREFIX: `test:admin:${randomUUID()}:`,
    RUN_EMBEDDED_WORKER: "true",
    SMTP_URL: smtp.url,
    AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-0000",
    PUBLIC_API_URL: apiUrl,
    PUBLIC_WEB_URL: "https://web.honeydue.test",
    DATA_DIR: artifactsDir("admin-e2e-data"),
    METRICS_PORT: "0",
  };
  const api = await startNodeProcess({
    args: ["apps/api/src/main.ts"],
    cwd: root,
    env: { ...env, PORT: String(apiPort) },
    readyUrl: `${apiUrl}/readyz`,
  });
  const admin = await startNodeProcess({
    args: [server],
    env: { PORT: String(panelPort), HOSTNAME: "127.0.0.1", ADMIN_API_URL: apiUrl, NODE_ENV: "production" },
    readyUrl: `http://127.0.0.1:${panelPort}/sign-in`,
  });

  // The first superadmin, as an operator creates one: the CLI, password on standard input.
  const adminEmail = "ops@example.test";
  const adminPassword = "an operator's long passphrase";
  const cli = spawnSync(
    process.execPath,
    ["apps/api/src/admin/create-cli.ts", "--email", adminEmail, "--role", "superadmin"],
    {
      cwd: root,
      input: `${adminPassword}\n`,
      encoding: "utf8",
      env: { ...process.env, ...env },
    },
  );
  assert.equal(cli.status, 0, cli.stderr);

  // Users of the product, through the real API.
  // Members sign up as people do (register, the emailed link, sign in); Uma never follows her link.
  const register = async (email: string, name: string) => {
    const signed = await signUpByEmail(fetchApi(apiUrl), smtp, {
      email,
      name,
      password: "a household passphrase",
    });
    return { email, bearer: { authorization: `Bearer ${signed.accessToken}` } };
  };
  const dana = await register("dana@example.test", "Dana Householder");
  const sam = await register("sam@example.test", "Sam Neighbour");
  const uma = { email: "uma@example.test" };
  const umaRegistered = await fetchApi(apiUrl)("POST", "/v1/auth/register", {
    ...uma,
    name: "Uma Unverified",
    password: "a household passphrase",
  });
  assert.equal(umaRegistered.status, 202, JSON.stringify(umaRegistered.body));
  await smtp.waitFor(uma.email);
  const residence = await fetch(`${apiUrl}/v1/residences`, {
    method: "POST",
    headers: { ...dana.bearer, "content-type": "application/json" },
    body: JSON.stringify({ name: "Maple Street House", propertyType: "house" }),
  });
  assert.equal(residence.status, 201);
  const residenceId = ((await residence.json()) as { id: string }).id;
  // A job that failed for good (as the runner leaves one whose SMTP refused it every time).
  const retryMe = await mailRecipient(db, "retry-me@example.test");
  const failedJobId = await db.transaction((tx) =>
    enqueueJob(
      tx,
      "email.send",
      { template: "password-changed", userId: retryMe },
      { availableAt: new Date(Date.now() + 3600_000) },
    ),
  );
  await db
    .update(outbox)
    .set({ failedAt: new Date(), lastError: "550 mailbox unavailable", attempts: 10 })
    .where(eq(outbox.id, failedJobId));

  const started = Date.now();
  const browser = await openBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const shots = artifactsDir("admin-screenshots");
  const visited: string[] = [];
  /** Every page: axe finds nothing, and a screenshot at desktop and phone width. */
  const check = async (name: string, p: Page = page) => {
    await p.waitForLoadState("networkidle");
    const violations = await axeViolations(p);
    assert.deepEqual(violations, [], `${name}: accessibility violations`);
    await p.screenshot({ path: `${shots}/${name}-desktop.png`, fullPage: true });
    await p.setViewportSize({ width: 390, height: 844 });
    await p.screenshot({ path: `${shots}/${name}-phone.png`, fullPage: true });
    await p.setViewportSize({ width: 1280, height: 900 });
    visited.push(name);
  };
  const totp = (secret: string, offsetSteps = 0) =>
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
      timestamp: Date.now() + offsetSteps * 30_000,
    });

  // Security headers on every page (checked on each response below as well).
  const first = await page.goto(`${panel}/`);
  assert.match(page.url(), /\/sign-in$/);
  const headers = first!.headers();
  const csp =
    (await first!.request().response())!.headers()["content-security-policy"] ??
    headers["content-security-policy"]!;
  assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  assert.doesNotMatch(csp.split(";").find((d) => d.includes("script-src"))!, /unsafe-inline/);
  for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"])
    assert.ok(csp.includes(directive), directive);
  page.on("response", (res) => {
    if (res.request().resourceType() !== "document") return;
    const h = res.headers();
    assert.ok(h["content-security-policy"], `CSP on ${res.url()}`);
    assert.match(h["strict-transport-security"] ?? "", /max-age=\d+/);
    assert.equal(h["x-content-type-options"], "nosniff");
    assert.equal(h["referrer-policy"], "no-referrer");
  });
  await check("sign-in");

  // First sign-in: password, then enrol the authenticator app (QR code, code, recovery codes).
  await page.locator('[name="email"]').fill(adminEmail);
  await page.locator('[name="password"]').fill(adminPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/setup$/);
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  await check("setup-enrol");
  await page.locator('[name="code"]').fill(totp(secret));
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.getByRole("list", { name: "Recovery codes" }).waitFor();
  assert.equal(await page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").count(), 10);
  await page.getByRole("link", { name: "Continue to the dashboard" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();

  // Sign out, and in again with password + TOTP (the next time step: a code is never accepted twice).
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in/);
  await page.locator('[name="email"]').fill(adminEmail);
  await page.locator('[name="password"]').fill(adminPassword);
  await page.locator('[name="code"]').fill(totp(secret, 1));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  const cookie = (await context.cookies()).find((c) => c.name === "__Host-honeydue-admin")!;
  assert.ok(cookie.httpOnly && cookie.secure && cookie.sameSite === "Strict" && cookie.path === "/");

  // The dashboard shows the seeded numbers.
  const userCount = (
    (await db.execute(sql`SELECT count(*)::int AS n FROM users`)) as unknown as { rows: { n: number }[] }
  ).rows[0]!.n;
  const usersCard = page.getByRole("group", { name: "Users", exact: true });
  assert.match((await usersCard.textContent())!, new RegExp(`Users${userCount}`));
  await check("dashboard");

  // Users: find Dana, disable her (her next API call is 401), enable her again.
  await page.getByRole("link", { name: "Users" }).first().click();
  await page.locator('[name="q"]').fill("dana@");
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL(/q=dana/);
  await check("users");
  await page.getByRole("link", { name: dana.email }).click();
  await page.getByRole("heading", { name: "Dana Householder" }).waitFor();
  const danaId = page.url().split("/").pop()!;
  await check("user");
  assert.equal((await fetch(`${apiUrl}/v1/me`, { headers: dana.bearer })).status, 200);
  await page.getByRole("button", { name: "Disable and sign out everywhere" }).click();
  await page.getByText("The user is disabled and signed out everywhere").waitFor();
  assert.equal((await fetch(`${apiUrl}/v1/me`, { headers: dana.bearer })).status, 401);
  await page.getByRole("button", { name: "Enable" }).click();
  await page.getByText("The user is enabled again").waitFor();

  // Resend verification to a member who has not verified yet: the email reaches the SMTP server.
  await page.goto(`${panel}/users?q=uma`);
  await page.getByRole("link", { name: uma.email }).click();
  await page.getByRole("heading", { name: "Uma Unverified" }).waitFor();
  const before = smtp.messages.filter((m) => m.to.includes(uma.email)).length;
  await page.getByRole("button", { name: "Resend verification email" }).click();
  await page.getByText("A new verification email is on its way").waitFor();
  await smtp.waitFor(uma.email, () => smtp.messages.filter((m) => m.to.includes(uma.email)).length > before);

  // Residences.
  await page.goto(`${panel}/residences`);
  await check("residences");
  await page.getByRole("link", { name: "Maple Street House" }).click();
  await page.getByRole("heading", { name: "Members" }).waitFor();
  await check("residence");

  // Templates: create one (the user API's catalog has it), retire it (the catalog loses it).
  const catalog = async () =>
    (
      (await (await fetch(`${apiUrl}/v1/task-templates`, { headers: sam.bearer })).json()) as {
        items: { title: string }[];
      }
    ).items.map((x) => x.title);
  await page.goto(`${panel}/templates`);
  await check("templates");
  await page.getByRole("link", { name: "New template" }).click();
  await page.locator('[name="title"]').fill("Reseal the deck");
  await page.locator('[name="howTo"]').fill("Clean, let dry for two days, then roll on sealer.");
  await page.locator('[name="category"]').selectOption("exterior");
  await page.locator('[name="kind"]').selectOption("fixed");
  await page.locator('[name="interval"]').fill("2");
  await page.locator('[name="unit"]').selectOption("year");
  await check("template-new");
  await page.getByRole("button", { name: "Create template" }).click();
  await page.getByText("Template created").waitFor();
  const templateId = new URL(page.url()).pathname.split("/").pop()!;
  assert.ok((await catalog()).includes("Reseal the deck"));
  await check("template");
  await page.getByRole("button", { name: "Retire from the catalog" }).click();
  await page.getByText("Template retired").waitFor();
  assert.ok(!(await catalog()).includes("Reseal the deck"));

  // Jobs: the failed job with its error, retried to success (the email arrives).
  await page.goto(`${panel}/jobs`);
  await page.getByText("550 mailbox unavailable").waitFor();
  await check("jobs");
  await page.getByRole("button", { name: `Retry job email.send ${failedJobId}` }).click();
  await page.getByText("The job will run again").waitFor();
  await smtp.waitFor("retry-me@example.test");
  await page.getByText("No failed jobs").waitFor();

  // Emails and a template preview.
  await page.goto(`${panel}/emails`);
  await page.getByRole("cell", { name: "retry-me@example.test" }).first().waitFor();
  await check("emails");
  await page.getByRole("link", { name: "verify-email" }).click();
  await page.getByRole("heading", { name: "Template: verify-email" }).waitFor();
  await check("email-preview");

  // The audit log has every one of those actions.
  await page.goto(`${panel}/audit`);
  await check("audit");
  const audit = (await page.getByRole("table").textContent()) ?? "";
  for (const action of [
    "admin.totp.enrol",
    "admin.sign-in",
    "user.disable",
    "user.enable",
    "user.resend-verification",
    "template.create",
    "template.retire",
    "job.retry",
  ])
    assert.ok(audit.includes(action), `audit log shows ${action}`);
  assert.ok(audit.includes(adminEmail));

  // Security headers on every page of the route table (the app directory), signed in.
  const ids: Record<string, string> = { userId: danaId, residenceId, templateId, name: "verify-email" };
  const pages = routeTable(`${root}apps/admin/app`).map((path) =>
    path.replace(/\[(\w+)\]/g, (_, k: string) => ids[k]!),
  );
  assert.ok(pages.length >= 15, `found ${pages.length} pages`);
  for (const path of pages) {
    const res = await page.request.get(`${panel}${path}`, { maxRedirects: 0 });
    assert.ok(res.status() < 400, `${path} → ${res.status()}`);
    const h = res.headers();
    const policy = h["content-security-policy"] ?? "";
    assert.match(policy, /script-src 'self' 'nonce-[^']+' 'strict-dynamic'/, `CSP on ${path}`);
    for (const directive of ["object-src 'none'", "base-uri 'none'"])
      assert.ok(policy.includes(directive), `${directive} on ${path}`);
    assert.match(h["strict-transport-security"] ?? "", /max-age=\d+/, `HSTS on ${path}`);
    assert.equal(h["x-content-type-options"], "nosniff", path);
    assert.equal(h["referrer-policy"], "no-referrer", path);
  }

  // CSRF: the admin's own cookie without the token is refused by the API.
  const cookieHeader = { cookie: `${cookie.name}=${cookie.value}` };
  const forged = await fetch(
    `${apiUrl}/v1/admin/users/${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}/disable`,
    {
      method: "POST",
      headers: cookieHeader,
    },
  );
  assert.equal(forged.status, 403);
  assert.match(((await forged.json()) as { type: string }).type, /csrf-token-invalid$/);

  // Admins: a support admin, created here; refused a delete in the UI and at the API.
  await page.goto(`${panel}/admins`);
  await page.locator('[name="email"]').fill("support@example.test");
  await page.locator('[name="name"]').fill("Sue Support");
  await page.getByRole("button", { name: "Create admin" }).click();
  const oneTime = (await page.getByTestId("one-time-password").textContent())!.trim();
  await check("admins");
  await page.goto(`${panel}/account`);
  await check("account");

  const supportContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  supportContext.setDefaultTimeout(30_000);
  const support = await supportContext.newPage();
  await support.goto(`${panel}/sign-in`);
  await support.locator('[name="email"]').fill("support@example.test");
  await support.locator('[name="password"]').fill(oneTime);
  await support.getByRole("button", { name: "Sign in" }).click();
  await support.waitForURL(/\/setup$/);
  await support.locator('[name="currentPassword"]').fill(oneTime);
  await support.locator('[name="password"]').fill("support's own passphrase");
  await support.getByRole("button", { name: "Change password" }).click();
  await support.getByRole("button", { name: "Set up an authenticator app" }).click();
  const supportSecret = (await support.getByTestId("totp-secret").textContent())!.trim();
  await support.locator('[name="code"]').fill(totp(supportSecret));
  await support.getByRole("button", { name: "Confirm" }).click();
  await support.getByRole("link", { name: "Continue to the dashboard" }).click();
  await support.goto(`${panel}/users?q=sam`);
  await support.getByRole("link", { name: sam.email }).click();
  await support.getByRole("heading", { name: "Sam Neighbour" }).waitFor();
  assert.equal(
    await support.getByRole("button", { name: "Delete user" }).count(),
    0,
    "no delete for support",
  );
  assert.equal(await support.getByRole("button", { name: /Disable/ }).count(), 0);
  const samId = support.url().split("/").pop()!;
  const supportCookie = (await supportContext.cookies()).find((c) => c.name === "__Host-honeydue-admin")!;
  const me = (await (
    await fetch(`${apiUrl}/v1/admin/me`, {
      headers: { cookie: `${supportCookie.name}=${supportCookie.value}` },
    })
  ).json()) as {
    csrfToken: string;
  };
  const refused = await fetch(`${apiUrl}/v1/admin/users/${samId}`, {
    method: "DELETE",
    headers: {
      cookie: `${supportCookie.name}=${supportCookie.value}`,
      "x-csrf-token": me.csrfToken,
      "content-type": "application/json",
    },
    body: JSON.stringify({ confirmEmail: sam.email }),
  });
  assert.equal(refused.status, 403);
  assert.equal((await fetch(`${apiUrl}/v1/me`, { headers: sam.bearer })).status, 200, "Sam is still there");

  t.diagnostic(`browser part took ${Math.round((Date.now() - started) / 1000)} s`);
  t.diagnostic(`screenshots of ${visited.length} pages at desktop and phone width: ${shots}`);
  // Stopped here, not in after-hooks: the SMTP sink's close waits for the API's pooled connections.
  api.child.kill("SIGKILL");
  admin.child.kill("SIGKILL");
});
