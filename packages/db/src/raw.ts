import type { SQLWrapper } from "drizzle-orm";
import type { Queryable } from "./client.ts";

/**
 * What a raw statement answers on either driver (node-postgres and PGlite): its rows, and how many rows it
 * changed. Drizzle types `execute` as `unknown` for a database written against both drivers, so this is
 * the one place that says what the answer looks like.
 */
interface RawResult<Row> {
  rows: Row[];
  /** node-postgres */
  rowCount?: number | null;
  /** PGlite */
  affectedRows?: number;
}

async function run<Row>(db: Queryable, query: SQLWrapper): Promise<RawResult<Row>> {
  return (await db.execute(query)) as RawResult<Row>;
}

/** The rows of a raw statement, typed by its caller (who wrote the SELECT or RETURNING list). */
export async function queryRows<Row extends Record<string, unknown>>(
  db: Queryable,
  query: SQLWrapper,
): Promise<Row[]> {
  return (await run<Row>(db, query)).rows;
}

/** How many rows a raw INSERT, UPDATE or DELETE changed. */
export async function changedRows(db: Queryable, query: SQLWrapper): Promise<number> {
  const result = await run(db, query);
  return result.rowCount ?? result.affectedRows ?? 0;
}
