// `npm start`: the API on embedded defaults (PGlite in ./data, mail as .eml files), with its job runner, and
// the web app (apps/web) beside it — built on the first start (or when its sources changed) — whose address
// the emails link to. On the first start it also creates the first admin account and prints its one-time
// password.
import { loadApiSettings, loadWebAppSettings, settingsOrExit } from "@honeydue/config";
import { startWeb } from "./start-web.ts";

const WEB_PORT = 3002;
process.env.ADMIN_BOOTSTRAP ??= "true";
process.env.PUBLIC_WEB_URL ??= `http://localhost:${WEB_PORT}`;
const api = settingsOrExit(() => loadApiSettings());
process.env.WEB_API_URL ??= `http://127.0.0.1:${api.port}`;
const web = settingsOrExit(() => loadWebAppSettings());

await import("../apps/api/src/main.ts");
await startWeb(web, WEB_PORT);
