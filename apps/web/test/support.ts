import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import {
  createTestDatabase,
  fetchApi,
  freePort,
  redisReachable,
  signUpByEmail,
  startNodeProcess,
  startSmtpServer,
  TEST_REDIS_URL,
  type TestSmtpServer,
} from "@honeydue/testkit";
import { artifactsDir, axeViolations, chromiumAvailable, openBrowser } from "@honeydue/testkit/browser";
import type { Browser, Page } from "playwright-core";

const root = fileURLToPath(new URL("../../../", import.meta.url));
export const webServer = `${root}apps/web/.next/standalone/apps/web/server.js`;

export interface WebStack {
  api: string;
  web: string;
  smtp: TestSmtpServer;
  browser: Browser;
  /** axe finds no serious or critical violation; a screenshot at desktop and at 360 px phone width. */
  check(page: Page, name: string): Promise<void>;
  shots: string;
  /** What the web server printed so far (its errors, for a failing test's message). */
  webOutput(): string;
}

/**
 * The built web app (npm run web:build) against the real API process on PostgreSQL and Redis, mail to a
 * real SMTP server, driven by headless Chromium; null (the test skipped) when a part is missing here.
 */
export async function startWebStack(t: TestContext): Promise<WebStack | null> {
  if (!chromiumAvailable()) return skip(t, "no Chromium (.ci/setup-chromium.sh)");
  if (!existsSync(webServer)) {
    if (process.env.CI === "true") throw new Error("the web app is not built: npm run web:build");
    return skip(t, "the web app is not built (npm run web:build)");
  }
  if (!(await redisReachable())) return skip(t, "Redis not reachable");
  const database = await createTestDatabase();
  if (!database.url) return skip(t, "needs PostgreSQL (the API runs as its own process)");
  const smtp = await startSmtpServer();
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const api = `http://127.0.0.1:${apiPort}`;
  const web = `http://localhost:${webPort}`;
  const [, webProcess] = await Promise.all([
    startNodeProcess({
      args: ["apps/api/src/main.ts"],
      cwd: root,
      env: {
        NODE_ENV: "test",
        COMPILE_VALIDATORS_ON_FIRST_USE: "true",
        LOG_LEVEL: "warn",
        PORT: String(apiPort),
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        RUN_EMBEDDED_WORKER: "true",
        SMTP_URL: smtp.url,
        AUTH_SECRET: "web-e2e-secret-web-e2e-secret-00000",
        PUBLIC_API_URL: api,
        PUBLIC_WEB_URL: web,
        DATA_DIR: artifactsDir("web-e2e-data"),
        METRICS_PORT: "0",
      },
      readyUrl: `${api}/readyz`,
      // A shared, loaded CI machine can take longer than the default minute to migrate and start.
      timeoutMs: 180_000,
    }),
    startNodeProcess({
      args: [webServer],
      env: {
        PORT: String(webPort),
        HOSTNAME: "127.0.0.1",
        WEB_API_URL: api,
        PUBLIC_WEB_URL: web,
        NODE_ENV: "production",
      },
      readyUrl: `http://127.0.0.1:${webPort}/privacy`,
      timeoutMs: 180_000,
    }),
  ]);
  const browser = await openBrowser();
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
  return { api, web, smtp, browser, check, shots, webOutput: () => webProcess.output() };
}

function skip(t: TestContext, why: string): null {
  t.skip(why);
  return null;
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
