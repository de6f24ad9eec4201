import type { Database } from "@honeydue/db";
import Type from "typebox";
import type { LoginThrottle } from "../accounts/throttle.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { HttpProblem } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { NoContent } from "../http/schemas.ts";
import { requireMembership } from "../residences/access.ts";
import { ResidenceIdParams, ResidenceSchema } from "../residences/schemas.ts";
import {
  acceptInvite,
  createInvite,
  createShareCode,
  joinWithShareCode,
  listInvites,
  listShareCodes,
  previewInvite,
  revokeInvite,
  revokeShareCodes,
} from "./actions.ts";
import {
  CreateInviteBody,
  CreateShareCodeBody,
  InviteParams,
  InvitePreviewSchema,
  InviteSchema,
  InviteTokenParams,
  ShareCodeParams,
  ShareCodeSchema,
} from "./schemas.ts";

/** Joining a residence: email invites (single-use link, 7 days) and share codes (48 hours). */
export function registerInviteRoutes(
  app: App,
  deps: {
    db: Database;
    auth: AuthGuard;
    notifyOutbox: () => void;
    /** The guessable-code budget (accounts/throttle.ts), shared with email verification codes. */
    codeThrottle: LoginThrottle;
  },
) {
  const { db, auth } = deps;
  const tags = ["invites"];
  // Share codes are short enough to guess at scale: every attempt is counted before the code is looked
  // up (shared through Redis when there is one) and a caller who keeps guessing is held off for the hour.
  const codes = deps.codeThrottle;

  app.post(
    "/v1/residences/:residenceId/invites",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Invite someone by email (owners with a verified email address)",
        description:
          "Emails a single-use link valid for 7 days. Inviting an address with a pending invite replaces it. " +
          "403 `email-not-verified` until the inviter has verified their address; 409 when the address " +
          "belongs to a member already; 429 after 20 invitations from the residence in 24 hours.",
        params: ResidenceIdParams,
        body: CreateInviteBody,
        response: { 201: InviteSchema, ...problems(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const invite = await createInvite(db, request.params.residenceId, principal(request), {
        email: request.body.email,
        role: request.body.role ?? "member",
      });
      deps.notifyOutbox();
      return reply.status(201).send(invite);
    },
  );

  app.get(
    "/v1/residences/:residenceId/invites",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Pending invites of a residence",
        params: ResidenceIdParams,
        response: { 200: Type.Object({ items: Type.Array(InviteSchema) }), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      await requireMembership(db, request.params.residenceId, principal(request).userId);
      return { items: await listInvites(db, request.params.residenceId) };
    },
  );

  app.delete(
    "/v1/residences/:residenceId/invites/:inviteId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Withdraw a pending invite (owners)",
        params: InviteParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await revokeInvite(db, request.params.residenceId, principal(request).userId, request.params.inviteId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/v1/invites/:token",
    {
      schema: {
        tags,
        summary: "What an invitation link is for (public: the link's token is the credential)",
        description: "404 for an unknown token; 410 `invite-unavailable` when used, withdrawn or expired.",
        params: InviteTokenParams,
        response: { 200: InvitePreviewSchema, ...problems(400, 404, 410) },
      },
    },
    async (request) => previewInvite(db, request.params.token),
  );

  app.post(
    "/v1/invites/:token/accept",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Accept an invitation and join the residence",
        description:
          "Any signed-in user holding the link may accept it, whatever their account's email address: the " +
          "single-use link is the credential. 404 for an unknown token; 410 `invite-unavailable` when used, " +
          "withdrawn or expired; 409 when already a member.",
        params: InviteTokenParams,
        response: { 200: ResidenceSchema, ...problems(400, 401, 404, 409, 410) },
      },
    },
    async (request) => {
      const residence = await acceptInvite(db, request.params.token, principal(request).userId);
      deps.notifyOutbox();
      return residence;
    },
  );

  app.post(
    "/v1/residences/:residenceId/share-code",
    {
      onRequest: auth.required,
      // The body is optional: no body means the defaults.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        ...bearer,
        tags,
        summary: "Create a share code (owners): anyone who has it can join for 48 hours",
        description: "Replaces the residence's earlier code for the same role. Role `member` unless given.",
        params: ResidenceIdParams,
        body: CreateShareCodeBody,
        response: { 201: ShareCodeSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const role = request.body?.role ?? "member";
      const code = await createShareCode(db, request.params.residenceId, principal(request).userId, role);
      return reply.status(201).send(code);
    },
  );

  app.get(
    "/v1/residences/:residenceId/share-code",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "The residence's share codes that work now (owners)",
        description:
          "Codes neither turned off nor expired, newest first: at most one per role (a new code replaces the " +
          "earlier one for its role). Empty when none works. Members and viewers get 403: a code is a credential.",
        params: ResidenceIdParams,
        response: {
          200: Type.Object({ items: Type.Array(ShareCodeSchema) }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({
      items: await listShareCodes(db, request.params.residenceId, principal(request).userId),
    }),
  );

  app.delete(
    "/v1/residences/:residenceId/share-code",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Revoke the residence's share codes (owners)",
        params: ResidenceIdParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await revokeShareCodes(db, request.params.residenceId, principal(request).userId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/v1/share-codes/:code/join",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Join a residence with a share code",
        description:
          "Case, spaces and dashes in the code do not matter. Unknown, expired and revoked codes all answer " +
          "404; 409 when already a member. After 10 wrong codes in an hour (per user; 50 per client IP) " +
          "joins answer 429 with `Retry-After` until the hour is over.",
        params: ShareCodeParams,
        response: { 200: ResidenceSchema, ...problems(400, 401, 404, 409, 429) },
      },
    },
    async (request) => {
      const { userId } = principal(request);
      const seconds = await codes.attempt(userId, request.ip);
      if (seconds > 0) {
        throw new HttpProblem({
          status: 429,
          title: "Too many requests",
          detail: `Too many wrong share codes; try again in ${Math.ceil(seconds / 60)} minutes`,
          headers: { "retry-after": String(seconds) },
        });
      }
      try {
        const joined = await joinWithShareCode(db, request.params.code, userId);
        await codes.recordSuccess(userId, request.ip);
        return joined;
      } catch (error) {
        // A right code for a residence one already belongs to (409) is not a guess.
        if (error instanceof HttpProblem && error.status === 409)
          await codes.recordSuccess(userId, request.ip);
        throw error;
      }
    },
  );
}
