// `npm run admin:build`: builds the admin panel (apps/admin) into a standalone Next.js server:
// apps/admin/.next/standalone/apps/admin/server.js (env PORT, HOSTNAME, ADMIN_API_URL), with its static
// files copied beside it as `next start` would serve them.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const app = fileURLToPath(new URL("../apps/admin/", import.meta.url));
export const adminServer = `${app}.next/standalone/apps/admin/server.js`;

/** Asynchronous, so an API started in the same process keeps answering meanwhile (`npm start`). */
export async function buildAdmin(): Promise<void> {
  const next = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));
  const build = spawn(process.execPath, [next, "build"], {
    cwd: app,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  const [code] = await once(build, "exit");
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
  const standalone = `${app}.next/standalone/apps/admin/`;
  rmSync(`${standalone}.next/static`, { recursive: true, force: true });
  cpSync(`${app}.next/static`, `${standalone}.next/static`, { recursive: true });
  if (existsSync(`${app}public`)) cpSync(`${app}public`, `${standalone}public`, { recursive: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await buildAdmin();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  console.log(`admin panel built: node ${adminServer}`);
}
