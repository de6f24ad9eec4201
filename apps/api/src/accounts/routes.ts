import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { ApiSettings, KeyRing } from "@honeydue/config";
import type { Database } from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, maybePrincipal, principal } from "../http/auth.ts";
import { problems } from "../http/responses.ts";
import { NoContent } from "../http/schemas.ts";
import { registerMeRoutes } from "../me/routes.ts";
import * as actions from "./actions.ts";
import { deviceOf } from "./device.ts";
import {
  Accepted,
  AuthResult,
  ForgotPasswordBody,
  LoginBody,
  RefreshBody,
  RegisterBody,
  ResetPasswordBody,
  TokenPair,
  User,
  VerifyEmailBody,
  VerifyEmailResult,
} from "./schemas.ts";
import type { LoginThrottle } from "./throttle.ts";

export interface AccountRouteDeps {
  db: Database;
  settings: ApiSettings;
  /** The password budget (app.ts builds it once; sign-in, password change and account deletion share it). */
  throttle: LoginThrottle;
  /** The guessable-code budget (app.ts builds it once; share-code joins share it). */
  codeThrottle: LoginThrottle;
  keys: KeyRing;
  log: Logger;
  /** Called after a commit that wrote email jobs. */
  notifyOutbox: () => void;
  auth: AuthGuard;
  /**
   * Where a password-reset request that failed after its 202 goes (no caller to tell): logged rate-limited
   * and counted, background_errors_total{source="password-reset-request"}.
   */
  resetErrors: (error: unknown) => void;
}

const tags = ["auth"];

/** /v1/auth/* (sign-up, sign-in, tokens, verification, password reset) and /v1/me/*. */
export function registerAccountRoutes(app: App, deps: AccountRouteDeps) {
  const ctx: actions.AccountContext = {
    db: deps.db,
    settings: deps.settings,
    keys: deps.keys,
    notifyOutbox: deps.notifyOutbox,
    log: deps.log,
    throttle: deps.throttle,
    codeThrottle: deps.codeThrottle,
  };
  app.addSchema(User);
  // The routes live in their own scope that accepts JSON bodies only: Fastify's default text/plain
  // parser would otherwise turn a wrong content type into a 400 instead of a 415.
  app.register(async (scope) => {
    scope.removeContentTypeParser(["text/plain"]);
    registerRoutes(scope.withTypeProvider<TypeBoxTypeProvider>(), ctx, deps.auth, deps.resetErrors);
  });
}

function registerRoutes(
  app: App,
  ctx: actions.AccountContext,
  auth: AuthGuard,
  resetErrors: AccountRouteDeps["resetErrors"],
) {
  const registerAnswer = {
    status: "accepted",
    message: "Check your email: follow the link we sent to finish signing up, then sign in",
  } as const;
  app.post(
    "/v1/auth/register",
    {
      schema: {
        tags,
        summary: "Sign up",
        description:
          "Always answers 202 with the same body, whether or not the address (compared case-insensitively) " +
          "already has an account, and never with tokens. A new address gets an account and a verification " +
          "email (link + 6-digit code); its owner signs in after verifying. An address that has an account " +
          "gets an email telling its owner that someone tried to sign up with it (at most 3 an hour), and " +
          "nothing else changes. Invalid input (a common password, an unknown time zone) answers 400 alike.",
        body: RegisterBody,
        response: { 202: Accepted, ...problems(400, 413, 415) },
      },
    },
    async (request, reply) => {
      await actions.register(ctx, request.body);
      return reply.status(202).send(registerAnswer);
    },
  );

  app.post(
    "/v1/auth/login",
    {
      schema: {
        tags,
        summary: "Sign in",
        description:
          "Starts a session for this device. A wrong email or password answers 401 without saying which. " +
          "Failed sign-ins are limited per account and per IP address: past the limit, 429 with Retry-After. " +
          "The right password of an address that is not verified yet answers 403 `email-not-verified` (and a " +
          "new verification email is sent, within the resend limits).",
        body: LoginBody,
        response: { 200: AuthResult, ...problems(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request) => actions.login(ctx, request.body, deviceOf(request, request.body.deviceName)),
  );

  app.post(
    "/v1/auth/refresh",
    {
      schema: {
        tags,
        summary: "Exchange a refresh token for a new token pair",
        description:
          "Refresh tokens are single use: each call returns a new one. Presenting a refresh token that was " +
          "already used revokes the whole session (all of its tokens) and answers 401.",
        body: RefreshBody,
        response: { 200: TokenPair, ...problems(400, 401, 413, 415) },
      },
    },
    async (request) => actions.refresh(ctx, request.body.refreshToken, deviceOf(request)),
  );

  app.post(
    "/v1/auth/logout",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "Sign out this device",
        description: "Revokes the session of the access token: its refresh token stops working at once.",
        ...bearer,
        response: { 204: NoContent, ...problems(401) },
      },
    },
    async (request, reply) => {
      await actions.logout(ctx, principal(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/v1/auth/verify-email",
    {
      onRequest: auth.optional,
      schema: {
        tags,
        summary: "Verify the email address",
        description:
          "Public with `{token}` (from the emailed link) or `{email, code}` (the 6-digit code from the " +
          "email), or with a bearer token and `{code}`. A code can be entered wrongly 5 times; then a new " +
          "email is needed. The public code form answers every failure with the same 400 `invalid-code`, " +
          "whether or not the address exists. Verifying an already verified address signed in answers 200.",
        security: [{}, { bearerAuth: [] }],
        body: VerifyEmailBody,
        response: { 200: VerifyEmailResult, ...problems(400, 413, 415, 429) },
      },
    },
    async (request) => actions.verifyEmail(ctx, request.body, maybePrincipal(request), request.ip),
  );

  app.post(
    "/v1/auth/resend-verification",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "Send the verification email again",
        description:
          "Sends a new link and code (the previous ones stop working). At most one a minute and five an " +
          "hour (429 with Retry-After). An address that is already verified answers 409.",
        ...bearer,
        response: { 202: Accepted, ...problems(401, 409, 429) },
      },
    },
    async (request, reply) => {
      await actions.resendVerification(ctx, principal(request));
      return reply
        .status(202)
        .send({ status: "accepted", message: "A new verification email is on its way" });
    },
  );

  const forgotAnswer = {
    status: "accepted",
    message: "If an account exists for this address, an email with a reset link is on its way",
  } as const;
  // Reset requests are handled after the answer is sent, so its timing says nothing about the address.
  // Shutdown waits for the ones still running before the database closes.
  const resetRequests = new Set<Promise<void>>();
  app.addHook("onClose", async () => {
    await Promise.allSettled([...resetRequests]);
  });
  app.post(
    "/v1/auth/forgot-password",
    {
      schema: {
        tags,
        summary: "Email a password reset link",
        description:
          "Always answers 202 with the same body and in the same time, whether or not the address has an " +
          "account (the request is processed after the answer). The emailed link is single use and " +
          "expires after one hour. At most 5 reset emails per address and hour.",
        body: ForgotPasswordBody,
        response: { 202: Accepted, ...problems(400, 413, 415) },
      },
    },
    async (request, reply) => {
      const work = actions
        .forgotPassword(ctx, request.body)
        .catch(resetErrors)
        .finally(() => resetRequests.delete(work));
      resetRequests.add(work);
      return reply.status(202).send(forgotAnswer);
    },
  );

  app.post(
    "/v1/auth/reset-password",
    {
      schema: {
        tags,
        summary: "Set a new password with the emailed reset token",
        description:
          "Signs out every session of the account and emails a notice of the change. An invalid, used or " +
          "expired token answers 400 (`invalid-token`).",
        body: ResetPasswordBody,
        response: { 204: NoContent, ...problems(400, 413, 415) },
      },
    },
    async (request, reply) => {
      await actions.resetPassword(ctx, request.body);
      return reply.status(204).send(null);
    },
  );

  registerMeRoutes(app, { ctx, auth });
}
