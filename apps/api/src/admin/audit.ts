import { adminAuditLog, type Queryable } from "@honeydue/db";
import type { FastifyRequest } from "fastify";

export interface AuditEntry {
  /** Dotted verb, e.g. `user.disable`, `template.create`, `admin.sign-in.failed`. */
  action: string;
  target?: { type: string; id: string; label?: string | null };
  detail?: Record<string, unknown>;
}

/**
 * Writes one audit entry: who (the admin, or the email given at a failed sign-in), what, to whom, when,
 * from which address and in which request. Call it in the transaction of the change it records where
 * there is one, so the log and the data cannot disagree.
 */
export async function audit(
  db: Queryable,
  request: FastifyRequest,
  who: { adminId: string | null; email: string },
  entry: AuditEntry,
) {
  await db.insert(adminAuditLog).values({
    adminId: who.adminId,
    adminEmail: who.email,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    targetLabel: entry.target?.label ?? null,
    detail: entry.detail ?? {},
    ip: request.ip,
    requestId: request.id,
  });
}
