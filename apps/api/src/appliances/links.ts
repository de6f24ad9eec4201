import {
  applianceContractors,
  applianceDocuments,
  applianceTasks,
  contractors,
  documents,
  type Queryable,
  tasks,
} from "@honeydue/db";
import { and, eq, inArray } from "drizzle-orm";
import { invalidField } from "../http/problem.ts";

/**
 * The three kinds of thing an appliance links to: their tables, keyed by the field of the body that names
 * them, and how a link row is written (one typed insert each: a computed column key would lose its type).
 */
const LINKS = {
  taskIds: {
    link: applianceTasks,
    target: tasks,
    insert: (tx: Queryable, applianceId: string, ids: string[]) =>
      tx
        .insert(applianceTasks)
        .values(ids.map((taskId) => ({ applianceId, taskId })))
        .onConflictDoNothing(),
  },
  documentIds: {
    link: applianceDocuments,
    target: documents,
    insert: (tx: Queryable, applianceId: string, ids: string[]) =>
      tx
        .insert(applianceDocuments)
        .values(ids.map((documentId) => ({ applianceId, documentId })))
        .onConflictDoNothing(),
  },
  contractorIds: {
    link: applianceContractors,
    target: contractors,
    insert: (tx: Queryable, applianceId: string, ids: string[]) =>
      tx
        .insert(applianceContractors)
        .values(ids.map((contractorId) => ({ applianceId, contractorId })))
        .onConflictDoNothing(),
  },
};
export type LinkField = keyof typeof LINKS;
export const LINK_FIELDS = Object.keys(LINKS) as LinkField[];

/**
 * Replaces an appliance's links of one kind, inside the caller's transaction. Every id must be a thing of
 * the same residence; another household's is refused exactly like one that does not exist.
 */
export async function replaceLinks(
  tx: Queryable,
  input: { applianceId: string; residenceId: string; field: LinkField; ids: string[] },
) {
  const { link, target, insert } = LINKS[input.field];
  if (input.ids.length > 0) {
    const found = await tx
      .select({ id: target.id })
      .from(target)
      .where(and(inArray(target.id, input.ids), eq(target.residenceId, input.residenceId)));
    const known = new Set(found.map((r) => r.id));
    const unknown = input.ids.filter((id) => !known.has(id));
    if (unknown.length)
      throw invalidField(
        `body.${input.field}`,
        `must name things of this residence (unknown: ${unknown.join(", ")})`,
      );
  }
  await tx.delete(link).where(eq(link.applianceId, input.applianceId));
  if (input.ids.length > 0) await insert(tx, input.applianceId, input.ids);
}
