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

/** The three kinds of thing an appliance links to: their tables, and the field of the body that names them. */
const LINKS = {
  taskIds: { link: applianceTasks, target: tasks, key: "taskId" as const },
  documentIds: {
    link: applianceDocuments,
    target: documents,
    key: "documentId" as const,
  },
  contractorIds: {
    link: applianceContractors,
    target: contractors,
    key: "contractorId" as const,
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
  const { link, target, key } = LINKS[input.field];
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
  if (input.ids.length > 0)
    await tx
      .insert(link)
      .values(input.ids.map((id) => ({ applianceId: input.applianceId, [key]: id }) as never))
      .onConflictDoNothing();
}
