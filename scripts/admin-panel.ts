import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { loadApiSettings } from "@honeydue/config";
import { buildAdmin, adminServer as server } from "./admin-build.ts";

const ADMIN_PORT = 3001;

/**
 * `npm start`'s admin panel: built once on the first start (with Next's progress on the terminal), then
 * reused; served on port 3001 against this API, and stopped with it. The build runs in a child process
 * while the API, already listening, keeps answering; the panel is served when it finishes.
 */
export async function serveAdminPanel() {
  const api = loadApiSettings();
  if (!existsSync(server)) {
    const started = Date.now();
    console.log(
      "building the admin panel once in the background (about a minute; later starts reuse the build); " +
        "the API is ready meanwhile",
    );
    try {
      await buildAdmin();
    } catch (error) {
      console.error(
        `the admin panel did not build (${(error as Error).message}); the API keeps running without it`,
      );
      return;
    }
    console.log(`admin panel built in ${Math.round((Date.now() - started) / 1000)} s`);
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
