// `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and exits.
import { loadApiSettings } from "@honeydue/config";
import { migrate, openDatabase } from "../index.ts";

const settings = loadApiSettings();
const handle = await openDatabase({ url: settings.databaseUrl, dataDir: settings.dataDir, poolMax: 1 });
try {
  const applied = await migrate(handle, { log: (m) => console.log(m) });
  console.log(applied.length ? `applied ${applied.length} migration(s)` : "database is up to date");
} finally {
  await handle.close();
}
