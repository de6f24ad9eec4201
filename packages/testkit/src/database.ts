import { randomBytes } from "node:crypto";
import { after } from "node:test";
import { type DatabaseHandle, migrate, openDatabase } from "@honeydue/db";
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
  const name = `honeydue_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), poolMax: 10 });
  await migrate(handle);
  after(async () => {
    await handle.close().catch(() => {});
    const cleanup = new pg.Client({ connectionString: TEST_PG_URL });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.end();
  });
  return { handle, url: url.toString() };
}

/**
 * An account to address emails to (email jobs carry a user id, not an address): returns its id, the same
 * one again for an address already there.
 */
export async function mailRecipient(db: DatabaseHandle["db"], email: string, name = "Pat"): Promise<string> {
  const { rows } = (await db.execute(sql`
    WITH inserted AS (
      INSERT INTO users (email, name, password_hash, email_verified_at)
      VALUES (${email}, ${name}, 'not-a-password-hash', now())
      ON CONFLICT DO NOTHING RETURNING id
    )
    SELECT id::text FROM inserted
    UNION ALL SELECT id::text FROM users WHERE lower(email) = lower(${email})
    LIMIT 1`)) as unknown as { rows: { id: string }[] };
  if (!rows[0]) throw new Error(`could not create a recipient for ${email}`);
  return rows[0].id;
}
