// `npm run migrate` and the deploy's migrate Job: applies pending migrations to DATABASE_URL (or the embedded
// database) and exits. Reads only the migrate role's settings: no AUTH_SECRET or other secret is needed.
import { loadMigrateSettings, settingsOrExit } from "@honeydue/config";
import { registerModuleResolutionHooks } from "../module-hooks.ts";

// Before drizzle-orm is imported (by index.ts, below): see module-hooks.ts.
registerModuleResolutionHooks();
const { migrate, openDatabase } = await import("../index.ts");

const settings = settingsOrExit(() => loadMigrateSettings());
const handle = await openDatabase({ url: settings.databaseUrl, dataDir: settings.dataDir, poolMax: 1 });
try {
  const applied = await migrate(handle, { log: (m) => console.log(m) });
  console.log(applied.length ? `applied ${applied.length} migration(s)` : "database is up to date");
} finally {
  await handle.close();
}
