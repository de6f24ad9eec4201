import type { Database } from "@honeydue/db";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { problems } from "../http/responses.ts";
import { Email, NoContent, Uuid } from "../http/schemas.ts";
import { requireMembership } from "../residences/access.ts";
import { loadResidence } from "../residences/presenter.ts";
import { ResidenceSchema } from "../residences/schemas.ts";
import {
  acceptHandover,
  declineHandover,
  handoversFor,
  listHandovers,
  offerHandover,
  revokeHandover,
} from "./actions.ts";
import { Handover, Keep } from "./schemas.ts";

const tags = ["handover"];

const HandoverList = Type.Object({ items: Type.Array(Handover) });
const OfferBody = Type.Object(
  {
    email: Email,
    keep: Type.Optional(Keep),
    message: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const ResidenceParams = Type.Object({ residenceId: Uuid });
const HandoverParams = Type.Object({ handoverId: Uuid });

/** Handing a home over to a new owner (issue 18). */
export function registerHandoverRoutes(
  app: App,
  deps: { db: Database; auth: AuthGuard; notifyOutbox: () => void },
) {
  const { db, auth } = deps;

  app.post(
    "/v1/residences/:residenceId/handovers",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Offer the residence to a new owner by email (owners with a verified email address)",
        description:
          "The new owner accepts it by signing in with that (verified) address: they become the only owner, with " +
          "the tasks, the log with its photos and costs, the documents and the warranties still in force, the " +
          "contractors and the appliances. Everyone of this household leaves; `keep` chooses what it keeps a copy " +
          "of. A new offer replaces the open one; an offer is open 30 days.",
        params: ResidenceParams,
        body: OfferBody,
        response: { 201: Handover, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { view } = await offerHandover(db, request.params.residenceId, principal(request), {
        email: request.body.email,
        keep: request.body.keep ?? [],
        ...(request.body.message ? { message: request.body.message } : {}),
      });
      deps.notifyOutbox();
      return reply.status(201).send(view);
    },
  );

  app.get(
    "/v1/residences/:residenceId/handovers",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "The residence's hand-over offers, newest first (owners)",
        params: ResidenceParams,
        response: { 200: HandoverList, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await requireMembership(db, request.params.residenceId, principal(request).userId, "owner");
      return { items: await listHandovers(db, request.params.residenceId) };
    },
  );

  app.delete(
    "/v1/residences/:residenceId/handovers/:handoverId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Withdraw an open hand-over offer (owners)",
        params: Type.Object({ residenceId: Uuid, handoverId: Uuid }),
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await revokeHandover(
        db,
        request.params.residenceId,
        principal(request).userId,
        request.params.handoverId,
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/v1/me/handovers",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Homes offered to me: open offers addressed to my verified email address",
        response: { 200: HandoverList, ...problems(401) },
      },
    },
    async (request) => ({ items: await handoversFor(db, principal(request)) }),
  );

  app.post(
    "/v1/handovers/:handoverId/accept",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Accept a home offered to me: I become its only owner",
        description:
          "Only the account whose verified email address the offer names; anyone else gets 404 (403 " +
          "`email-not-verified` before verifying).",
        params: HandoverParams,
        response: { 200: ResidenceSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const who = principal(request);
      const residenceId = await acceptHandover(db, request.params.handoverId, who);
      deps.notifyOutbox();
      return loadResidence(db, residenceId, who.userId);
    },
  );

  app.post(
    "/v1/handovers/:handoverId/decline",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Decline a home offered to me",
        params: HandoverParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await declineHandover(db, request.params.handoverId, principal(request));
      return reply.status(204).send(null);
    },
  );
}
