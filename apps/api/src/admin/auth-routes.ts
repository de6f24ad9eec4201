import type { KeyRing } from "@honeydue/config";
import { adminUsers, type Database } from "@honeydue/db";
import { eq, sql } from "drizzle-orm";
import type { Redis } from "ioredis";
import Type from "typebox";
import { tooManyRequests } from "../accounts/actions.ts";
import { deviceOf } from "../accounts/device.ts";
import {
  burnPasswordCheck,
  checkPasswordPolicy,
  hashPassword,
  verifyPassword,
} from "../accounts/passwords.ts";
import { NewPassword } from "../accounts/schemas.ts";
import {
  createLoginThrottle,
  createMemoryCounter,
  createRedisCounter,
  type FallbackReporter,
  type LoginThrottle,
} from "../accounts/throttle.ts";
import type { App } from "../http/app-type.ts";
import { conflict, HttpProblem, notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { Email, NoContent } from "../http/schemas.ts";
import { Admin, toAdmin } from "./accounts.ts";
import { audit } from "./audit.ts";
import {
  type AdminGuard,
  type AdminSessionSettings,
  adminCaller,
  adminCookie,
  clearSessionCookie,
  csrfTokenFor,
  revokeAdminSessions,
  setSessionCookie,
  startAdminSession,
} from "./session.ts";
import {
  acceptTotp,
  enrolment,
  issueRecoveryCodes,
  looksLikeRecoveryCode,
  newTotpSecret,
  useRecoveryCode,
} from "./totp.ts";

export interface AdminAuthDeps {
  db: Database;
  redis: Redis | undefined;
  fallback: FallbackReporter;
  guard: AdminGuard;
  keys: Pick<KeyRing, "admin-csrf" | "admin-recovery-code">;
  settings: AdminSessionSettings & { signInFailuresPerHour: number };
}

const tags = ["admin: session"];

/** Who is signed in, the CSRF token for state changes, and what setup is still to do. */
const AdminSession = Type.Object({
  admin: Admin,
  csrfToken: Type.String({ description: "Send as X-CSRF-Token on every state-changing admin request" }),
  setup: Type.Object({
    changePassword: Type.Boolean({ description: "The password is a one-time password: choose a new one" }),
    enrolTotp: Type.Boolean({ description: "No authenticator app enrolled yet" }),
  }),
});

const Code = Type.String({
  minLength: 6,
  maxLength: 16,
  description: "The 6-digit code of the authenticator app, or an unused recovery code",
});

const wrongCredentials = () =>
  new HttpProblem({
    status: 401,
    type: "admin-sign-in-failed",
    title: "Sign-in failed",
    detail: "The email address, password or code is not correct",
  });

function adminThrottle(deps: AdminAuthDeps): LoginThrottle {
  const windowMs = 3600_000;
  return createLoginThrottle({
    counter: deps.redis
      ? createRedisCounter(deps.redis, windowMs, "honeydue:admin-throttle:", deps.fallback)
      : createMemoryCounter(windowMs),
    perAccountPerHour: deps.settings.signInFailuresPerHour,
    perIpPerHour: deps.settings.signInFailuresPerHour * 5,
  });
}

export function registerAdminAuthRoutes(app: App, deps: AdminAuthDeps) {
  const { db, guard } = deps;
  const recoveryKeys = deps.keys["admin-recovery-code"];
  const throttle = adminThrottle(deps);

  const sessionView = async (adminId: string, sessionId: string) => {
    const [row] = await db.select().from(adminUsers).where(eq(adminUsers.id, adminId)).limit(1);
    if (!row) throw notFound("Admin");
    return {
      admin: toAdmin(row),
      csrfToken: csrfTokenFor(deps.keys["admin-csrf"], sessionId),
      setup: { changePassword: row.mustChangePassword, enrolTotp: row.totpEnabledAt === null },
    };
  };

  app.post(
    "/v1/admin/auth/sign-in",
    {
      schema: {
        tags,
        summary:
          "Sign in to the admin panel with email, password and (once enrolled) a TOTP or recovery code",
        description:
          "Sets the `__Host-honeydue-admin` session cookie. An admin without an authenticator app yet (first " +
          "sign-in) gets a session that can only change the password and enrol one. Failed sign-ins are " +
          "throttled per account and per address (429 with Retry-After) and audited.",
        body: Type.Object(
          {
            email: Email,
            password: Type.String({ minLength: 1, maxLength: 1024 }),
            code: Type.Optional(Code),
          },
          { additionalProperties: false },
        ),
        response: { 200: AdminSession, ...problems(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { email, password, code } = request.body;
      const device = deviceOf(request);
      // Counted before anything is checked (consume before verify: see LoginThrottle).
      const wait = await throttle.attempt(email, device.ip);
      if (wait > 0) {
        await audit(db, request, { adminId: null, email }, { action: "admin.sign-in.throttled" });
        throw tooManyRequests("Too many failed sign-ins; try again later", wait);
      }
      const [admin] = await db
        .select()
        .from(adminUsers)
        .where(sql`lower(${adminUsers.email}) = lower(${email})`)
        .limit(1);
      const fail = async (reason: string) => {
        await audit(
          db,
          request,
          { adminId: admin?.id ?? null, email },
          { action: "admin.sign-in.failed", detail: { reason } },
        );
        return wrongCredentials();
      };
      if (!admin) {
        await burnPasswordCheck(password);
        throw await fail("unknown email");
      }
      if (!(await verifyPassword(password, admin.passwordHash))) throw await fail("wrong password");
      if (admin.disabledAt) throw await fail("admin disabled");
      let usedRecoveryCode = false;
      if (admin.totpEnabledAt) {
        if (!code) {
          throw new HttpProblem({
            status: 401,
            type: "admin-code-required",
            title: "Code required",
            detail: "Enter the 6-digit code of your authenticator app (or a recovery code)",
          });
        }
        if (/^\d{6}$/.test(code.trim())) {
          if (!(await acceptTotp(db, admin, code.trim()))) throw await fail("wrong code");
        } else if (looksLikeRecoveryCode(code) && (await useRecoveryCode(db, recoveryKeys, admin.id, code))) {
          usedRecoveryCode = true;
        } else {
          throw await fail("wrong code");
        }
      }
      await throttle.recordSuccess(email, device.ip);
      const session = await startAdminSession(db, deps.settings, admin, device);
      await db.update(adminUsers).set({ lastSignInAt: new Date() }).where(eq(adminUsers.id, admin.id));
      await audit(
        db,
        request,
        { adminId: admin.id, email: admin.email },
        { action: "admin.sign-in", detail: usedRecoveryCode ? { recoveryCode: true } : {} },
      );
      setSessionCookie(reply, session.token, deps.settings.sessionMaxMs);
      return sessionView(admin.id, session.sessionId);
    },
  );

  app.post(
    "/v1/admin/auth/sign-out",
    {
      onRequest: guard.setup,
      schema: {
        tags,
        summary: "Sign out (ends this session)",
        ...adminCookie,
        response: { 204: NoContent, ...problems(401, 403) },
      },
    },
    async (request, reply) => {
      const me = adminCaller(request);
      await db.execute(sql`UPDATE admin_sessions SET revoked_at = now() WHERE id = ${me.sessionId}`);
      await audit(db, request, { adminId: me.adminId, email: me.email }, { action: "admin.sign-out" });
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/v1/admin/me",
    {
      onRequest: guard.setup,
      schema: {
        tags,
        summary: "The signed-in admin, the CSRF token and the setup still to do",
        ...adminCookie,
        response: { 200: AdminSession, ...problems(401) },
      },
    },
    async (request) => {
      const me = adminCaller(request);
      return sessionView(me.adminId, me.sessionId);
    },
  );

  app.post(
    "/v1/admin/me/password",
    {
      onRequest: guard.setup,
      schema: {
        tags,
        summary: "Change my admin password (ends my other sessions)",
        ...adminCookie,
        body: Type.Object(
          { currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), password: NewPassword },
          { additionalProperties: false },
        ),
        response: { 200: AdminSession, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const me = adminCaller(request);
      const [row] = await db.select().from(adminUsers).where(eq(adminUsers.id, me.adminId)).limit(1);
      if (!row || !(await verifyPassword(request.body.currentPassword, row.passwordHash))) {
        throw new HttpProblem({
          status: 403,
          type: "wrong-password",
          title: "Wrong password",
          detail: "The current password is not correct",
        });
      }
      checkPasswordPolicy(request.body.password, "body.password");
      if (request.body.password === request.body.currentPassword)
        throw conflict("The new password must differ from the current one");
      const passwordHash = await hashPassword(request.body.password);
      await db.transaction(async (tx) => {
        await tx
          .update(adminUsers)
          .set({ passwordHash, mustChangePassword: false, updatedAt: new Date() })
          .where(eq(adminUsers.id, me.adminId));
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          { action: "admin.password.change" },
        );
      });
      await revokeAdminSessions(db, me.adminId, me.sessionId);
      return sessionView(me.adminId, me.sessionId);
    },
  );

  app.post(
    "/v1/admin/me/totp",
    {
      onRequest: guard.setup,
      schema: {
        tags,
        summary: "Start enrolling an authenticator app: a new secret, its otpauth URI and a QR code",
        description: "Confirm with POST /v1/admin/me/totp/confirm. Refused once an app is enrolled.",
        ...adminCookie,
        response: {
          200: Type.Object({ secret: Type.String(), otpauthUri: Type.String(), qrCode: Type.String() }),
          ...problems(401, 403, 409),
        },
      },
    },
    async (request) => {
      const me = adminCaller(request);
      if (me.totpEnabled) throw conflict("An authenticator app is already enrolled");
      const secret = newTotpSecret();
      await db
        .update(adminUsers)
        .set({ totpSecret: secret, totpLastStep: null })
        .where(eq(adminUsers.id, me.adminId));
      return enrolment(secret, me.email);
    },
  );

  app.post(
    "/v1/admin/me/totp/confirm",
    {
      onRequest: guard.setup,
      schema: {
        tags,
        summary:
          "Confirm the authenticator app with a code; returns ten one-time recovery codes (shown once)",
        ...adminCookie,
        body: Type.Object({ code: Type.String({ pattern: "^\\d{6}$" }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }),
          ...problems(400, 401, 403, 409),
        },
      },
    },
    async (request) => {
      const me = adminCaller(request);
      if (me.totpEnabled) throw conflict("An authenticator app is already enrolled");
      const [row] = await db.select().from(adminUsers).where(eq(adminUsers.id, me.adminId)).limit(1);
      if (!row?.totpSecret) throw conflict("Start the enrolment first (POST /v1/admin/me/totp)");
      if (!(await acceptTotp(db, row, request.body.code))) {
        throw new HttpProblem({
          status: 400,
          type: "wrong-code",
          title: "Wrong code",
          detail: "The code does not match; check the time on your phone and try the next code",
        });
      }
      const recoveryCodes = await db.transaction(async (tx) => {
        await tx.update(adminUsers).set({ totpEnabledAt: new Date() }).where(eq(adminUsers.id, me.adminId));
        await audit(tx, request, { adminId: me.adminId, email: me.email }, { action: "admin.totp.enrol" });
        return issueRecoveryCodes(tx, recoveryKeys, me.adminId);
      });
      return { recoveryCodes };
    },
  );

  app.post(
    "/v1/admin/me/recovery-codes",
    {
      onRequest: guard.required,
      schema: {
        tags,
        summary: "Replace my recovery codes (confirm with a current code); the old ones stop working",
        ...adminCookie,
        body: Type.Object({ code: Type.String({ pattern: "^\\d{6}$" }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const me = adminCaller(request);
      const [row] = await db.select().from(adminUsers).where(eq(adminUsers.id, me.adminId)).limit(1);
      if (!row || !(await acceptTotp(db, row, request.body.code))) {
        throw new HttpProblem({
          status: 400,
          type: "wrong-code",
          title: "Wrong code",
          detail: "The code does not match",
        });
      }
      const recoveryCodes = await db.transaction(async (tx) => {
        await audit(
          tx,
          request,
          { adminId: me.adminId, email: me.email },
          { action: "admin.recovery-codes.replace" },
        );
        return issueRecoveryCodes(tx, recoveryKeys, me.adminId);
      });
      return { recoveryCodes };
    },
  );
}
