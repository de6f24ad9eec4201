import { completions, contractors, type Database, tasks } from "@honeydue/db";
import { and, asc, desc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { invalidField, notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { decodeCursor, encodeCursor, NoContent } from "../http/schemas.ts";
import { requireMembership } from "../residences/access.ts";
import { recordActivity } from "../residences/activity.ts";
import { containsPattern } from "../search/text.ts";
import { columns, loadContractor, toContractor } from "./presenter.ts";
import {
  Contractor,
  ContractorBody,
  ContractorDetail,
  ContractorJobs,
  ContractorListQuery,
  ContractorPage,
  ContractorParams,
  ContractorPatch,
  ResidenceParams,
} from "./schemas.ts";

/**
 * A website as typed by a person: "acme.example" becomes "https://acme.example"; anything that is not an
 * http(s) URL with a dotted host (javascript:, mailto:, spaces) is a 400.
 */
export function normalizeWebsite(field: string, value: string | null | undefined) {
  if (value === undefined || value === null) return value;
  const trimmed = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalidField(field, "must be an http(s) URL");
  }
  if (
    (url.protocol !== "http:" && url.protocol !== "https:") ||
    !/^[^.\s]+(\.[^.\s]+)+$/.test(url.hostname) ||
    /\s/.test(trimmed) ||
    url.username ||
    url.password
  ) {
    throw invalidField(field, "must be an http(s) URL");
  }
  return url.toString();
}

const trimOrNull = (v: string | null | undefined) => {
  if (v === undefined || v === null) return v;
  const t = v.trim();
  return t === "" ? null : t;
};

interface NameCursor {
  n: string;
  i: string;
}
const isNameCursor = (v: unknown): v is NameCursor =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as NameCursor).n === "string" &&
  typeof (v as NameCursor).i === "string" &&
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test((v as NameCursor).i);

async function contractorJobs(db: Database, contractor: { id: string; residenceId: string }) {
  const where = and(
    eq(completions.contractorId, contractor.id),
    eq(completions.residenceId, contractor.residenceId),
  );
  const [jobs, [totals]] = await Promise.all([
    db
      .select({
        completionId: completions.id,
        taskId: completions.taskId,
        taskTitle: tasks.title,
        completedOn: completions.completedOn,
        costCents: completions.costCents,
        notes: completions.notes,
      })
      .from(completions)
      .innerJoin(tasks, eq(tasks.id, completions.taskId))
      .where(where)
      .orderBy(desc(completions.completedOn), desc(completions.createdAt))
      .limit(100),
    db
      .select({
        jobCount: sql<number>`count(*)::int`,
        totalCostCents: sql<number>`coalesce(sum(${completions.costCents}), 0)::bigint`,
      })
      .from(completions)
      .where(where),
  ]);
  return {
    jobs,
    jobCount: Number(totals?.jobCount ?? 0),
    totalCostCents: Number(totals?.totalCostCents ?? 0),
  };
}

export function registerContractorRoutes(
  app: App,
  deps: Pick<ApiDeps, "db" | "notifyOutbox"> & { auth: AuthGuard },
) {
  const { db, auth } = deps;
  const tags = ["contractors"];

  app.get(
    "/v1/residences/:residenceId/contractors",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "List a residence's contractors by name (filter by trade, favourite, text)",
        params: ResidenceParams,
        querystring: ContractorListQuery,
        response: { 200: ContractorPage, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      const { residenceId } = request.params;
      const query = request.query;
      await requireMembership(db, residenceId, me.userId, "viewer");
      const limit = query.limit ?? 50;
      const cursor = decodeCursor(query.cursor, isNameCursor);
      if (query.cursor !== undefined && !cursor) throw invalidField("query.cursor", "is not a valid cursor");
      const conditions: (SQL | undefined)[] = [eq(contractors.residenceId, residenceId)];
      if (query.trade) conditions.push(sql`${contractors.trades} @> ARRAY[${query.trade}]::text[]`);
      if (query.favorite !== undefined) conditions.push(eq(contractors.favorite, query.favorite));
      if (query.q) {
        const pattern = containsPattern(query.q.trim());
        conditions.push(
          or(
            ilike(contractors.name, pattern),
            ilike(contractors.company, pattern),
            ilike(contractors.email, pattern),
            ilike(contractors.notes, pattern),
          ),
        );
      }
      if (cursor) conditions.push(sql`(${contractors.name}, ${contractors.id}) > (${cursor.n}, ${cursor.i})`);
      const rows = await db
        .select(columns)
        .from(contractors)
        .where(and(...conditions))
        .orderBy(asc(contractors.name), asc(contractors.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toContractor),
        nextCursor: rows.length > limit && last ? encodeCursor({ n: last.name, i: last.id }) : null,
      };
    },
  );

  app.post(
    "/v1/residences/:residenceId/contractors",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Add a contractor to a residence (members and owners)",
        params: ResidenceParams,
        body: ContractorBody,
        response: { 201: Contractor, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const me = principal(request);
      const { residenceId } = request.params;
      const body = request.body;
      const name = body.name.trim();
      if (!name) throw invalidField("body.name", "must not be blank");
      const website = normalizeWebsite("body.website", body.website);
      const row = await db.transaction(async (tx) => {
        await requireMembership(tx, residenceId, me.userId, "member");
        const [created] = await tx
          .insert(contractors)
          .values({
            residenceId,
            name,
            company: trimOrNull(body.company) ?? null,
            trades: body.trades ?? [],
            phone: trimOrNull(body.phone) ?? null,
            email: trimOrNull(body.email) ?? null,
            website: website ?? null,
            notes: body.notes ?? null,
            rating: body.rating ?? null,
            favorite: body.favorite ?? false,
            createdBy: me.userId,
          })
          .returning(columns);
        await recordActivity(tx, {
          residenceId,
          actorId: me.userId,
          action: "contractor.created",
          subjectType: "contractor",
          subjectId: created!.id,
          data: { name },
        });
        return created!;
      });
      deps.notifyOutbox();
      return reply.status(201).send(toContractor(row));
    },
  );

  app.get(
    "/v1/contractors/:contractorId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "A contractor with the jobs done for this residence and what they cost",
        params: ContractorParams,
        response: { 200: ContractorDetail, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      const row = await loadContractor(db, request.params.contractorId, me.userId, "viewer");
      const jobs = await contractorJobs(db, row);
      return { ...toContractor(row), ...jobs };
    },
  );

  app.get(
    "/v1/contractors/:contractorId/jobs",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary:
          "The jobs a contractor did for this residence (completions naming them), with the total cost",
        params: ContractorParams,
        response: { 200: ContractorJobs, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      const row = await loadContractor(db, request.params.contractorId, me.userId, "viewer");
      const { jobs, ...totals } = await contractorJobs(db, row);
      return { items: jobs, ...totals };
    },
  );

  app.patch(
    "/v1/contractors/:contractorId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Change a contractor (members and owners); null clears a field",
        params: ContractorParams,
        body: ContractorPatch,
        response: { 200: ContractorDetail, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      const body = request.body;
      const changes: Partial<typeof contractors.$inferInsert> = {};
      if (body.name !== undefined) {
        const name = body.name.trim();
        if (!name) throw invalidField("body.name", "must not be blank");
        changes.name = name;
      }
      if (body.company !== undefined) changes.company = trimOrNull(body.company);
      if (body.trades !== undefined) changes.trades = body.trades;
      if (body.phone !== undefined) changes.phone = trimOrNull(body.phone);
      if (body.email !== undefined) changes.email = trimOrNull(body.email);
      if (body.website !== undefined) changes.website = normalizeWebsite("body.website", body.website);
      if (body.notes !== undefined) changes.notes = body.notes;
      if (body.rating !== undefined) changes.rating = body.rating;
      if (body.favorite !== undefined) changes.favorite = body.favorite;
      const row = await db.transaction(async (tx) => {
        const current = await loadContractor(tx, request.params.contractorId, me.userId, "member");
        const fields = Object.keys(changes);
        if (fields.length === 0) return current;
        const [updated] = await tx
          .update(contractors)
          .set({ ...changes, updatedAt: new Date() })
          .where(eq(contractors.id, current.id))
          .returning(columns);
        if (!updated) throw notFound("Contractor");
        await recordActivity(tx, {
          residenceId: current.residenceId,
          actorId: me.userId,
          action: "contractor.updated",
          subjectType: "contractor",
          subjectId: current.id,
          data: { name: updated.name, fields },
        });
        return updated;
      });
      deps.notifyOutbox();
      const jobs = await contractorJobs(db, row);
      return { ...toContractor(row), ...jobs };
    },
  );

  app.delete(
    "/v1/contractors/:contractorId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary:
          "Delete a contractor (members and owners). Tasks, completions and documents keep their history without the link.",
        params: ContractorParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const me = principal(request);
      await db.transaction(async (tx) => {
        const current = await loadContractor(tx, request.params.contractorId, me.userId, "member");
        const deleted = await tx
          .delete(contractors)
          .where(eq(contractors.id, current.id))
          .returning({ id: contractors.id });
        if (deleted.length === 0) throw notFound("Contractor");
        await recordActivity(tx, {
          residenceId: current.residenceId,
          actorId: me.userId,
          action: "contractor.deleted",
          subjectType: "contractor",
          subjectId: current.id,
          data: { name: current.name },
        });
      });
      deps.notifyOutbox();
      return reply.status(204).send(null);
    },
  );
}
