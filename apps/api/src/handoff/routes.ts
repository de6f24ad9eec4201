import { join } from "node:path";
import multipart from "@fastify/multipart";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { handoffLinks } from "@honeydue/db";
import { and, eq } from "drizzle-orm";
import type { FastifyRequest } from "fastify";
import Type from "typebox";
import type { LoginThrottle } from "../accounts/throttle.ts";
import { hashToken } from "../accounts/tokens.ts";
import { checkFilename, tooLarge } from "../files/service.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { malformedMultipart } from "../http/bodies.ts";
import { HttpProblem, invalidField } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { NoContent } from "../http/schemas.ts";
import { requireMembership } from "../residences/access.ts";
import { requireTaskAccess } from "../tasks/access.ts";
import {
  acceptFile,
  createPendingFile,
  discard,
  spool,
  type UploadDeps,
  withScratch,
} from "../uploads/ingest.ts";
import {
  acceptHandoff,
  checkRoomFor,
  contractorView,
  createHandoffLink,
  linkForToken,
  recordContractorFile,
  rejectHandoff,
  requireLinkAccess,
  revokeHandoffLink,
  submitHandoff,
} from "./actions.ts";
import { findHandoffLink, loadHandoffLinks, stateCondition } from "./presenter.ts";
import {
  AcceptHandoffBody,
  ContractorFile,
  ContractorView,
  CreateHandoffBody,
  HANDOFF_DEFAULT_DAYS,
  HandoffAccepted,
  HandoffLink,
  HandoffLinkCreated,
  HandoffLinkList,
  HandoffLinkParams,
  HandoffListQuery,
  HandoffTokenParams,
  RejectHandoffBody,
  SubmitHandoffBody,
} from "./schemas.ts";

const tags = ["handoff"];
const TaskParams = Type.Object({ taskId: Type.String({ format: "uuid" }) });
const ResidenceParams = Type.Object({ residenceId: Type.String({ format: "uuid" }) });

/**
 * Contractor hand-off links (issue 18): members make, list, revoke and decide them with their bearer
 * token; the contractor's routes under /v1/handoff/{token} take no account at all, only the link's secret,
 * and reach nothing but that link's task.
 */
export function registerHandoffRoutes(
  app: App,
  deps: UploadDeps & { auth: AuthGuard; linkThrottle: LoginThrottle; publicWebUrl: string; now: () => Date },
) {
  const { db, auth } = deps;

  app.post(
    "/v1/tasks/:taskId/handoff-links",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Make a hand-off link for a contractor without an account",
        description:
          `The contractor sees only this task (title, notes; the address line when showAddress is true), sends an ` +
          `invoice and photos, and marks the work done; a member then accepts or rejects what they sent. The link ` +
          `expires after expiresInDays (default ${HANDOFF_DEFAULT_DAYS}); the token is shown only in this answer.`,
        params: TaskParams,
        body: CreateHandoffBody,
        response: { 201: HandoffLinkCreated, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { link, token } = await createHandoffLink(db, {
        taskId: request.params.taskId,
        userId: principal(request).userId,
        showAddress: body.showAddress ?? false,
        expiresInDays: body.expiresInDays ?? HANDOFF_DEFAULT_DAYS,
        contractorId: body.contractorId ?? null,
      });
      return reply.status(201).send({
        ...link,
        token,
        url: `${deps.publicWebUrl.replace(/\/$/, "")}/handoff/${token}`,
      });
    },
  );

  app.get(
    "/v1/tasks/:taskId/handoff-links",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "A task's hand-off links, newest first",
        params: TaskParams,
        response: { 200: HandoffLinkList, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      await requireTaskAccess(db, request.params.taskId, principal(request).userId, "viewer");
      return { items: await loadHandoffLinks(db, eq(handoffLinks.taskId, request.params.taskId)) };
    },
  );

  app.get(
    "/v1/residences/:residenceId/handoff-links",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "A residence's hand-off links (state=proposed: the submissions waiting for a decision)",
        params: ResidenceParams,
        querystring: HandoffListQuery,
        response: { 200: HandoffLinkList, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const { residenceId } = request.params;
      await requireMembership(db, residenceId, principal(request).userId, "viewer");
      const where = eq(handoffLinks.residenceId, residenceId);
      const state = request.query.state;
      return { items: await loadHandoffLinks(db, state ? and(where, stateCondition(state)) : where) };
    },
  );

  app.get(
    "/v1/handoff-links/:handoffLinkId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "One hand-off link and what the contractor sent through it",
        params: HandoffLinkParams,
        response: { 200: HandoffLink, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      await requireLinkAccess(db, request.params.handoffLinkId, principal(request).userId, "viewer");
      return (await findHandoffLink(db, request.params.handoffLinkId))!;
    },
  );

  app.delete(
    "/v1/handoff-links/:handoffLinkId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Revoke a hand-off link",
        description:
          "The contractor's page stops working at once (410). A submission already sent stays to be accepted or rejected.",
        params: HandoffLinkParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await revokeHandoffLink(db, request.params.handoffLinkId, principal(request).userId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/v1/handoff-links/:handoffLinkId/accept",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Accept what the contractor sent: it becomes a completion of the task",
        description:
          "The completion carries the photos, the amount as its cost, the contractor's note and the contractor " +
          "(the link's, the one named here, or a new contractor made from the name they entered); the invoice " +
          "becomes an invoice document of the task. 409 when nothing is waiting, or the task is closed or archived.",
        params: HandoffLinkParams,
        body: AcceptHandoffBody,
        response: { 200: HandoffAccepted, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const result = await acceptHandoff(
        db,
        request.params.handoffLinkId,
        principal(request).userId,
        request.body ?? {},
        deps.now(),
      );
      deps.notifyOutbox();
      return result;
    },
  );

  app.post(
    "/v1/handoff-links/:handoffLinkId/reject",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Reject what the contractor sent; its files are deleted",
        params: HandoffLinkParams,
        body: RejectHandoffBody,
        response: { 200: HandoffLink, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const link = await rejectHandoff(
        db,
        request.params.handoffLinkId,
        principal(request).userId,
        request.body?.reason,
      );
      deps.notifyOutbox();
      return link;
    },
  );

  // ---------------------------------------------------------------------------------------------------
  // The contractor's side: no account, the link's secret in the path is the only credential.

  /** Counts the request against the link's and the address's hourly budget before the link is looked up. */
  async function throttle(request: FastifyRequest, token: string) {
    const seconds = await deps.linkThrottle.attempt(hashToken(token).toString("hex"), request.ip);
    if (seconds > 0)
      throw new HttpProblem({
        status: 429,
        title: "Too many requests",
        detail: `Too many requests through this link; try again in ${Math.ceil(seconds / 60)} minutes`,
        headers: { "retry-after": String(seconds) },
      });
  }

  app.get(
    "/v1/handoff/:token",
    {
      schema: {
        tags,
        summary: "The contractor's page: the one task of a hand-off link",
        description:
          "No account: the link's secret is the credential. 404 for an unknown link, 410 once it expired or was " +
          "revoked, 429 past 100 requests an hour through one link (300 from one address).",
        params: HandoffTokenParams,
        response: { 200: ContractorView, ...problems(400, 404, 410, 429) },
      },
    },
    async (request, reply) => {
      await throttle(request, request.params.token);
      const link = await linkForToken(db, request.params.token, "view");
      reply.header("cache-control", "private, no-store");
      reply.header("referrer-policy", "no-referrer");
      return contractorView(db, link);
    },
  );

  app.post(
    "/v1/handoff/:token/submit",
    {
      schema: {
        tags,
        summary: "The contractor marks the work done",
        description:
          "What they enter (name, amount, note, the date of the work) and the files sent before become a " +
          "proposed completion that a member accepts or rejects. Once only: 409 afterwards.",
        params: HandoffTokenParams,
        body: SubmitHandoffBody,
        response: { 200: ContractorView, ...problems(400, 404, 409, 410, 429) },
      },
    },
    async (request, reply) => {
      await throttle(request, request.params.token);
      const view = await submitHandoff(db, request.params.token, request.body);
      deps.notifyOutbox();
      reply.header("cache-control", "private, no-store");
      return view;
    },
  );

  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(multipart, {
      preservePath: true,
      limits: {
        fileSize: deps.limits.uploadMaxBytes + 1,
        files: 1,
        fields: 5,
        fieldSize: 1024,
        parts: 6,
        headerPairs: 100,
      },
    });

    scope.post(
      "/v1/handoff/:token/files",
      {
        schema: {
          tags,
          summary: "The contractor sends an invoice or a photo",
          description:
            "multipart/form-data: the field `kind` (invoice or photo) BEFORE the part `file`. The file goes through " +
            "the same checks as every upload (judged by its bytes, size and pixel limits, photos stored without " +
            "metadata, the residence's quota). An invoice may be a PDF or an image; a second invoice replaces the " +
            "first; at most 20 photos.",
          params: HandoffTokenParams,
          consumes: ["multipart/form-data"],
          response: { 201: ContractorFile, ...problems(400, 404, 409, 410, 413, 415, 422, 429) },
        },
      },
      async (request, reply) => {
        await throttle(request, request.params.token);
        const link = await linkForToken(db, request.params.token, "write");
        if (!request.isMultipart())
          throw new HttpProblem({
            status: 415,
            title: "Unsupported media type",
            detail: "Send the file as multipart/form-data",
          });
        const fields: Record<string, string> = {};
        let sent:
          | { id: string; kind: "invoice" | "photo"; file: Awaited<ReturnType<typeof acceptFile>> }
          | undefined;
        try {
          for await (const part of request.parts()) {
            if (part.type === "field") {
              if (typeof part.value === "string") fields[part.fieldname] = part.value;
              continue;
            }
            if (part.fieldname !== "file" || sent) {
              part.file.resume();
              throw invalidField(part.fieldname, "only one file, in the part named 'file', is accepted");
            }
            const kind = fields.kind;
            if (kind !== "invoice" && kind !== "photo") {
              part.file.resume();
              throw invalidField("kind", "must be invoice or photo, sent before the file");
            }
            let originalName: string | null;
            try {
              originalName = checkFilename("file.filename", part.filename);
              await checkRoomFor(db, link.id, kind);
            } catch (error) {
              part.file.resume();
              throw error;
            }
            const file = await withScratch(async (dir) => {
              const path = join(dir, "upload");
              await spool(part.file, path, deps.limits.uploadMaxBytes);
              if (part.file.truncated) throw tooLarge(deps.limits.uploadMaxBytes);
              const pending = await createPendingFile(db, {
                purpose: kind === "invoice" ? "document" : "completion_photo",
                residenceId: link.residenceId,
                ownerId: null,
                contentType: "application/octet-stream",
                sizeBytes: 0,
                originalName,
              });
              return acceptFile(deps, pending, path, dir);
            });
            sent = { id: file.id, kind, file };
          }
        } catch (error) {
          throw malformedMultipart(error);
        }
        if (!sent) throw invalidField("file", "is required");
        try {
          await recordContractorFile(db, link, sent.id, sent.kind);
        } catch (error) {
          // The link was used up or withdrawn meanwhile: the checked file goes again.
          await discard(deps, sent.id);
          throw error;
        }
        return reply.status(201).send({
          id: sent.file.id,
          kind: sent.kind,
          contentType: sent.file.contentType,
          sizeBytes: sent.file.sizeBytes,
          filename: sent.file.originalName,
        });
      },
    );
  });
}
