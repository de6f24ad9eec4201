// `npm start`: the API on embedded defaults (PGlite in ./data, mail as .eml files), with its job runner,
// the admin panel beside it (scripts/admin-panel.ts) and the web app the emails link to
// (scripts/start-web.ts). On the first start the API creates the first admin account and prints its
// one-time password (docs/admin.md).
import { loadApiSettings, loadWebAppSettings, settingsOrExit } from "@honeydue/config";
import { startWeb } from "./start-web.ts";

const WEB_PORT = 3002;
process.env.ADMIN_BOOTSTRAP ??= "true";
process.env.PUBLIC_WEB_URL ??= `http://localhost:${WEB_PORT}`;
const api = settingsOrExit(() => loadApiSettings());
process.env.WEB_API_URL ??= `http://127.0.0.1:${api.port}`;
const web = settingsOrExit(() => loadWebAppSettings());

await import("../apps/api/src/main.ts");
// The API is ready: the panel and the web app are (built if needed and) started behind it, one after the
// other, without holding up the API: their builds run in child processes.
const { serveAdminPanel } = await import("./admin-panel.ts");
await serveAdminPanel();
await startWeb(web, WEB_PORT);
