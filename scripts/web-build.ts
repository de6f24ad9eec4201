// `npm run web:build`: builds the web app (apps/web) into a standalone Next.js server:
// apps/web/.next/standalone/apps/web/server.js (env PORT, HOSTNAME, WEB_API_URL, PUBLIC_WEB_URL), with its
// static files copied beside it as `next start` would serve them.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const webApp = fileURLToPath(new URL("../apps/web/", import.meta.url));
export const webServer = `${webApp}.next/standalone/apps/web/server.js`;

/** Asynchronous, so an API started in the same process keeps answering meanwhile. */
export async function buildWeb(): Promise<void> {
  const next = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));
  const build = spawn(process.execPath, [next, "build"], {
    cwd: webApp,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  const [code] = await once(build, "exit");
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
  const standalone = `${webApp}.next/standalone/apps/web/`;
  rmSync(`${standalone}.next/static`, { recursive: true, force: true });
  cpSync(`${webApp}.next/static`, `${standalone}.next/static`, { recursive: true });
  if (existsSync(`${webApp}public`)) cpSync(`${webApp}public`, `${standalone}public`, { recursive: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildWeb();
  console.log(`web app built: node ${webServer}`);
}
