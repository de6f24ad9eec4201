// The web app's standalone server as a child of `npm start`: (re)built when missing or older than its
// sources, stopped with the parent.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { WebAppSettings } from "@honeydue/config";
import { buildWeb, webApp, webServer } from "./web-build.ts";

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".next" || entry.name === "node_modules" || entry.name === "test") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export async function startWeb(settings: WebAppSettings, port: number): Promise<void> {
  if (!existsSync(webServer) || statSync(webServer).mtimeMs < newestSource(webApp)) {
    console.log("building the web app (apps/web) — about a minute, only when it changed …");
    await buildWeb();
  }
  const child = spawn(process.execPath, [webServer], {
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      WEB_API_URL: settings.apiUrl,
      PUBLIC_WEB_URL: settings.publicWebUrl,
    },
  });
  child.on("exit", (code, signal) => {
    if (signal !== "SIGTERM") console.error(`web app stopped (${signal ?? `exit ${code}`})`);
  });
  process.on("exit", () => child.kill("SIGTERM"));
  console.log(`honeyDue web app: ${settings.publicWebUrl}`);
}
