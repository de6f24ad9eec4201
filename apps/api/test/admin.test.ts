import assert from "node:assert/strict";
import { test } from "node:test";
import { adminAuditLog, adminSessions, outbox, sessions, users } from "@honeydue/db";
import { enqueueJob } from "@honeydue/jobs";
import { mailRecipient } from "@honeydue/testkit";
import { and, desc, eq, isNull } from "drizzle-orm";
import { bootstrapFirstAdmin, FIRST_ADMIN_EMAIL } from "../src/admin/accounts.ts";
import { currentTotp } from "../src/admin/totp.ts";
import { createAdmin, type TestAdmin } from "./admin-support.ts";
import { createHousehold, createUser } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

const { app, deps, smtp } = await startTestApi({ smtp: true, env: { ADMIN_SIGN_IN_FAILURES_PER_HOUR: "3" } });
// Before any other admin exists: the first start's bootstrap.
const first = await bootstrapFirstAdmin(deps.db);
const superadmin = await createAdmin(deps, "superadmin");
const support = await createAdmin(deps, "support");

const json = (res: { body: string }) => JSON.parse(res.body);
const cookieOf = (setCookie: unknown) => String(setCookie).split(";")[0]!;

async function lastAudit(action: string) {
  const [row] = await deps.db
    .select()
    .from(adminAuditLog)
    .where(eq(adminAuditLog.action, action))
    .orderBy(desc(adminAuditLog.id))
    .limit(1);
  return row;
}

function call(admin: TestAdmin, method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object) {
  return app.inject({
    method,
    url,
    headers: method === "GET" ? admin.cookie : admin.headers,
    ...(payload ? { payload } : {}),
  });
}

test("first start: the bootstrap admin signs in with the one-time password, then must set a password and enrol TOTP", async () => {
  assert.ok(first, "created: there was no admin yet");
  assert.equal(first.email, FIRST_ADMIN_EMAIL);
  assert.equal(await bootstrapFirstAdmin(deps.db), undefined, "only once");

  const signIn = await app.inject({
    method: "POST",
    url: "/v1/admin/auth/sign-in",
    payload: { email: first.email, password: first.password },
  });
  assert.equal(signIn.statusCode, 200, signIn.body);
  const setCookie = String(signIn.headers["set-cookie"]);
  assert.match(
    setCookie,
    /^__Host-honeydue-admin=[\w-]{43}; Path=\/; Secure; HttpOnly; SameSite=Strict; Max-Age=43200$/,
  );
  const session = json(signIn);
  assert.deepEqual(session.setup, { changePassword: true, enrolTotp: true });
  const headers = { cookie: cookieOf(setCookie), "x-csrf-token": session.csrfToken };

  const blocked = await app.inject({ method: "GET", url: "/v1/admin/users", headers });
  assert.match(assertProblem(blocked, 403).type, /admin-setup-required$/);

  const weak = await app.inject({
    method: "POST",
    url: "/v1/admin/me/password",
    headers,
    payload: { currentPassword: first.password, password: "password" },
  });
  assertProblem(weak, 400, "body.password");
  const changed = await app.inject({
    method: "POST",
    url: "/v1/admin/me/password",
    headers,
    payload: { currentPassword: first.password, password: "a much better admin passphrase" },
  });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.equal(json(changed).setup.changePassword, false);

  const enrol = await app.inject({ method: "POST", url: "/v1/admin/me/totp", headers });
  assert.equal(enrol.statusCode, 200, enrol.body);
  const { secret, otpauthUri, qrCode } = json(enrol);
  assert.match(otpauthUri, /^otpauth:\/\/totp\/honeyDue%20admin:admin%40honeydue\.local\?.*secret=/);
  assert.match(qrCode, /^data:image\/svg\+xml;base64,/);
  const wrong = await app.inject({
    method: "POST",
    url: "/v1/admin/me/totp/confirm",
    headers,
    payload: { code: "000000" },
  });
  assert.equal(wrong.statusCode, 400);
  const confirm = await app.inject({
    method: "POST",
    url: "/v1/admin/me/totp/confirm",
    headers,
    payload: { code: currentTotp(secret) },
  });
  assert.equal(confirm.statusCode, 200, confirm.body);
  const { recoveryCodes } = json(confirm);
  assert.equal(recoveryCodes.length, 10);
  assert.match(recoveryCodes[0], /^[a-z0-9]{5}-[a-z0-9]{5}$/);

  const nowAllowed = await app.inject({ method: "GET", url: "/v1/admin/users", headers });
  assert.equal(nowAllowed.statusCode, 200);
  const out = await app.inject({ method: "POST", url: "/v1/admin/auth/sign-out", headers });
  assert.equal(out.statusCode, 204);
  assert.match(String(out.headers["set-cookie"]), /Max-Age=0/);
  assert.equal((await app.inject({ method: "GET", url: "/v1/admin/me", headers })).statusCode, 401);

  // From now on a code is required; the same TOTP code is never accepted twice; a recovery code works once.
  const password = "a much better admin passphrase";
  const noCode = await app.inject({
    method: "POST",
    url: "/v1/admin/auth/sign-in",
    payload: { email: first.email, password },
  });
  assert.match(assertProblem(noCode, 401).type, /admin-code-required$/);
  const replay = await app.inject({
    method: "POST",
    url: "/v1/admin/auth/sign-in",
    payload: { email: first.email, password, code: currentTotp(secret) },
  });
  assert.equal(replay.statusCode, 401, "the code used to confirm enrolment cannot sign in again");
  const recovery = await app.inject({
    method: "POST",
    url: "/v1/admin/auth/sign-in",
    payload: { email: first.email, password, code: recoveryCodes[3] },
  });
  assert.equal(recovery.statusCode, 200, recovery.body);
  assert.deepEqual(json(recovery).setup, { changePassword: false, enrolTotp: false });
  const again = await app.inject({
    method: "POST",
    url: "/v1/admin/auth/sign-in",
    payload: { email: first.email, password, code: recoveryCodes[3] },
  });
  assert.equal(again.statusCode, 401, "a recovery code is used up");
  assert.deepEqual((await lastAudit("admin.sign-in"))?.detail, { recoveryCode: true });
  assert.ok(await lastAudit("admin.totp.enrol"));
  assert.ok(await lastAudit("admin.password.change"));
});

test("failed sign-ins are audited and throttled per account", async () => {
  const target = await createAdmin(deps, "support");
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({
      method: "POST",
      url: "/v1/admin/auth/sign-in",
      payload: { email: target.email, password: "wrong password" },
    });
    assert.match(assertProblem(res, 401).type, /admin-sign-in-failed$/);
  }
  const limited = await app.inject({
    method: "POST",
    url: "/v1/admin/auth/sign-in",
    payload: { email: target.email, password: target.password, code: currentTotp(target.totpSecret) },
  });
  assertProblem(limited, 429);
  assert.ok(Number(limited.headers["retry-after"]) > 0);
  const failures = await deps.db
    .select()
    .from(adminAuditLog)
    .where(and(eq(adminAuditLog.adminId, target.id), eq(adminAuditLog.action, "admin.sign-in.failed")));
  assert.equal(failures.length, 3);
  assert.equal(failures[0]!.ip, "127.0.0.1");
  assert.deepEqual(failures[0]!.detail, { reason: "wrong password" });
});

test("sessions end after the idle timeout and at the absolute timeout", async () => {
  const idle = await createAdmin(deps, "support");
  assert.equal((await call(idle, "GET", "/v1/admin/me")).statusCode, 200);
  await deps.db
    .update(adminSessions)
    .set({ lastSeenAt: new Date(Date.now() - 31 * 60_000) })
    .where(eq(adminSessions.id, idle.sessionId));
  assertProblem(await call(idle, "GET", "/v1/admin/me"), 401);

  const old = await createAdmin(deps, "support");
  await deps.db
    .update(adminSessions)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(eq(adminSessions.id, old.sessionId));
  assertProblem(await call(old, "GET", "/v1/admin/me"), 401);
});

test("users: search, detail, disable (their next call is 401), enable, resend verification, reset, delete", async () => {
  const h = await createHousehold(deps);
  const unverified = await createUser(deps, { verified: false, name: "Zed Unverified" });
  const found = await call(
    support,
    "GET",
    `/v1/admin/users?q=${encodeURIComponent(unverified.email.slice(0, 12))}`,
  );
  assert.equal(found.statusCode, 200, found.body);
  assert.deepEqual(
    json(found).items.map((u: { id: string }) => u.id),
    [unverified.id],
  );
  const paged = json(await call(support, "GET", "/v1/admin/users?pageSize=2&page=1"));
  assert.equal(paged.items.length, 2);
  assert.ok(paged.total >= 4);

  const detail = await call(support, "GET", `/v1/admin/users/${h.owner.id}`);
  assert.equal(detail.statusCode, 200, detail.body);
  assert.equal(json(detail).residences[0].id, h.residence.id);
  assert.equal(json(detail).sessions.length, 1);

  // support may not disable; a superadmin may, and every session of the user ends at once.
  assertProblem(await call(support, "POST", `/v1/admin/users/${h.owner.id}/disable`, {}), 403);
  assert.equal((await app.inject({ method: "GET", url: "/v1/me", headers: h.owner.auth })).statusCode, 200);
  const disabled = await call(superadmin, "POST", `/v1/admin/users/${h.owner.id}/disable`, {
    reason: "abuse report",
  });
  assert.equal(disabled.statusCode, 204, disabled.body);
  assertProblem(await app.inject({ method: "GET", url: "/v1/me", headers: h.owner.auth }), 401);
  const live = await deps.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, h.owner.id), isNull(sessions.revokedAt)));
  assert.equal(live.length, 0);
  const entry = await lastAudit("user.disable");
  assert.equal(entry?.targetId, h.owner.id);
  assert.equal(entry?.adminEmail, superadmin.email);
  assert.deepEqual(entry?.detail, { sessionsRevoked: 1, reason: "abuse report" });

  assert.equal((await call(superadmin, "POST", `/v1/admin/users/${h.owner.id}/enable`)).statusCode, 204);
  const [after] = await deps.db.select().from(users).where(eq(users.id, h.owner.id));
  assert.equal(after!.disabledAt, null);

  // Resend verification: the email reaches the SMTP server.
  assertProblem(await call(support, "POST", `/v1/admin/users/${h.owner.id}/resend-verification`), 409);
  const resend = await call(support, "POST", `/v1/admin/users/${unverified.id}/resend-verification`);
  assert.equal(resend.statusCode, 202, resend.body);
  const mail = await smtp!.waitFor(unverified.email);
  assert.match(mail.text, /\d{6}/);
  assert.ok(await lastAudit("user.resend-verification"));

  const reset = await call(support, "POST", `/v1/admin/users/${h.member.id}/password-reset`);
  assert.equal(reset.statusCode, 202);
  const resetMail = await smtp!.waitFor(h.member.email);
  assert.match(resetMail.text, /reset/i);

  // Delete: superadmin only, confirmed by typing the email.
  assertProblem(
    await call(support, "DELETE", `/v1/admin/users/${h.viewer.id}`, { confirmEmail: h.viewer.email }),
    403,
  );
  assertProblem(
    await call(superadmin, "DELETE", `/v1/admin/users/${h.viewer.id}`, { confirmEmail: "nope@example.test" }),
    400,
  );
  const deleted = await call(superadmin, "DELETE", `/v1/admin/users/${h.viewer.id}`, {
    confirmEmail: h.viewer.email.toUpperCase(),
  });
  assert.equal(deleted.statusCode, 204, deleted.body);
  assertProblem(await call(support, "GET", `/v1/admin/users/${h.viewer.id}`), 404);
  assert.equal((await lastAudit("user.delete"))?.targetLabel, h.viewer.email);
});

test("templates: create and retire change the user API's catalog", async () => {
  const h = await createHousehold(deps);
  const catalog = async () =>
    json(await app.inject({ method: "GET", url: "/v1/task-templates", headers: h.owner.auth })).items.map(
      (t: { slug: string }) => t.slug,
    );
  const created = await call(support, "POST", "/v1/admin/templates", {
    title: "Clean the dryer vent duct",
    howTo: "Disconnect the duct and brush it out.",
    category: "appliances",
    recurrence: { kind: "fixed", interval: 1, unit: "year" },
  });
  assert.equal(created.statusCode, 201, created.body);
  const t = json(created);
  assert.equal(t.slug, "clean-the-dryer-vent-duct");
  assert.equal(t.recurrenceText, "Every year");
  assert.ok((await catalog()).includes(t.slug));
  assertProblem(
    await call(support, "POST", "/v1/admin/templates", {
      title: "Clean the dryer vent duct",
      category: "appliances",
    }),
    409,
  );
  assertProblem(
    await call(support, "POST", "/v1/admin/templates", {
      title: "Bad",
      category: "yard",
      recurrence: { kind: "fixed", rrule: "NOPE" },
    }),
    400,
  );

  const edited = await call(support, "PATCH", `/v1/admin/templates/${t.id}`, { priority: "high" });
  assert.equal(json(edited).priority, "high");
  const retired = await call(support, "POST", `/v1/admin/templates/${t.id}/retire`);
  assert.ok(json(retired).retiredAt);
  assert.ok(!(await catalog()).includes(t.slug));
  await call(support, "POST", `/v1/admin/templates/${t.id}/restore`);
  assert.ok((await catalog()).includes(t.slug));
  const list = json(await call(support, "GET", "/v1/admin/templates?q=clean-the-dryer-vent-duct"));
  assert.equal(list.total, 1);
  for (const action of ["template.create", "template.update", "template.retire", "template.restore"])
    assert.equal((await lastAudit(action))?.targetId, t.id, action);
});

test("dashboard, residences, emails and previews", async () => {
  const h = await createHousehold(deps, { name: "Dashboard Manor" });
  const dash = await call(support, "GET", "/v1/admin/dashboard");
  assert.equal(dash.statusCode, 200, dash.body);
  const d = json(dash);
  const [count] = await deps.db.$count(users).then((n) => [n]);
  assert.equal(d.totals.users, count);
  assert.equal(d.series.signUps.length, 30);
  assert.ok(d.series.signUps.at(-1).value >= 3, "today's sign-ups include this test's users");
  assert.ok(d.totals.emailsSent >= 2, "the emails sent by the earlier test");
  assert.deepEqual(d.queues.map((q: { queue: string }) => q.queue).slice(0, 5), [
    "email",
    "push",
    "reminders",
    "housekeeping",
    "files",
  ]);

  const residences = json(
    await call(support, "GET", `/v1/admin/residences?q=${encodeURIComponent(h.owner.email)}`),
  );
  assert.deepEqual(
    residences.items.map((r: { id: string }) => r.id),
    [h.residence.id],
  );
  const detail = json(await call(support, "GET", `/v1/admin/residences/${h.residence.id}`));
  assert.equal(detail.members.length, 3);

  const emails = json(await call(support, "GET", "/v1/admin/emails?status=sent"));
  assert.ok(emails.items.length >= 2);
  assert.ok(emails.items.every((m: { status: string }) => m.status === "sent"));
  const templates = json(await call(support, "GET", "/v1/admin/email-templates")).items;
  assert.ok(templates.length >= 5);
  for (const { name } of templates) {
    const preview = await call(support, "GET", `/v1/admin/email-templates/${name}/preview`);
    assert.equal(preview.statusCode, 200, `${name}: ${preview.body}`);
    assert.ok(json(preview).html.includes("<html"), name);
  }
  assertProblem(await call(support, "GET", "/v1/admin/email-templates/constructor/preview"), 404);
});

test("admin accounts: create, change role, reset, never lose the last superadmin; the audit log is filterable", async () => {
  const created = await call(superadmin, "POST", "/v1/admin/admins", {
    email: "new-support@example.test",
    name: "New Support",
    role: "support",
  });
  assert.equal(created.statusCode, 201, created.body);
  const { admin, oneTimePassword } = json(created);
  assert.equal(admin.mustChangePassword, true);
  const signIn = await app.inject({
    method: "POST",
    url: "/v1/admin/auth/sign-in",
    payload: { email: "new-support@example.test", password: oneTimePassword },
  });
  assert.equal(signIn.statusCode, 200);
  assertProblem(
    await call(superadmin, "POST", "/v1/admin/admins", {
      email: "NEW-support@example.test",
      name: "x",
      role: "support",
    }),
    409,
  );

  const promoted = await call(superadmin, "PATCH", `/v1/admin/admins/${admin.id}`, { role: "superadmin" });
  assert.equal(json(promoted).role, "superadmin");
  const reset = await call(superadmin, "POST", `/v1/admin/admins/${admin.id}/reset`);
  assert.equal(reset.statusCode, 200);
  assert.notEqual(json(reset).oneTimePassword, oneTimePassword);
  const live = await deps.db
    .select()
    .from(adminSessions)
    .where(and(eq(adminSessions.adminId, admin.id), isNull(adminSessions.revokedAt)));
  assert.equal(live.length, 0, "a reset ends the admin's sessions");
  assert.equal((await call(superadmin, "DELETE", `/v1/admin/admins/${admin.id}`)).statusCode, 204);
  assertProblem(await call(superadmin, "DELETE", `/v1/admin/admins/${superadmin.id}`), 409);

  const auditRes = await call(support, "GET", `/v1/admin/audit?action=admin.&targetId=${admin.id}`);
  assert.equal(auditRes.statusCode, 200, auditRes.body);
  const audit = json(auditRes);
  assert.deepEqual(
    audit.items.map((e: { action: string }) => e.action),
    ["admin.delete", "admin.reset", "admin.update", "admin.create"],
  );
  assert.equal(audit.items[0].adminEmail, superadmin.email);
  const byUser = json(await call(support, "GET", `/v1/admin/audit?targetType=user&pageSize=1`));
  assert.equal(byUser.items.length, 1);
  assert.ok(byUser.total >= 5);
});

test("jobs: a failed job shows its error with a masked payload, is retried to success, or discarded", async () => {
  const failedJob = async (to: string) => {
    const userId = await mailRecipient(deps.db, to);
    const id = await deps.db.transaction((tx) =>
      enqueueJob(
        tx,
        "email.send",
        { template: "password-changed", userId },
        { availableAt: new Date(Date.now() + 3600_000) },
      ),
    );
    // As the runner leaves a job that used up its attempts (SMTP refused it).
    await deps.db
      .update(outbox)
      .set({ failedAt: new Date(), lastError: "550 mailbox unavailable", attempts: 10 })
      .where(eq(outbox.id, id));
    return id;
  };
  const retried = await failedJob("retry-me@example.test");
  const discarded = await failedJob("discard-me@example.test");
  const overview = json(await call(support, "GET", "/v1/admin/jobs"));
  assert.ok(overview.queues.find((q: { queue: string }) => q.queue === "email").failed >= 2);
  const list = await call(support, "GET", "/v1/admin/jobs/failed?job=email.send");
  assert.equal(list.statusCode, 200, list.body);
  const item = json(list).items.find((j: { id: string }) => j.id === retried);
  assert.equal(item.lastError, "550 mailbox unavailable");
  // Email jobs carry ids only: the summary is the template and the recipient's account.
  assert.deepEqual(Object.keys(item.payloadSummary).sort(), ["template", "userId"]);
  assert.equal(item.payloadSummary.template, "password-changed");

  assert.equal((await call(support, "POST", `/v1/admin/jobs/failed/${retried}/retry`)).statusCode, 202);
  const mail = await smtp!.waitFor("retry-me@example.test");
  assert.match(mail.subject, /password/i);
  assertProblem(await call(support, "POST", `/v1/admin/jobs/failed/${retried}/retry`), 404);
  assert.equal((await lastAudit("job.retry"))?.targetId, retried);

  assertProblem(await call(support, "DELETE", `/v1/admin/jobs/failed/${discarded}`), 403);
  assert.equal((await call(superadmin, "DELETE", `/v1/admin/jobs/failed/${discarded}`)).statusCode, 204);
  assert.equal((await deps.db.select().from(outbox).where(eq(outbox.id, discarded))).length, 0);
  assert.deepEqual((await lastAudit("job.discard"))?.detail, { lastError: "550 mailbox unavailable" });
});
