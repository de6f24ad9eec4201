import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadApiSettings } from "@honeydue/config";

const ADMIN_PORT = 3001;
const root = fileURLToPath(new URL("../", import.meta.url));
const server = `${root}apps/admin/.next/standalone/apps/admin/server.js`;

/**
 * `npm start`'s admin panel: built once on the first start (with Next's progress on the terminal), then
 * reused; served on port 3001 against this API, and stopped with it.
 */
export async function serveAdminPanel() {
  const api = loadApiSettings();
  if (!existsSync(server)) {
    console.log("building the admin panel once (about a minute; later starts reuse the build)…");
    const built = spawnSync(process.execPath, [`${root}scripts/admin-build.ts`], { stdio: "inherit" });
    if (built.status !== 0) {
      console.error("the admin panel did not build; the API keeps running without it");
      return;
    }
  }
  const host = api.host === "0.0.0.0" ? "127.0.0.1" : api.host;
  const child = spawn(process.execPath, [server], {
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(ADMIN_PORT),
      HOSTNAME: "127.0.0.1",
      ADMIN_API_URL: `http://${host}:${api.port}`,
    },
  });
  process.once("exit", () => child.kill());
  child.once("exit", (code) => {
    if (code) console.error(`the admin panel stopped (exit code ${code})`);
  });
  console.log(
    `honeyDue admin panel: http://localhost:${ADMIN_PORT} (first sign-in: see the "first admin created" line above)`,
  );
}
