import { Placeholder } from "drizzle-orm";
import pg from "pg";
import type { Database } from "./client.ts";

/** A Drizzle select whose parameters are all placeholders, as built by the API's query functions. */
interface PreparableSelect<Row> {
  toSQL(): { sql: string; params: unknown[] };
  prepare(name: string): { execute(values?: Record<string, unknown>): Promise<Row[]> };
  readonly _: { readonly selectedFields: Record<string, unknown> };
}

// Timestamps parsed as Drizzle parses them (`new Date(text)`), which is also 2.3× faster than pg's
// postgres-date (≈ 5 % of the task list's CPU); every other type as client.ts sets pg up.
const driverTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === pg.types.builtins.TIMESTAMPTZ) return (text: string) => new Date(text);
    if (oid === pg.types.builtins.TIMESTAMP) return (text: string) => new Date(`${text}+0000`);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Runs a prepared statement with its placeholders' values. */
export type PreparedRows<Row> = (values: Record<string, unknown>) => Promise<Row[]>;

/**
 * A hot read as a named prepared statement whose rows skip Drizzle's per-row mapping. On PostgreSQL the
 * statement's SQL (built once by Drizzle) goes straight to `pg` with `rowMode: "array"` and each row
 * becomes an object of the selection's keys; `pg`'s own parsers already give what Drizzle's decoders
 * would (timestamps as Date, JSON parsed, DATE as text and int8 as number by client.ts's parsers).
 * Drizzle's mapping was ≈ 10 % of the task list's CPU (docs/performance.md); prepared-rows.test.ts checks
 * both paths give equal rows. On PGlite, Drizzle's own prepared statement. Only for flat selections
 * (no nested objects, no relational queries).
 */
export function prepareRows<Row extends Record<string, unknown>>(
  db: Database,
  name: string,
  query: PreparableSelect<Row>,
): PreparedRows<Row> {
  // Drizzle keeps the driver's client on `$client`, which its Database type does not declare.
  const client: unknown = Reflect.get(db, "$client");
  if (!(client instanceof pg.Pool)) {
    const prepared = query.prepare(name);
    return (values) => prepared.execute(values);
  }
  const pool = client;
  const { sql: text, params } = query.toSQL();
  // Placeholders take each execution's values; a fixed number (a LIMIT 1) stays. Any other fixed value is
  // refused: an id baked in when the statement is built would answer every later request with it.
  const fill = params.map((param): ((values: Record<string, unknown>) => unknown) => {
    if (param instanceof Placeholder) return (values) => values[param.name as string];
    if (typeof param === "number") return () => param;
    throw new Error(`${name}: a fixed parameter in a statement meant to be prepared`);
  });
  const keys = Object.keys(query._.selectedFields);
  for (const key of keys) {
    const field = query._.selectedFields[key];
    if (field && typeof field === "object" && !("getSQL" in field))
      throw new Error(`${name}: '${key}' is a nested selection; prepareRows maps flat selections only`);
  }
  // One object literal per row with the keys in a fixed order, compiled once per statement: V8 gives every
  // row the same hidden class at once, where assigning keys in a loop walked the transitions per row
  // (≈ 4 % of the task list's CPU). The keys are the selection's own names from our code, quoted by JSON.
  const toRow = new Function(
    "cells",
    `return {${keys.map((key, i) => `${JSON.stringify(key)}: cells[${i}]`).join(", ")}};`,
  ) as (cells: unknown[]) => Row;
  return async (values) => {
    const result = await pool.query<unknown[]>({
      name,
      text,
      types: driverTypes,
      values: fill.map((value) => value(values)),
      rowMode: "array",
    });
    return result.rows.map(toRow);
  };
}
