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
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<{ rows: R[] }>;
  release(): void;
}

export interface DatabaseHandle {
  db: Database;
  kind: "postgres" | "pglite";
  /** A dedicated connection for work that needs one session (migrations). */
  session(): Promise<SqlSession>;
  /** Pool counters for metrics; PGlite has a single connection. */
  poolStats(): { total: number; idle: number; waiting: number };
  /**
   * Reports every query's SQL text and duration in seconds (metrics). One observer at a time; undefined
   * detaches it. Queries of PGlite transactions other than through `db` are not seen.
   */
  setQueryObserver(observer: QueryObserver | undefined): void;
  close(): Promise<void>;
}

/** Called after each query (resolved or failed) with its SQL text and its duration in seconds. */
export type QueryObserver = (sql: string, seconds: number) => void;

type QueryFn = (...args: unknown[]) => unknown;

/**
 * Wraps `target.query` so each call (promise or callback style; pg's pool.query uses a callback) is timed
 * and reported to the current observer. Submittable (cursor/stream) calls pass through untimed.
 */
function observeQueries(target: { query: unknown }, observer: () => QueryObserver | undefined): void {
  const original = target.query as QueryFn;
  target.query = function (this: unknown, ...args: unknown[]) {
    const observe = observer();
    const first = args[0] as string | { text?: unknown; submit?: unknown } | undefined;
    if (!observe || (typeof first === "object" && first !== null && typeof first.submit === "function")) {
      return original.apply(this, args);
    }
    const text = typeof first === "string" ? first : typeof first?.text === "string" ? first.text : "";
    const start = process.hrtime.bigint();
    const done = () => observe(text, Number(process.hrtime.bigint() - start) / 1e9);
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args[args.length - 1] = function (this: unknown, ...results: unknown[]) {
        done();
        return (last as QueryFn).apply(this, results);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result instanceof Promise) result.then(done, done);
    return result;
  };
}

export interface DatabaseOptions {
  /**
   * Where the pool's connection errors go (no query is waiting for them): an error sink that logs and
   * counts (@honeydue/observability createErrorSink). Unset: they are dropped.
   */
  onError?: (error: unknown) => void;
  /** postgres:// URL; undefined selects embedded PGlite. */
  url: string | undefined;
  /** Where PGlite keeps its files; "memory://" keeps them in memory. */
  pgliteDir?: string;
  dataDir?: string;
  poolMax?: number;
  applicationName?: string;
  /** PostgreSQL statement_timeout of every pooled connection in ms (DATABASE_STATEMENT_TIMEOUT_MS); 0 = none. */
  statementTimeoutMs?: number;
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
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  const onError = options.onError ?? (() => {});
  pool.on("error", onError);
  let queryObserver: QueryObserver | undefined;
  pool.on("connect", (client) => {
    // A checked-out client (inside a transaction, between two queries) whose server goes away emits
    // 'error' with no pool listener attached: unhandled, that kills the process. The error reaches the
    // caller through its next query instead, and the pool drops the broken client on release.
    client.on("error", onError);
    // Every pooled client (pool.query uses one too) reports its queries' durations to the observer.
    observeQueries(client, () => queryObserver);
  });
  const db: Database = drizzlePg({ client: pool, schema, casing: "snake_case" });
  return {
    db,
    kind: "postgres",
    async session() {
      const client = await pool.connect();
      return {
        query: (text, params) => client.query(text, params),
        release: () => client.release(),
      };
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    setQueryObserver(observer) {
      queryObserver = observer;
    },
    close: () => pool.end(),
  };
}

async function openPglite(dir: string): Promise<DatabaseHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  if (!dir.startsWith("memory://")) mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir, {
    parsers: { 1082: (v: string) => v, 20: (v: string) => Number(v) },
  });
  let queryObserver: QueryObserver | undefined;
  observeQueries(client, () => queryObserver);
  // Transactions query through their own object: time those too.
  const transaction = client.transaction.bind(client);
  client.transaction = ((fn: (tx: { query: unknown }) => Promise<unknown>) =>
    transaction((tx) => {
      observeQueries(tx, () => queryObserver);
      return fn(tx);
    })) as typeof client.transaction;
  const db: Database = drizzlePglite({ client, schema, casing: "snake_case" });
  return {
    db,
    kind: "pglite",
    async session() {
      return {
        async query<R extends Record<string, unknown>>(text: string, params?: unknown[]) {
          if (params && params.length > 0) return client.query<R>(text, params);
          // Several statements (a migration file) go through `exec`, which has no row type parameter.
          const results = await client.exec(text);
          return { rows: (results.at(-1)?.rows ?? []) as R[] };
        },
        release() {},
      };
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    setQueryObserver(observer) {
      queryObserver = observer;
    },
    close: () => client.close(),
  };
}
