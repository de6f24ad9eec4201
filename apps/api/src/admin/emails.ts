import { type Database, emailMessages } from "@honeydue/db";
import { renderEmail, TEMPLATES } from "@honeydue/email";
import { EMAIL_SAMPLES } from "@honeydue/email/samples";
import { and, count, desc, eq, ilike, type SQL } from "drizzle-orm";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { Nullable, Timestamp, Uuid } from "../http/schemas.ts";
import { containsPattern } from "../search/text.ts";
import { AdminPage, PageQuery, pageOf, SearchText } from "./paging.ts";
import { type AdminGuard, adminCookie } from "./session.ts";

const tags = ["admin: emails"];
const STATUSES = ["sending", "sent", "failed", "skipped"] as const;

const EmailRecord = Type.Object({
  id: Uuid,
  to: Type.String(),
  userId: Nullable(Uuid),
  template: Type.String(),
  subject: Type.String(),
  status: Type.Enum([...STATUSES]),
  error: Nullable(Type.String()),
  createdAt: Timestamp,
  sentAt: Nullable(Timestamp),
});

export function registerAdminEmailRoutes(
  app: App,
  deps: { db: Database; guard: AdminGuard; publicWebUrl: string },
) {
  const { db, guard } = deps;

  app.get(
    "/v1/admin/emails",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "What was emailed to whom, with which template, its status and error (newest first), paged",
        ...adminCookie,
        querystring: Type.Object(
          {
            q: SearchText,
            status: Type.Optional(Type.Enum([...STATUSES])),
            template: Type.Optional(Type.String({ maxLength: 64 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: AdminPage(EmailRecord), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { q, status, template } = request.query;
      const { page, pageSize, offset } = pageOf(request.query);
      const conditions: SQL[] = [];
      if (q?.trim()) conditions.push(ilike(emailMessages.toAddress, containsPattern(q.trim())));
      if (status) conditions.push(eq(emailMessages.status, status));
      if (template) conditions.push(eq(emailMessages.template, template));
      const where = conditions.length ? and(...conditions) : undefined;
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(emailMessages)
          .where(where)
          .orderBy(desc(emailMessages.createdAt), desc(emailMessages.id))
          .limit(pageSize)
          .offset(offset),
        db.select({ n: count() }).from(emailMessages).where(where),
      ]);
      return {
        items: rows.map((m) => ({
          id: m.id,
          to: m.toAddress,
          userId: m.userId,
          template: m.template,
          subject: m.subject,
          status: m.status,
          error: m.error,
          createdAt: m.createdAt.toISOString(),
          sentAt: m.sentAt?.toISOString() ?? null,
        })),
        page,
        pageSize,
        total: total?.n ?? 0,
      };
    },
  );

  app.get(
    "/v1/admin/email-templates",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "The email templates, each previewable with sample data",
        ...adminCookie,
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({ name: Type.String() })) }),
          ...problems(401, 403),
        },
      },
    },
    async () => ({ items: Object.keys(TEMPLATES).map((name) => ({ name })) }),
  );

  app.get(
    "/v1/admin/email-templates/:name/preview",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "A template rendered with sample data: subject, HTML and plain text",
        ...adminCookie,
        params: Type.Object({ name: Type.String({ pattern: "^[a-z0-9-]{1,64}$" }) }),
        response: {
          200: Type.Object({
            name: Type.String(),
            subject: Type.String(),
            html: Type.String(),
            text: Type.String(),
          }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { name } = request.params;
      const sample = Object.hasOwn(TEMPLATES, name) ? EMAIL_SAMPLES[name] : undefined;
      if (!sample) throw notFound("Email template");
      const email = await renderEmail(name, sample, { publicWebUrl: deps.publicWebUrl });
      return { name, subject: email.subject, html: email.html, text: email.text };
    },
  );
}
