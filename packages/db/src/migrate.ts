import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DatabaseHandle, SqlSession } from "./client.ts";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations/", import.meta.url));
/** pg_advisory_lock key shared by every process that migrates: only one runs migrations at a time. */
const MIGRATION_LOCK_KEY = 7_240_519_118;

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

/** Migration files are `NNNN_name.sql`, applied in version order, each in its own transaction. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(new URL(file, `file://${dir.endsWith("/") ? dir : `${dir}/`}`), "utf8");
      const [version = "", ...rest] = file.replace(/\.sql$/, "").split("_");
      return { version, name: rest.join("_"), sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const ENSURE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version text PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Versions in the database that this code does not know (a newer release migrated). */
  unknown: string[];
  /** Applied migrations whose file changed since. */
  changed: string[];
}

async function appliedVersions(session: SqlSession): Promise<Map<string, string>> {
  const exists = await session.query<{ t: string | null }>(
    "SELECT to_regclass('schema_migrations')::text AS t",
  );
  if (!exists.rows[0]?.t) return new Map();
  const { rows } = await session.query<{ version: string; checksum: string }>(
    "SELECT version, checksum FROM schema_migrations ORDER BY version",
  );
  return new Map(rows.map((r) => [r.version, r.checksum]));
}

export async function migrationStatus(
  handle: DatabaseHandle,
  dir = MIGRATIONS_DIR,
): Promise<MigrationStatus> {
  const session = await handle.session();
  try {
    const applied = await appliedVersions(session);
    const files = readMigrations(dir);
    const known = new Set(files.map((m) => m.version));
    return {
      applied: [...applied.keys()],
      pending: files.filter((m) => !applied.has(m.version)).map((m) => m.version),
      unknown: [...applied.keys()].filter((v) => !known.has(v)),
      changed: files
        .filter((m) => applied.has(m.version) && applied.get(m.version) !== m.checksum)
        .map((m) => m.version),
    };
  } finally {
    session.release();
  }
}

/**
 * Applies pending migrations under a session advisory lock, so concurrent starters (several API pods,
 * a migrate job) wait for each other and each migration runs exactly once.
 */
export async function migrate(
  handle: DatabaseHandle,
  options: { dir?: string; log?: (message: string) => void } = {},
): Promise<string[]> {
  const log = options.log ?? (() => {});
  const session = await handle.session();
  const done: string[] = [];
  // Waiting for another migrator and building indexes may take longer than DATABASE_STATEMENT_TIMEOUT_MS.
  const postgres = handle.kind === "postgres";
  if (postgres) await session.query("SET statement_timeout = 0");
  try {
    await session.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await session.query(ENSURE_TABLE);
      const applied = await appliedVersions(session);
      for (const migration of readMigrations(options.dir)) {
        const checksum = applied.get(migration.version);
        if (checksum !== undefined) {
          if (checksum !== migration.checksum) {
            throw new Error(
              `Migration ${migration.version}_${migration.name} was changed after it was applied`,
            );
          }
          continue;
        }
        log(`applying migration ${migration.version}_${migration.name}`);
        await session.query("BEGIN");
        try {
          await session.query(migration.sql);
          await session.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
            migration.version,
            migration.name,
            migration.checksum,
          ]);
          await session.query("COMMIT");
        } catch (error) {
          await session.query("ROLLBACK");
          throw error;
        }
        done.push(migration.version);
      }
    } finally {
      await session.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    if (postgres) await session.query("RESET statement_timeout").catch(() => {});
    session.release();
  }
  return done;
}
