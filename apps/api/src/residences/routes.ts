import { activity, type Database, users } from "@honeydue/db";
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import Type from "typebox";
import { checkTimezone } from "../accounts/users.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { invalidField, notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { Cursor, decodeCursor, encodeCursor, Limit, NoContent, Page } from "../http/schemas.ts";
import { requireMembership } from "./access.ts";
import { changeRole, createResidence, deleteResidence, removeMember, updateResidence } from "./actions.ts";
import {
  activityColumns,
  byRoleThenName,
  findMember,
  listResidences,
  loadMembers,
  loadResidence,
  toActivity,
} from "./presenter.ts";
import {
  ActivitySchema,
  CreateResidenceBody,
  MemberParams,
  MemberSchema,
  ResidenceIdParams,
  ResidenceSchema,
  UpdateMemberBody,
  UpdateResidenceBody,
} from "./schemas.ts";

/** Residences, their members and their activity feed. Invites and share codes live in `invites/`. */
export function registerResidenceRoutes(app: App, deps: { db: Database; auth: AuthGuard }) {
  const { db, auth } = deps;
  const tags = ["residences"];

  app.get(
    "/v1/residences",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "List my residences, with my role in each",
        response: { 200: Type.Object({ items: Type.Array(ResidenceSchema) }), ...problems(401) },
      },
    },
    async (request) => ({ items: await listResidences(db, principal(request).userId) }),
  );

  app.post(
    "/v1/residences",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Create a residence; I become its owner. Its time zone defaults to mine",
        body: CreateResidenceBody,
        response: { 201: ResidenceSchema, ...problems(400, 401) },
      },
    },
    async (request, reply) => {
      const me = principal(request);
      if (request.body.timezone !== undefined) checkTimezone(request.body.timezone, "body.timezone");
      const residence = await createResidence(db, me, request.body);
      return reply.status(201).send(residence);
    },
  );

  app.get(
    "/v1/residences/:residenceId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "A residence I belong to",
        params: ResidenceIdParams,
        response: { 200: ResidenceSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => loadResidence(db, request.params.residenceId, principal(request).userId),
  );

  app.patch(
    "/v1/residences/:residenceId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Change a residence's details (owners)",
        description: "Send only the fields to change; null clears an optional field.",
        params: ResidenceIdParams,
        body: UpdateResidenceBody,
        response: { 200: ResidenceSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      if (request.body.timezone !== undefined) checkTimezone(request.body.timezone, "body.timezone");
      return updateResidence(db, request.params.residenceId, principal(request).userId, request.body);
    },
  );

  app.delete(
    "/v1/residences/:residenceId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Delete a residence with all its tasks, contractors and documents (owners)",
        params: ResidenceIdParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deleteResidence(db, request.params.residenceId, principal(request).userId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/v1/residences/:residenceId/members",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "The members of a residence and their roles",
        params: ResidenceIdParams,
        response: { 200: Type.Object({ items: Type.Array(MemberSchema) }), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const { residenceId } = request.params;
      await requireMembership(db, residenceId, principal(request).userId);
      const items = await loadMembers(db, [residenceId]);
      return { items: items.sort(byRoleThenName) };
    },
  );

  app.get(
    "/v1/residences/:residenceId/members/:userId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "One member of a residence and their role",
        params: MemberParams,
        response: { 200: MemberSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const { residenceId, userId } = request.params;
      await requireMembership(db, residenceId, principal(request).userId);
      const member = await findMember(db, residenceId, userId);
      if (!member) throw notFound("Member");
      return member;
    },
  );

  app.patch(
    "/v1/residences/:residenceId/members/:userId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Change a member's role (owners)",
        description: "The last owner cannot be demoted: 409 `last-owner`.",
        params: MemberParams,
        body: UpdateMemberBody,
        response: { 200: MemberSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { residenceId, userId } = request.params;
      await changeRole(db, residenceId, principal(request).userId, userId, request.body.role);
      const member = await findMember(db, residenceId, userId);
      if (!member) throw notFound("Member");
      return member;
    },
  );

  app.delete(
    "/v1/residences/:residenceId/members/:userId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Remove a member (owners), or leave (any member, with my own user id)",
        description:
          "The residence's last owner can neither be removed nor leave: 409 `last-owner`. Tasks assigned to " +
          "the person who goes become unassigned.",
        params: MemberParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { residenceId, userId } = request.params;
      await removeMember(db, residenceId, principal(request).userId, userId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/v1/residences/:residenceId/activity",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "The residence's activity feed, newest first",
        params: ResidenceIdParams,
        querystring: Type.Object({ cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) }),
        response: { 200: Page(ActivitySchema), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const { residenceId } = request.params;
      await requireMembership(db, residenceId, principal(request).userId);
      const limit = request.query.limit ?? 50;
      const after = decodeCursor(
        request.query.cursor,
        (v): v is { before: number } =>
          typeof v === "object" && v !== null && Number.isSafeInteger((v as { before: unknown }).before),
      );
      if (request.query.cursor !== undefined && !after)
        throw invalidField("query.cursor", "is not a valid cursor");
      // The page's ids come from the (residence_id, id DESC) index: limit + 1 entries, however large the
      // residence's share of the table. With a plain `residence_id = $1 ORDER BY id DESC LIMIT n` the planner
      // may walk the primary key backwards instead, reading most of the table for an old, busy residence;
      // `= ANY(ARRAY[$1])` with ORDER BY residence_id, id DESC is an order only that index provides.
      const pageIds = db
        .select({ id: activity.id })
        .from(activity)
        .where(
          and(
            sql`${activity.residenceId} = ANY(ARRAY[${residenceId}]::uuid[])`,
            after ? lt(activity.id, after.before) : undefined,
          ),
        )
        .orderBy(activity.residenceId, desc(activity.id))
        .limit(limit + 1);
      const rows = await db
        .select(activityColumns)
        .from(activity)
        .leftJoin(users, eq(users.id, activity.actorId))
        .where(inArray(activity.id, pageIds))
        .orderBy(desc(activity.id));
      const page = rows.slice(0, limit);
      return {
        items: page.map(toActivity),
        nextCursor: rows.length > limit ? encodeCursor({ before: page[page.length - 1]!.id }) : null,
      };
    },
  );
}
