// `npm run admin:build`: builds the admin panel (apps/admin) into a standalone Next.js server:
// apps/admin/.next/standalone/apps/admin/server.js (env PORT, HOSTNAME, ADMIN_API_URL), with its static
// files copied beside it as `next start` would serve them.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const app = fileURLToPath(new URL("../apps/admin/", import.meta.url));
const next = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));
const built = spawnSync(process.execPath, [next, "build"], {
  cwd: app,
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
});
if (built.status !== 0) process.exit(built.status ?? 1);
const standalone = `${app}.next/standalone/apps/admin/`;
rmSync(`${standalone}.next/static`, { recursive: true, force: true });
cpSync(`${app}.next/static`, `${standalone}.next/static`, { recursive: true });
if (existsSync(`${app}public`)) cpSync(`${app}public`, `${standalone}public`, { recursive: true });
console.log(`admin panel built: node ${standalone}server.js`);
