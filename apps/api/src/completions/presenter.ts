import { completions, type Queryable, users } from "@honeydue/db";
import { desc, eq, inArray, type SQL, sql } from "drizzle-orm";

/** The completion presenter: the one JSON shape of a maintenance-log entry (routes, export, sync). */

export function selectCompletions(db: Queryable, where: SQL | undefined, limit: number) {
  return db
    .select({
      id: completions.id,
      taskId: completions.taskId,
      residenceId: completions.residenceId,
      completedOn: completions.completedOn,
      dueOn: completions.dueOn,
      notes: completions.notes,
      costCents: completions.costCents,
      contractorId: completions.contractorId,
      completedById: completions.completedBy,
      completedByName: users.name,
      photoIds: sql<
        string[]
      >`coalesce((SELECT array_agg(cp.file_id ORDER BY cp.position) FROM completion_photos cp WHERE cp.completion_id = ${completions.id}), '{}')`,
      createdAt: completions.createdAt,
      // Full microsecond precision for the cursor (a JS Date keeps milliseconds only).
      createdAtText: sql<string>`to_char(${completions.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(completions)
    .leftJoin(users, eq(users.id, completions.completedBy))
    .where(where)
    .orderBy(desc(completions.createdAt), desc(completions.id))
    .limit(limit);
}

export function toCompletion(row: Awaited<ReturnType<typeof selectCompletions>>[number]) {
  return {
    id: row.id,
    taskId: row.taskId,
    residenceId: row.residenceId,
    completedOn: row.completedOn,
    dueOn: row.dueOn,
    notes: row.notes,
    costCents: row.costCents,
    contractorId: row.contractorId,
    completedById: row.completedById,
    completedBy:
      row.completedById && row.completedByName ? { id: row.completedById, name: row.completedByName } : null,
    photoIds: row.photoIds ?? [],
    createdAt: row.createdAt.toISOString(),
  };
}

export type CompletionDto = ReturnType<typeof toCompletion>;

/** Several completions by id, as the API returns them. */
export async function loadCompletions(db: Queryable, ids: string[]): Promise<CompletionDto[]> {
  if (ids.length === 0) return [];
  return (await selectCompletions(db, inArray(completions.id, ids), ids.length)).map(toCompletion);
}

/** One completion by id, or undefined. */
export async function findCompletion(db: Queryable, id: string): Promise<CompletionDto | undefined> {
  const [row] = await selectCompletions(db, eq(completions.id, id), 1);
  return row ? toCompletion(row) : undefined;
}
