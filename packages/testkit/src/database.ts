import { createHash, randomBytes } from "node:crypto";
import { after } from "node:test";
import { type DatabaseHandle, migrate, openDatabase, queryRows, readMigrations } from "@honeydue/db";
import { sql } from "drizzle-orm";
import pg from "pg";

/** The server tests use: CI=true requires it; elsewhere it is used when reachable, PGlite otherwise. */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

let reachable: Promise<boolean> | undefined;
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch (error) {
      if (process.env.CI === "true")
        throw new Error(`CI=true but PostgreSQL is not reachable at ${TEST_PG_URL}`, { cause: error });
      return false;
    }
  })();
  return reachable;
}

export interface TestDatabase {
  handle: DatabaseHandle;
  /** postgres URL of this test's own database, or undefined on PGlite. */
  url: string | undefined;
}

/**
 * A fresh, migrated database for one test file: a new PostgreSQL database (dropped after the file)
 * when PostgreSQL is available, else an in-memory PGlite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!(await postgresReachable())) {
    const handle = await openDatabase({ url: undefined, pgliteDir: "memory://" });
    await migrate(handle);
    after(() => handle.close().catch(() => {}));
    return { handle, url: undefined };
  }
  const database = await createServerDatabase();
  const handle = await openDatabase({ url: database.url, poolMax: 10 });
  await migrate(handle);
  after(async () => {
    await handle.close().catch(() => {});
    await database.drop();
  });
  return { handle, url: database.url };
}

/**
 * A fresh, migrated PostgreSQL database that outlives one test file (the global setup of a test run makes
 * it for all of them): the caller drops it. PostgreSQL must be reachable (`postgresReachable`).
 */
export async function createServerDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `honeydue_test_${randomBytes(6).toString("hex")}`;
  const template = await migratedTemplate();
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  return {
    url: urlOf(name),
    async drop() {
      const cleanup = new pg.Client({ connectionString: TEST_PG_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

const urlOf = (name: string) => {
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
};

let template: Promise<string> | undefined;

/**
 * A database with every migration applied, which each test file's database is copied from (CREATE DATABASE
 * ... TEMPLATE: a file copy instead of running ~50 migrations again per file). Its name carries a hash of
 * the migrations, so a new or changed migration makes a new template; an advisory lock lets one test
 * process build it while the others wait. Each copy still runs `migrate`, which finds nothing to apply.
 */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const hash = createHash("sha256");
    for (const m of readMigrations()) hash.update(`${m.version}:${m.checksum}\n`);
    const name = `honeydue_template_${hash.digest("hex").slice(0, 16)}`;
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    try {
      await admin.query("SELECT pg_advisory_lock(hashtext('honeydue test template'))");
      const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (!rowCount) {
        // Built under another name and renamed when complete: a crash mid-way never leaves a half template.
        const building = `${name}_building`;
        await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${building}`);
        const handle = await openDatabase({ url: urlOf(building), poolMax: 1 });
        try {
          await migrate(handle);
        } finally {
          await handle.close();
        }
        await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      }
      return name;
    } finally {
      await admin.query("SELECT pg_advisory_unlock(hashtext('honeydue test template'))").catch(() => {});
      await admin.end();
    }
  })();
  return template;
}

/**
 * An account to address emails to (email jobs carry a user id, not an address): returns its id, the same
 * one again for an address already there.
 */
export async function mailRecipient(db: DatabaseHandle["db"], email: string, name = "Pat"): Promise<string> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    WITH inserted AS (
      INSERT INTO users (email, name, password_hash, email_verified_at)
      VALUES (${email}, ${name}, 'not-a-password-hash', now())
      ON CONFLICT DO NOTHING RETURNING id
    )
    SELECT id::text FROM inserted
    UNION ALL SELECT id::text FROM users WHERE lower(email) = lower(${email})
    LIMIT 1`,
  );
  if (!rows[0]) throw new Error(`could not create a recipient for ${email}`);
  return rows[0].id;
}
