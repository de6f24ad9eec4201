// `npm start`: the API on embedded defaults (PGlite in ./data, mail as .eml files), with its job runner,
// and the admin panel beside it (scripts/admin-panel.ts). On the first start the API creates the first
// admin account and prints its one-time password (docs/admin.md).
process.env.ADMIN_BOOTSTRAP ??= "true";
await import("../apps/api/src/main.ts");
const { serveAdminPanel } = await import("./admin-panel.ts");
await serveAdminPanel();
