import type { DatabaseHandle } from "@honeydue/db";

/** One node of a PostgreSQL `EXPLAIN (FORMAT JSON)` plan. */
export type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
};

/** The plan node and all the nodes below it, depth first. */
export const planNodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(planNodes)];

/** The plan PostgreSQL would run `query` with (not executed). */
export async function explain(database: DatabaseHandle, query: { sql: string; params: unknown[] }) {
  const session = await database.session();
  try {
    const { rows } = await session.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
      `EXPLAIN (FORMAT JSON) ${query.sql}`,
      query.params,
    );
    return rows[0]!["QUERY PLAN"][0].Plan;
  } finally {
    session.release();
  }
}
