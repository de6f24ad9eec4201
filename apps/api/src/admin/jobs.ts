import { type Database, queryRows, type Transaction } from "@honeydue/db";
import {
  countFailedOutboxRows,
  discardFailedOutboxRow,
  listFailedOutboxRows,
  outboxStats,
  retryFailedOutboxRow,
} from "@honeydue/jobs";
import { sql } from "drizzle-orm";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { NoContent, Nullable, Timestamp, Uuid } from "../http/schemas.ts";
import { audit } from "./audit.ts";
import { QueueHealth, queueHealth } from "./dashboard.ts";
import { AdminPage, PageQuery, pageOf } from "./paging.ts";
import { type AdminGuard, adminCaller, adminCookie } from "./session.ts";

const tags = ["admin: jobs"];
const JobParams = Type.Object({ jobId: Uuid });

const FailedJob = Type.Object({
  id: Uuid,
  job: Type.String(),
  payloadSummary: Type.Record(Type.String(), Type.Unknown(), {
    description: "The payload's ids and shape; template data, tokens and links are masked",
  }),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  createdAt: Timestamp,
  failedAt: Timestamp,
});

/**
 * Jobs as operators see them, from the outbox (packages/jobs/src/runtime/outbox-failures.ts): it keeps every job
 * until its effect is done and a failed-for-good job with its error, in embedded mode and with the worker
 * alike. A retry puts the row back as new (the relay replaces the failed BullMQ job of the same id).
 */
export function registerAdminJobRoutes(
  app: App,
  deps: { db: Database; guard: AdminGuard; notifyOutbox: () => void },
) {
  const { db, guard } = deps;

  app.get(
    "/v1/admin/jobs",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "Counts per queue and the outbox backlog",
        ...adminCookie,
        response: {
          200: Type.Object({
            queues: Type.Array(QueueHealth),
            backlog: Type.Integer({ description: "Jobs not yet picked up" }),
            oldestAgeSeconds: Type.Number({ description: "Age of the oldest job not yet picked up" }),
          }),
          ...problems(401, 403),
        },
      },
    },
    async () => {
      const [queues, stats] = await Promise.all([queueHealth(db), outboxStats(db)]);
      return { queues, backlog: stats.backlog, oldestAgeSeconds: stats.oldestAgeSeconds };
    },
  );

  app.get(
    "/v1/admin/jobs/failed",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "Jobs that failed for good, newest first, with their error and a masked payload summary",
        ...adminCookie,
        querystring: Type.Object(
          { job: Type.Optional(Type.String({ maxLength: 64 })), ...PageQuery },
          { additionalProperties: false },
        ),
        response: { 200: AdminPage(FailedJob), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { page, pageSize, offset } = pageOf(request.query);
      const filter = { job: request.query.job };
      const [rows, total] = await Promise.all([
        listFailedOutboxRows(db, { ...filter, limit: pageSize, offset }),
        countFailedOutboxRows(db, filter),
      ]);
      return {
        items: rows.map((r) => ({
          ...r,
          createdAt: r.createdAt.toISOString(),
          failedAt: r.failedAt.toISOString(),
        })),
        page,
        pageSize,
        total,
      };
    },
  );

  app.post(
    "/v1/admin/jobs/failed/:jobId/retry",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "Run a failed job again from its first attempt",
        ...adminCookie,
        params: JobParams,
        response: { 202: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const me = adminCaller(request);
      const { jobId } = request.params;
      await db.transaction(async (tx) => {
        const row = await failedJobIn(tx, jobId);
        if (!(await retryFailedOutboxRow(tx, jobId))) throw notFound("Failed job");
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          {
            action: "job.retry",
            target: { type: "job", id: jobId, label: row.job },
            detail: { lastError: row.last_error?.slice(0, 500) ?? null },
          },
        );
      });
      deps.notifyOutbox();
      return reply.status(202).send(null);
    },
  );

  app.delete(
    "/v1/admin/jobs/failed/:jobId",
    {
      onRequest: guard.superadmin,
      schema: {
        tags,
        summary: "Discard a failed job for good (superadmin)",
        ...adminCookie,
        params: JobParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const me = adminCaller(request);
      const { jobId } = request.params;
      await db.transaction(async (tx) => {
        const row = await failedJobIn(tx, jobId);
        if (!(await discardFailedOutboxRow(tx, jobId))) throw notFound("Failed job");
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          {
            action: "job.discard",
            target: { type: "job", id: jobId, label: row.job },
            detail: { lastError: row.last_error?.slice(0, 500) ?? null },
          },
        );
      });
      return reply.status(204).send(null);
    },
  );
}

/** The failed row, locked for the retry or discard in this transaction; 404 when it is not failed. */
async function failedJobIn(tx: Transaction, id: string) {
  const rows = await queryRows<{ job: string; last_error: string | null }>(
    tx,
    sql`SELECT job, last_error FROM outbox WHERE id = ${id}::uuid AND failed_at IS NOT NULL FOR UPDATE`,
  );
  if (!rows[0]) throw notFound("Failed job");
  return rows[0];
}
