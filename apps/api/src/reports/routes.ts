import { type Database, reportLinks, residences, users } from "@honeydue/db";
import { todayIn } from "@honeydue/domain";
import type { Logger } from "@honeydue/observability";
import type { Storage } from "@honeydue/storage";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { FastifyReply } from "fastify";
import Type from "typebox";
import type { LoginThrottle } from "../accounts/throttle.ts";
import { hashToken, randomToken, sameHash } from "../accounts/tokens.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { HttpProblem, notFound } from "../http/problem.ts";
import { binaryDownload, problems } from "../http/responses.ts";
import { NoContent, Uuid } from "../http/schemas.ts";
import { requireMembership } from "../residences/access.ts";
import { recordActivity } from "../residences/activity.ts";
import { loadHomeHistory, renderHomeHistory } from "./home-history.ts";
import { ReportLink, selectReportLinks, toReportLink } from "./presenter.ts";

const tags = ["reports"];
export const REPORT_LINK_DEFAULT_DAYS = 30;

const ReportLinkCreated = Type.Object({
  ...ReportLink.properties,
  token: Type.String({ description: "The link's secret: shown once, stored only as a hash" }),
  url: Type.String({ description: "Anyone with this URL reads the report until it expires or is revoked" }),
});
const ResidenceParams = Type.Object({ residenceId: Uuid });

/** The home history report (a PDF) for members, and revocable links that share it with anyone. */
export function registerReportRoutes(
  app: App,
  deps: {
    db: Database;
    auth: AuthGuard;
    storage: Storage;
    log: Logger;
    linkThrottle: LoginThrottle;
    publicApiUrl: string;
    now: () => Date;
  },
) {
  const { db, auth } = deps;

  async function sendReport(reply: FastifyReply, residenceId: string) {
    const history = await loadHomeHistory(db, residenceId);
    const pdf = await renderHomeHistory(history, {
      storage: deps.storage,
      log: deps.log,
      today: todayIn(history.home.timezone, deps.now()),
    });
    const name = `home-history-${
      history.home.name
        .replace(/[^A-Za-z0-9]+/g, "-")
        .replace(/^-|-$/g, "")
        .toLowerCase() || "residence"
    }.pdf`;
    return reply
      .header("content-type", "application/pdf")
      .header("content-disposition", `inline; filename="${name}"`)
      .header("cache-control", "private, no-store")
      .header("x-content-type-options", "nosniff")
      .send(pdf);
  }

  app.get(
    "/v1/residences/:residenceId/home-history.pdf",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "The home history report (PDF)",
        description:
          "The residence, every completion with its date, cost, contractor, notes and photo thumbnails, and the " +
          "warranties with their expiry: the maintenance record a buyer asks for. Rendered from the data as it is now.",
        params: ResidenceParams,
        response: { 200: binaryDownload("The report, application/pdf"), ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await requireMembership(db, request.params.residenceId, principal(request).userId, "viewer");
      return sendReport(reply, request.params.residenceId);
    },
  );

  app.post(
    "/v1/residences/:residenceId/report-links",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Share the home history report by a link (members)",
        description: `The link works without an account until it expires (expiresInDays, default ${REPORT_LINK_DEFAULT_DAYS}) or is revoked.`,
        params: ResidenceParams,
        body: Type.Object(
          {
            label: Type.Optional(
              Type.String({ maxLength: 200, description: "Who it is for, e.g. the buyer's agent" }),
            ),
            expiresInDays: Type.Optional(
              Type.Integer({ minimum: 1, maximum: 365, default: REPORT_LINK_DEFAULT_DAYS }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: ReportLinkCreated, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { userId } = principal(request);
      const { residenceId } = request.params;
      await requireMembership(db, residenceId, userId, "member");
      const token = randomToken();
      const row = await db.transaction(async (tx) => {
        const [link] = await tx
          .insert(reportLinks)
          .values({
            residenceId,
            tokenHash: hashToken(token),
            label: request.body.label?.trim() || null,
            createdBy: userId,
            expiresAt: new Date(
              Date.now() + (request.body.expiresInDays ?? REPORT_LINK_DEFAULT_DAYS) * 86_400_000,
            ),
          })
          .returning();
        await recordActivity(tx, {
          residenceId,
          actorId: userId,
          action: "report.shared",
          subjectType: "reportLink",
          subjectId: link!.id,
          data: { label: link!.label },
        });
        return link!;
      });
      const [creator] = await db.select({ name: users.name }).from(users).where(eq(users.id, userId));
      return reply.status(201).send({
        ...toReportLink({ ...row, creatorName: creator?.name ?? null }),
        token,
        url: `${deps.publicApiUrl.replace(/\/$/, "")}/v1/reports/${token}`,
      });
    },
  );

  app.get(
    "/v1/residences/:residenceId/report-links",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "The residence's shared report links, newest first",
        params: ResidenceParams,
        response: { 200: Type.Object({ items: Type.Array(ReportLink) }), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      await requireMembership(db, request.params.residenceId, principal(request).userId, "viewer");
      return { items: await selectReportLinks(db, eq(reportLinks.residenceId, request.params.residenceId)) };
    },
  );

  app.delete(
    "/v1/residences/:residenceId/report-links/:reportLinkId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Revoke a shared report link: it stops working at once",
        params: Type.Object({ residenceId: Uuid, reportLinkId: Uuid }),
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { userId } = principal(request);
      const { residenceId, reportLinkId } = request.params;
      await requireMembership(db, residenceId, userId, "member");
      await db.transaction(async (tx) => {
        const [row] = await tx
          .update(reportLinks)
          .set({ revokedAt: sql`coalesce(${reportLinks.revokedAt}, now())` })
          .where(and(eq(reportLinks.id, reportLinkId), eq(reportLinks.residenceId, residenceId)))
          .returning({ id: reportLinks.id });
        if (!row) throw notFound("Report link");
        await recordActivity(tx, {
          residenceId,
          actorId: userId,
          action: "report.revoked",
          subjectType: "reportLink",
          subjectId: reportLinkId,
        });
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/v1/reports/:token",
    {
      schema: {
        tags,
        summary: "A shared home history report (PDF), for anyone with the link",
        description: "404 for an unknown link, 410 once revoked or expired, 429 past 100 views an hour.",
        params: Type.Object({ token: Type.String({ minLength: 20, maxLength: 100 }) }),
        response: { 200: binaryDownload("The report, application/pdf"), ...problems(400, 404, 410, 429) },
      },
    },
    async (request, reply) => {
      const hash = hashToken(request.params.token);
      const seconds = await deps.linkThrottle.attempt(hash.toString("hex"), request.ip);
      if (seconds > 0)
        throw new HttpProblem({
          status: 429,
          title: "Too many requests",
          detail: `Too many requests through this link; try again in ${Math.ceil(seconds / 60)} minutes`,
          headers: { "retry-after": String(seconds) },
        });
      const [link] = await db
        .select({
          id: reportLinks.id,
          tokenHash: reportLinks.tokenHash,
          residenceId: reportLinks.residenceId,
          expiresAt: reportLinks.expiresAt,
          revokedAt: reportLinks.revokedAt,
        })
        .from(reportLinks)
        .innerJoin(residences, eq(residences.id, reportLinks.residenceId))
        .where(and(eq(reportLinks.tokenHash, hash)))
        .limit(1);
      if (!link || !sameHash(link.tokenHash, hash)) throw notFound("Report");
      if (link.revokedAt || link.expiresAt <= new Date())
        throw new HttpProblem({
          status: 410,
          type: "report-link-unavailable",
          title: "Gone",
          detail: link.revokedAt ? "This link was withdrawn" : "This link has expired",
        });
      await db
        .update(reportLinks)
        .set({ viewCount: sql`${reportLinks.viewCount} + 1`, lastViewedAt: new Date() })
        .where(and(eq(reportLinks.id, link.id), isNull(reportLinks.revokedAt)));
      reply.header("referrer-policy", "no-referrer");
      return sendReport(reply, link.residenceId);
    },
  );
}
