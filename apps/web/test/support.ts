import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { after, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import {
  createServerDatabase,
  createSmtpServer,
  fetchApi,
  freePort,
  type LaunchedProcess,
  launchNodeProcess,
  type Mailbox,
  postgresReachable,
  redisReachable,
  remoteMailbox,
  signUpByEmail,
  TEST_REDIS_URL,
  type TestSmtpServer,
} from "@honeydue/testkit";
import {
  artifactsDir,
  axeViolations,
  chromiumAvailable,
  connectBrowser,
  openBrowser,
} from "@honeydue/testkit/browser";
import type { Browser, Page } from "playwright-core";

const root = fileURLToPath(new URL("../../../", import.meta.url));
export const webServer = `${root}apps/web/.next/standalone/apps/web/server.js`;

export interface WebStack {
  api: string;
  web: string;
  /** The mail the API sent. */
  smtp: Mailbox;
  browser: Browser;
  /** axe finds no serious or critical violation; a screenshot at desktop and at 360 px phone width. */
  check(page: Page, name: string): Promise<void>;
  shots: string;
}

/**
 * The environment variable by which the test run's global setup (web-stack-setup.ts) hands its running
 * stack — or why it could not start it — to the test files, which node --test runs in processes of their own.
 */
export const SHARED_WEB_STACK = "HONEYDUE_WEB_STACK";

/** What the global setup hands over in `SHARED_WEB_STACK`. */
export type SharedWebStack =
  | { api: string; web: string; mailbox: string; browser: string }
  | { error: string };

/**
 * The built web app (npm run web:build) against the real API process on PostgreSQL and Redis, mail to a
 * real SMTP server, driven by headless Chromium; null (the test skipped) when a part is missing here.
 *
 * In `npm run test:unit` the global setup (web-stack-setup.ts) starts one such stack for every web test file
 * of the run, and this joins it: each file signs up people of its own (addresses at a domain of its own,
 * e.g. kim@offline.example.test), so files never see each other's accounts or mail. A file run on its own
 * starts a stack of its own.
 */
export async function startWebStack(t: TestContext): Promise<WebStack | null> {
  const shared = process.env[SHARED_WEB_STACK];
  if (shared) return joinSharedStack(JSON.parse(shared) as SharedWebStack);
  const missing = await missingPart();
  if (missing) {
    t.skip(missing);
    return null;
  }
  const stack = await launchWebStack();
  after(stack.stop);
  return forThisFile(stack.api, stack.web, stack.smtp, await openBrowser());
}

/** Why the web stack cannot run here (the tests skip), or undefined; with CI=true a missing part throws. */
export async function missingPart(): Promise<string | undefined> {
  if (!chromiumAvailable()) return "no Chromium (.ci/setup-chromium.sh)";
  if (!existsSync(webServer)) {
    if (process.env.CI === "true") throw new Error("the web app is not built: npm run web:build");
    return "the web app is not built (npm run web:build)";
  }
  if (!(await redisReachable())) return "Redis not reachable";
  if (!(await postgresReachable())) return "needs PostgreSQL (the API runs as its own process)";
  return undefined;
}

export interface RunningWebStack {
  api: string;
  web: string;
  smtp: TestSmtpServer;
  /** The API's and the web server's processes. */
  processes: LaunchedProcess[];
  stop(): Promise<void>;
}

/**
 * Starts the API (on a fresh database, its Redis keys under a prefix of their own: the one-hour sign-in
 * throttle windows keyed by 127.0.0.1 must not carry over from an earlier run), the web server and the
 * SMTP server the API sends to; the caller stops them. Nothing is left running when a part fails to start.
 */
export async function launchWebStack(): Promise<RunningWebStack> {
  const stops: (() => unknown)[] = [];
  const stop = async () => {
    for (const part of stops.reverse()) await part();
  };
  try {
    const smtp = await createSmtpServer();
    stops.push(smtp.close);
    const database = await createServerDatabase();
    stops.push(database.drop);
    const [apiPort, webPort] = [await freePort(), await freePort()];
    const api = apiAddress(apiPort);
    const web = `http://localhost:${webPort}`;
    const started = await Promise.allSettled([
      launchNodeProcess(
        apiProcess(apiPort, {
          DATABASE_URL: database.url,
          REDIS_URL: TEST_REDIS_URL,
          REDIS_KEY_PREFIX: `test:web:${randomUUID()}:`,
          RUN_EMBEDDED_WORKER: "true",
          // The embedded worker's hourly recall check would ask the real CPSC service: no network in tests
          // (the recall checks are tested against recorded answers in packages/jobs and apps/api).
          RECALLS_ENABLED: "false",
          SMTP_URL: smtp.url,
          AUTH_SECRET: "web-e2e-secret-web-e2e-secret-00000",
          PUBLIC_WEB_URL: web,
          DATA_DIR: artifactsDir("web-e2e-data"),
        }),
      ),
      launchNodeProcess(webProcess(webPort, api)),
    ]);
    const processes = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    stops.push(...processes.map((p) => p.stop));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    return { api, web, smtp, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const apiAddress = (port: number) => `http://127.0.0.1:${port}`;

/**
 * How the web tests start the API (apps/api/src/main.ts) on `port`: quiet, validators compiled on first use,
 * no metrics port, with the test's own settings (`env`: database, Redis, secrets, ...) on top.
 */
export function apiProcess(port: number, env: Record<string, string>) {
  const api = apiAddress(port);
  return {
    args: ["apps/api/src/main.ts"],
    cwd: root,
    env: {
      NODE_ENV: "test",
      COMPILE_VALIDATORS_ON_FIRST_USE: "true",
      LOG_LEVEL: "warn",
      PORT: String(port),
      PUBLIC_API_URL: api,
      METRICS_PORT: "0",
      ...env,
    },
    readyUrl: `${api}/readyz`,
    // A shared, loaded CI machine can take longer than the default minute to migrate and start.
    timeoutMs: 180_000,
  };
}

/** How the web tests start the built web server (npm run web:build) on `port`, calling the API at `api`. */
export function webProcess(port: number, api: string) {
  return {
    args: [webServer],
    env: {
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      WEB_API_URL: api,
      PUBLIC_WEB_URL: `http://localhost:${port}`,
      NODE_ENV: "production",
    },
    readyUrl: `http://127.0.0.1:${port}/privacy`,
    timeoutMs: 180_000,
  };
}

/** This file's part of the stack the global setup started; its failure to start fails the file. */
async function joinSharedStack(shared: SharedWebStack): Promise<WebStack> {
  if ("error" in shared) throw new Error(`the global setup could not start the web stack: ${shared.error}`);
  const parts = { API: `${shared.api}/readyz`, "web server": `${shared.web}/privacy` };
  for (const [name, url] of Object.entries(parts)) {
    const answer = await fetch(url, { redirect: "manual" }).catch((error: Error) => error);
    assert.ok(
      !(answer instanceof Error) && answer.status < 500,
      `the shared web stack's ${name} does not answer at ${url}: ${
        answer instanceof Error ? answer.message : answer.status
      } (the test run's output has its own)`,
    );
  }
  return forThisFile(
    shared.api,
    shared.web,
    remoteMailbox(shared.mailbox),
    await connectBrowser(shared.browser),
  );
}

function forThisFile(api: string, web: string, smtp: Mailbox, browser: Browser): WebStack {
  const shots = artifactsDir("web-screenshots");
  const check = async (page: Page, name: string) => {
    await page.waitForLoadState("networkidle");
    const violations = (await axeViolations(page)).filter(
      (v) => v.impact === "serious" || v.impact === "critical",
    );
    assert.deepEqual(violations, [], `${name}: serious or critical accessibility violations`);
    const size = page.viewportSize() ?? { width: 1280, height: 900 };
    await page.screenshot({ path: `${shots}/${name}-desktop.png`, fullPage: true });
    await page.setViewportSize({ width: 360, height: 780 });
    await page.screenshot({ path: `${shots}/${name}-phone.png`, fullPage: true });
    await page.setViewportSize(size);
  };
  return { api, web, smtp, browser, check, shots };
}

/** The first link to `prefix` in a received email's text. */
export function linkIn(text: string, prefix: string): string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`${escaped}[^\\s"<>\\]]+`).exec(text);
  assert.ok(match, `no link to ${prefix} in:\n${text}`);
  return match[0];
}

/**
 * How far the page is wider than the viewport (0: no sideways scrolling), with the elements that stick out
 * past its right edge — the innermost of each branch (itself or its own content too wide, none of its
 * children), so a failure names the culprit rather than the sections around it.
 */
export async function sideScroll(page: Page): Promise<{ overflow: number; culprits: string[] }> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const sticksOut = (element: Element) => {
      const box = element.getBoundingClientRect();
      return Math.max(box.right, box.left + element.scrollWidth) > width + 0.5;
    };
    const culprits: string[] = [];
    for (const element of document.body.querySelectorAll("*")) {
      if (!sticksOut(element) || [...element.children].some(sticksOut)) continue;
      const box = element.getBoundingClientRect();
      const classes = typeof element.className === "string" ? element.className.trim() : "";
      const name = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}${
        classes ? `.${classes.split(/\s+/).join(".")}` : ""
      }`;
      culprits.push(`${name} (to ${Math.round(Math.max(box.right, box.left + element.scrollWidth))} px)`);
    }
    return { overflow: document.documentElement.scrollWidth - width, culprits: culprits.slice(0, 10) };
  });
}

/** At a 360 px phone width the page scrolls sideways not at all. */
export async function assertFitsPhone(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  await page.setViewportSize({ width: 360, height: 780 });
  const { overflow, culprits } = await sideScroll(page);
  await page.setViewportSize(size);
  assert.ok(
    overflow <= 0,
    `${name}: ${overflow} px wider than a 360 px screen; sticking out: ${culprits.join(", ")}`,
  );
}

/** A member signed up through the real email flow, with their API headers and a JSON POST as them. */
export async function signUpMember(
  stack: WebStack,
  who: { email: string; password: string; name: string; timezone?: string },
) {
  const { accessToken } = await signUpByEmail(fetchApi(stack.api), stack.smtp, { timezone: "UTC", ...who });
  const headers = { authorization: `Bearer ${accessToken}`, "content-type": "application/json" };
  /** POST as the member; anything but 201 Created fails the test with the API's answer. */
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const answer = await fetch(`${stack.api}${path}`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    assert.equal(answer.status, 201, `${path}: ${await answer.clone().text()}`);
    return (await answer.json()) as T;
  };
  return { accessToken, headers, post };
}

/** Signs `who` in on the web app's sign-in page, as a person does, and waits for the task list. */
export async function signIn(
  stack: WebStack,
  page: Page,
  who: { email: string; password: string },
): Promise<void> {
  await page.goto(`${stack.web}/sign-in`);
  await page.getByLabel("Email address").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/tasks$/);
}
