import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
/** The one database type the code is written against: PostgreSQL (pg) and embedded PGlite alike. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything queries can run on: the database or an open transaction. */
export type Queryable = Database | Transaction;

/** Raw SQL on one connection, for the migrator (multi-statement files, session advisory locks). */
export interface SqlSession {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  release(): void;
}

export interface DatabaseHandle {
  db: Database;
  kind: "postgres" | "pglite";
  /** A dedicated connection for work that needs one session (migrations). */
  session(): Promise<SqlSession>;
  /** Pool counters for metrics; PGlite has a single connection. */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; undefined selects embedded PGlite. */
  url: string | undefined;
  /** Where PGlite keeps its files; "memory://" keeps them in memory. */
  pgliteDir?: string;
  dataDir?: string;
  poolMax?: number;
  applicationName?: string;
}

// DATE columns stay YYYY-MM-DD strings and int8 counts become numbers (all our int8 values fit).
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) return openPostgres(options.url, options);
  const dir = options.pgliteDir ?? join(options.dataDir ?? "./data", "pglite");
  return openPglite(dir);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    application_name: options.applicationName ?? "honeydue",
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  const db = drizzlePg({ client: pool, schema, casing: "snake_case" }) as unknown as Database;
  return {
    db,
    kind: "postgres",
    async session() {
      const client = await pool.connect();
      return {
        query: async (text, params) => client.query(text, params) as never,
        release: () => client.release(),
      };
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}

async function openPglite(dir: string): Promise<DatabaseHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  if (!dir.startsWith("memory://")) mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir, {
    parsers: { 1082: (v: string) => v, 20: (v: string) => Number(v) },
  });
  const db = drizzlePglite({ client, schema, casing: "snake_case" }) as unknown as Database;
  return {
    db,
    kind: "pglite",
    async session() {
      return {
        async query(text, params) {
          if (params && params.length > 0) return (await client.query(text, params)) as never;
          const results = await client.exec(text);
          return { rows: (results.at(-1)?.rows ?? []) as never };
        },
        release() {},
      };
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    close: () => client.close(),
  };
}
