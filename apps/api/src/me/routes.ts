import Type from "typebox";
import type { AccountContext } from "../accounts/actions.ts";
import * as accountActions from "../accounts/actions.ts";
import { deviceOf } from "../accounts/device.ts";
import { TokenPair } from "../accounts/schemas.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { problems } from "../http/responses.ts";
import { NoContent } from "../http/schemas.ts";
import * as actions from "./actions.ts";
import { ChangePasswordBody, SessionList, SessionParams, UpdateMeBody } from "./schemas.ts";

const tags = ["me"];
const UserRef = Type.Ref("User");

/**
 * The signed-in user's own account: profile, password, sessions. (Data export and account deletion live
 * beside this in export.ts and delete.ts.)
 */
export function registerMeRoutes(app: App, deps: { ctx: AccountContext; auth: AuthGuard }) {
  const { ctx, auth } = deps;

  app.get(
    "/v1/me",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "The signed-in user's profile",
        ...bearer,
        response: { 200: UserRef, ...problems(401) },
      },
    },
    async (request) => actions.getMe(ctx, principal(request)),
  );

  app.patch(
    "/v1/me",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "Change the profile: name, timezone, locale, due-soon horizon, notification preferences",
        ...bearer,
        body: UpdateMeBody,
        response: { 200: UserRef, ...problems(400, 401, 413, 415) },
      },
    },
    async (request) => actions.updateMe(ctx, principal(request), request.body),
  );

  app.post(
    "/v1/me/password",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "Change the password",
        description:
          "Every session of the account is revoked — including this one — and this device gets a new " +
          "session: the answer is its new token pair (the old access and refresh tokens stop working). " +
          "A password-changed email is sent. A wrong current password answers 400 and counts as a failed " +
          "sign-in (429 with Retry-After past the limit).",
        ...bearer,
        body: ChangePasswordBody,
        response: { 200: TokenPair, ...problems(400, 401, 413, 415, 429) },
      },
    },
    async (request) =>
      accountActions.changePassword(ctx, principal(request), request.body, deviceOf(request)),
  );

  app.get(
    "/v1/me/sessions",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "The devices signed in to this account",
        ...bearer,
        response: { 200: SessionList, ...problems(401) },
      },
    },
    async (request) => actions.listSessions(ctx, principal(request)),
  );

  app.delete(
    "/v1/me/sessions/:sessionId",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "Sign out one device",
        description: "A session of another user, or one already ended, answers 404.",
        ...bearer,
        params: SessionParams,
        response: { 204: NoContent, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await actions.revokeSession(ctx, principal(request), request.params.sessionId);
      return reply.status(204).send(null);
    },
  );
}
