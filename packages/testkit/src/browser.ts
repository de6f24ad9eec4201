import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after } from "node:test";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserServer, chromium, type Page } from "playwright-core";

/** Debian's Chromium (.ci/setup-chromium.sh installs it); playwright-core never downloads a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Whether browser tests can run here; with CI=true a missing Chromium is an error, not a skip. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === "true")
    throw new Error(`CI=true but Chromium is missing at ${CHROMIUM_PATH} (.ci/setup-chromium.sh)`);
  return false;
}

/**
 * The flags of every test Chromium: they keep it off the network it cannot reach here (background services,
 * component updates, sync) and let it run as root in a container.
 */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A headless Chromium for one test file, closed after it. */
export async function openBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  after(() => browser.close());
  return browser;
}

/**
 * A headless Chromium that outlives one test file (the global setup of a test run starts it): test files in
 * other processes reach it with `connectBrowser(server.wsEndpoint())`; the caller closes it.
 */
export function launchBrowserServer(): Promise<BrowserServer> {
  return chromium.launchServer({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * This test file's connection to a `launchBrowserServer` Chromium, closed after the file (closing it closes
 * the file's contexts, not the browser).
 */
export async function connectBrowser(wsEndpoint: string): Promise<Browser> {
  const browser = await chromium.connect(wsEndpoint);
  after(() => browser.close());
  return browser;
}

/** The repository's ignored artifacts/ folder (screenshots of browser tests), created on demand. */
export function artifactsDir(...parts: string[]): string {
  const dir = join(fileURLToPath(new URL("../../../artifacts/", import.meta.url)), ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules) in the page and returns its violations, each with the selectors
 * of the offending elements. The script is added through the DevTools protocol, so the page's CSP, which
 * allows no foreign script, does not stand in the way.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const client = await page.context().newCDPSession(page);
  try {
    await client.send("Runtime.evaluate", { expression: axeSource });
    const { result } = await client.send("Runtime.evaluate", {
      expression: `axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
        .then(r => JSON.stringify(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" ")) }))))`,
      awaitPromise: true,
      returnByValue: true,
    });
    return JSON.parse(result.value as string) as AxeViolation[];
  } finally {
    await client.detach();
  }
}
