// The global setup of `npm run test:unit` (node --test --test-global-setup): one web stack — the API, the
// built web app, the SMTP server and Chromium — for every web test file of the run, instead of one per file.
// It runs in the test runner's own process; the files, each in a process of its own, join it through the
// SHARED_WEB_STACK variable (support.ts `startWebStack`), read their mail over HTTP (`serveMailbox`) and
// connect to the one Chromium. Should it fail to start, the web files fail saying why; the rest still run.
import { serveMailbox } from "@honeydue/testkit";
import { launchBrowserServer } from "@honeydue/testkit/browser";
import { launchWebStack, missingPart, SHARED_WEB_STACK, type SharedWebStack } from "./support.ts";

const stops: (() => unknown)[] = [];

/** @public Called by node --test before the first test file starts. */
export async function globalSetup(): Promise<void> {
  // A part missing here: each web file skips, or under CI=true fails, on its own and says which.
  if (await missingPart().catch(() => "missing")) return;
  let shared: SharedWebStack;
  try {
    const stack = await launchWebStack();
    stops.push(stack.stop);
    const mailbox = await serveMailbox(stack.smtp);
    stops.push(mailbox.close);
    const browser = await launchBrowserServer();
    stops.push(() => browser.close());
    // A part that dies mid-run fails the files after it; what it printed goes to the run's output.
    let stopping = false;
    stops.push(() => {
      stopping = true;
    });
    for (const part of stack.processes) {
      part.child.once("exit", (code, signal) => {
        if (!stopping)
          process.stderr.write(
            `the shared web stack's ${part.child.spawnargs.at(-1)} exited (${code ?? signal}):\n${part.output()}\n`,
          );
      });
    }
    shared = { api: stack.api, web: stack.web, mailbox: mailbox.url, browser: browser.wsEndpoint() };
  } catch (error) {
    await globalTeardown();
    shared = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.env[SHARED_WEB_STACK] = JSON.stringify(shared);
}

/** @public Called by node --test after the last test file ended. */
export async function globalTeardown(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) await stop();
}
