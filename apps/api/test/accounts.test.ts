import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { sessions, users, userTokens } from "@honeydue/db";
import { eq, sql } from "drizzle-orm";
import { commonPasswords } from "../src/accounts/passwords.ts";
import { signIn } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { signUp, startTestApi } from "./support.ts";

const api = await startTestApi({ smtp: true });
const { app, deps, smtp } = api;
const WEB = "https://web.honeydue.test";
const mail = smtp!;

const uniqueEmail = (tag = "user") => `${tag}-${randomBytes(5).toString("hex")}@example.com`;
const PASSWORD = "correct horse battery";

interface Auth {
  user: { id: string; email: string; emailVerified: boolean };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** A verified member signed in through the real flow (register, the emailed link, sign in). */
async function register(body: Record<string, unknown> = {}): Promise<Auth & { email: string }> {
  const email = (body.email as string) ?? uniqueEmail();
  const signed = await signUp(api, { email, password: PASSWORD, name: "Pat Doe", ...body });
  return { ...signed, email };
}

/** Registers without verifying: the 202 answer. */
const registerOnly = (payload: Record<string, unknown>) =>
  app.inject({ method: "POST", url: "/v1/auth/register", payload });

async function login(email: string, password = PASSWORD, extra: Record<string, unknown> = {}) {
  return app.inject({ method: "POST", url: "/v1/auth/login", payload: { email, password, ...extra } });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const me = (token: string) => app.inject({ method: "GET", url: "/v1/me", headers: bearer(token) });
const refresh = (refreshToken: string) =>
  app.inject({ method: "POST", url: "/v1/auth/refresh", payload: { refreshToken } });

function linkToken(text: string, path: string): string {
  const m = new RegExp(`${WEB.replaceAll(".", "\\.")}${path}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  assert.ok(m, `no ${path} link in:\n${text}`);
  return m[1]!;
}

/** An unverified account (registered, not verified) with a session, as accounts made before sign-in required verification have. */
async function unverifiedWithSession() {
  const email = uniqueEmail("unverified");
  assert.equal((await registerOnly({ email, password: PASSWORD, name: "Una" })).statusCode, 202);
  const first = await mail.waitFor(email);
  const [row] = await deps.db.select().from(users).where(eq(users.email, email));
  const session = await signIn(deps, { id: row!.id, email, name: "Una" });
  return { email, first, user: { id: row!.id }, accessToken: session.token };
}

const verify = (body: Record<string, unknown>, token?: string) =>
  app.inject({
    method: "POST",
    url: "/v1/auth/verify-email",
    payload: body,
    ...(token ? { headers: bearer(token) } : {}),
  });
const codeIn = (text: string) => /code in the app: (\d{6})/.exec(text)![1]!;
const otherThan = (code: string) => (code === "000000" ? "000001" : "000000");

test("register answers 202 without tokens; the address is verified from the email before anyone signs in", async () => {
  const email = uniqueEmail("reg");
  const res = await registerOnly({
    email,
    password: PASSWORD,
    name: "  Pat Doe ",
    timezone: "Europe/Berlin",
  });
  assert.equal(res.statusCode, 202, res.body);
  assert.deepEqual(Object.keys(res.json()).sort(), ["message", "status"]);
  assert.doesNotMatch(res.body, /token/i);
  const [row] = await deps.db.select().from(users).where(eq(users.email, email));
  assert.equal(row!.name, "Pat Doe");
  assert.equal(row!.timezone, "Europe/Berlin");
  assert.equal(row!.emailVerifiedAt, null);
  assert.equal((await deps.db.select().from(sessions).where(eq(sessions.userId, row!.id))).length, 0);

  const message = await mail.waitFor(email);
  assert.match(message.subject, /confirm/i);
  linkToken(message.html, "/verify-email");
  assert.match(message.text, /code in the app: \d{6}/);
  // Only hashes are stored: the token from the mail is nowhere in user_tokens.
  const [stored] = await deps.db.select().from(userTokens).where(eq(userTokens.userId, row!.id));
  assert.ok(stored && stored.tokenHash.length === 32);

  // The right password of an unproven address: no session, a new email (the first was within the minute,
  // so this one is held back by the resend limit; a minute later it is sent).
  const early = assertProblem(await login(email), 403);
  assert.equal(early.type, "https://docs.honeydue.app/problems/email-not-verified");
  assert.equal(mail.messages.filter((m) => m.to.includes(email)).length, 1);
  await deps.db
    .update(userTokens)
    .set({ createdAt: new Date(Date.now() - 61_000) })
    .where(eq(userTokens.userId, row!.id));
  assertProblem(await login(email), 403);
  const second = await mail.waitFor(email, (m) => m.raw !== message.raw);
  assertProblem(await login(email, "not the password"), 401);

  // The first link was replaced by the second.
  const verify = (token: string) =>
    app.inject({ method: "POST", url: "/v1/auth/verify-email", payload: { token } });
  assertProblem(await verify(linkToken(message.text, "/verify-email")), 400);
  assert.equal((await verify(linkToken(second.text, "/verify-email"))).statusCode, 200);
  const signedIn = await login(email, PASSWORD, { deviceName: "Pat's phone" });
  assert.equal(signedIn.statusCode, 200, signedIn.body);
  const body = signedIn.json();
  assert.equal(body.user.emailVerified, true);
  assert.ok(body.expiresIn > 0 && body.expiresIn <= 900);
  assert.ok(body.refreshToken.length >= 43);
  assert.equal((await me(body.accessToken)).json().emailVerified, true);
});

test("registering a taken address (any letter case) answers exactly like a new one, changes nothing and emails the owner", async () => {
  const owner = await register({ email: uniqueEmail("Dup") });
  const [before] = await deps.db.select().from(users).where(eq(users.id, owner.user.id));
  const fresh = uniqueEmail("fresh");
  const taken = await registerOnly({
    email: owner.email.toUpperCase(),
    password: "another password",
    name: "Eve",
  });
  const created = await registerOnly({ email: fresh, password: "another password", name: "Eve" });
  assert.equal(taken.statusCode, 202);
  assert.equal(taken.statusCode, created.statusCode);
  assert.equal(taken.body, created.body);
  assert.equal(taken.headers["content-type"], created.headers["content-type"]);
  assert.equal(taken.headers["content-length"], created.headers["content-length"]);

  // The account is untouched: same password, name; the owner's session still works; no second account.
  const [after] = await deps.db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${owner.email})`);
  assert.deepEqual(after, before);
  assert.equal((await me(owner.accessToken)).statusCode, 200);
  assertProblem(await login(owner.email, "another password"), 401);

  // The owner learns of it by email (with a way to sign in or reset), through the outbox.
  const notice = await mail.waitFor(owner.email, (m) => /tried to sign up/i.test(m.subject));
  assert.match(notice.text, new RegExp(`${WEB}/sign-in`));
  assert.match(notice.text, new RegExp(`${WEB}/forgot-password`));
  assert.doesNotMatch(notice.text, /token=/);
  await mail.waitFor(fresh, (m) => /confirm/i.test(m.subject));

  // At most 3 notices an hour: the next attempts answer the same and send nothing more.
  const seen = new Set([notice.raw]);
  for (let i = 0; i < 2; i++) {
    const again = await registerOnly({ email: owner.email, password: PASSWORD, name: "Eve" });
    assert.equal(again.body, created.body);
    const next = await mail.waitFor(
      owner.email,
      (m) => /tried to sign up/i.test(m.subject) && !seen.has(m.raw),
    );
    seen.add(next.raw);
  }
  const extra = await registerOnly({ email: owner.email, password: PASSWORD, name: "Eve" });
  assert.equal(extra.body, created.body);
  // Mail is delivered in outbox order: once a later message arrives, nothing else is on its way before it.
  const later = uniqueEmail("later");
  await registerOnly({ email: later, password: PASSWORD, name: "Later" });
  await mail.waitFor(later);
  const notices = mail.messages.filter(
    (m) =>
      m.to.some((t) => t.toLowerCase() === owner.email.toLowerCase()) && /tried to sign up/i.test(m.subject),
  );
  assert.equal(notices.length, 3);
});

test("parallel registrations of one new address make one account and answer alike", async () => {
  const email = uniqueEmail("race");
  const answers = await Promise.all(
    Array.from({ length: 4 }, () => registerOnly({ email, password: PASSWORD, name: "Racer" })),
  );
  assert.deepEqual(new Set(answers.map((a) => `${a.statusCode} ${a.body}`)).size, 1);
  assert.equal(answers[0]!.statusCode, 202);
  const rows = await deps.db.select().from(users).where(eq(users.email, email));
  assert.equal(rows.length, 1);
});

test("register refuses bad input with a problem naming the fields", async () => {
  const missing = assertProblem(
    await app.inject({ method: "POST", url: "/v1/auth/register", payload: {} }),
    400,
  );
  const fields = missing.errors.map((e: { field: string }) => e.field).sort();
  assert.deepEqual(fields, ["body.email", "body.name", "body.password"]);

  const wrongTypes = assertProblem(
    await app.inject({
      method: "POST",
      url: "/v1/auth/register",
      payload: { email: 42, password: ["x"], name: { a: 1 } },
    }),
    400,
  );
  assert.ok(wrongTypes.errors.length >= 3);

  const cases: [Record<string, unknown>, string][] = [
    [{ email: "not-an-email" }, "body.email"],
    [{ password: "short7!" }, "body.password"],
    [{ password: "x".repeat(129) }, "body.password"],
    [{ password: "PassWord1" }, "body.password"], // among the most common, compared case-insensitively
    [{ password: "iloveyou" }, "body.password"],
    [{ timezone: "Mars/Olympus_Mons" }, "body.timezone"],
    [{ timezone: "+01:00" }, "body.timezone"],
    [{ name: "   " }, "body.name"],
  ];
  for (const [patch, field] of cases) {
    const res = await app.inject({
      method: "POST",
      url: "/v1/auth/register",
      payload: { email: uniqueEmail(), password: PASSWORD, name: "Pat", ...patch },
    });
    const body = assertProblem(res, 400);
    assert.ok(
      body.errors.some((e: { field: string }) => e.field === field),
      `${JSON.stringify(patch)} → ${res.body}`,
    );
  }
});

test("the shipped list holds the 3,000 most common passwords", () => {
  const list = commonPasswords();
  assert.equal(list.size, 3000);
  for (const p of ["123456", "password", "qwerty", "iloveyou", "password1", "trustno1"])
    assert.ok(list.has(p), p);
});

test("passwords are checked exactly as typed: surrounding spaces count", async () => {
  const spaced = "  tulip sunrise  ";
  const { email } = await register({ password: spaced });
  assert.equal((await login(email, spaced)).statusCode, 200);
  assert.equal((await login(email, spaced.trim())).statusCode, 401);
  // Stored as an Argon2id PHC string with the required parameters.
  const [row] = await deps.db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  assert.match(
    row!.passwordHash,
    /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
  );
});

test("login: the right password signs in (email in any case); a wrong one or an unknown address is the same 401", async () => {
  const { email } = await register();
  const ok = await login(email.toUpperCase(), PASSWORD, { deviceName: "Tablet" });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().user.email, email);
  assert.ok(ok.json().accessToken && ok.json().refreshToken);

  const wrong = assertProblem(await login(email, "not the password"), 401);
  const unknown = assertProblem(await login(uniqueEmail("nobody"), "not the password"), 401);
  assert.equal(wrong.detail, unknown.detail);
  assert.equal(wrong.type, unknown.type);
  assertProblem(await login(email, ""), 400);
});

test("refresh rotates the token; presenting a used one revokes the whole session", async () => {
  const a = await register();
  const r1 = await refresh(a.refreshToken);
  assert.equal(r1.statusCode, 200, r1.body);
  const pair1 = r1.json();
  assert.notEqual(pair1.refreshToken, a.refreshToken);
  assert.equal((await me(pair1.accessToken)).statusCode, 200);

  const r2 = await refresh(pair1.refreshToken);
  assert.equal(r2.statusCode, 200);
  const pair2 = r2.json();

  // Replaying the first token (already rotated) ends the session family...
  const replay = assertProblem(await refresh(a.refreshToken), 401);
  assert.match(replay.detail, /already used/);
  // ...so the newest refresh token and the session's access tokens stop working too.
  assertProblem(await refresh(pair2.refreshToken), 401);
  assertProblem(await me(pair2.accessToken), 401);
  // Other devices of the same user are not affected.
  const other = await login(a.email);
  assert.equal((await me(other.json().accessToken)).statusCode, 200);

  assertProblem(await refresh("not-a-real-token"), 401);
  assertProblem(await app.inject({ method: "POST", url: "/v1/auth/refresh", payload: {} }), 400);
});

test("logout revokes this device only", async () => {
  const a = await register();
  const b = (await login(a.email)).json();
  const res = await app.inject({ method: "POST", url: "/v1/auth/logout", headers: bearer(a.accessToken) });
  assert.equal(res.statusCode, 204);
  assertProblem(await me(a.accessToken), 401);
  assertProblem(await refresh(a.refreshToken), 401);
  assert.equal((await me(b.accessToken)).statusCode, 200);
  assertProblem(await app.inject({ method: "POST", url: "/v1/auth/logout" }), 401);
  assertProblem(
    await app.inject({ method: "POST", url: "/v1/auth/logout", headers: { authorization: "Bearer nope" } }),
    401,
  );
});

test("the emailed link verifies the address, once", async () => {
  const a = await unverifiedWithSession();
  const token = linkToken(a.first.text, "/verify-email");
  assert.equal((await me(a.accessToken)).json().emailVerified, false);
  const res = await app.inject({ method: "POST", url: "/v1/auth/verify-email", payload: { token } });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { emailVerified: true });
  assert.equal((await me(a.accessToken)).json().emailVerified, true);
  const again = assertProblem(
    await app.inject({ method: "POST", url: "/v1/auth/verify-email", payload: { token } }),
    400,
  );
  assert.equal(again.type, "https://docs.honeydue.app/problems/invalid-token");
  // Already verified: resending is refused.
  assertProblem(
    await app.inject({ method: "POST", url: "/v1/auth/resend-verification", headers: bearer(a.accessToken) }),
    409,
  );
});

test("the emailed code verifies a signed-in user; wrong codes are limited", async () => {
  const a = await unverifiedWithSession();
  const code = codeIn(a.first.text);
  assertProblem(await verify({ code }), 400); // without a session the code needs the address
  assertProblem(await verify({ code, token: "a".repeat(43) }, a.accessToken), 400);
  assertProblem(await verify({}, a.accessToken), 400);
  assertProblem(await verify({ code: "12345" }, a.accessToken), 400);
  const bad = assertProblem(await verify({ code: otherThan(code) }, a.accessToken), 400);
  assert.match(bad.errors[0].message, /4 attempts left/);
  const ok = await verify({ code }, a.accessToken);
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal((await me(a.accessToken)).json().emailVerified, true);

  const b = await unverifiedWithSession();
  const codeB = codeIn(b.first.text);
  for (let i = 0; i < 5; i++) assertProblem(await verify({ code: otherThan(codeB) }, b.accessToken), 400);
  const locked = assertProblem(await verify({ code: codeB }, b.accessToken), 400);
  assert.equal(locked.type, "https://docs.honeydue.app/problems/verification-code-locked");
  assert.equal((await me(b.accessToken)).json().emailVerified, false);
});

test("the emailed code with the address verifies without a session; every failure answers alike", async () => {
  const email = uniqueEmail("code");
  await registerOnly({ email, password: PASSWORD, name: "Cody" });
  const code = codeIn((await mail.waitFor(email)).text);
  const verified = await register();
  const failures = [
    await verify({ email, code: otherThan(code) }), // wrong code
    await verify({ email: uniqueEmail("nobody"), code }), // no such account
    await verify({ email: verified.email, code }), // nothing to verify
  ].map((res) => {
    const problem = assertProblem(res, 400);
    return JSON.stringify({ type: problem.type, title: problem.title, detail: problem.detail });
  });
  assert.equal(new Set(failures).size, 1, failures.join("\n"));
  assert.match(failures[0]!, /invalid-code/);
  const ok = await verify({ email: email.toUpperCase(), code });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal((await login(email)).statusCode, 200);
  // A code is single use.
  assertProblem(await verify({ email, code }), 400);

  // Five wrong codes lock the pending code: the right one is refused afterwards, with the same answer.
  const locked = uniqueEmail("locked");
  await registerOnly({ email: locked, password: PASSWORD, name: "Lock" });
  const lockedCode = codeIn((await mail.waitFor(locked)).text);
  for (let i = 0; i < 5; i++)
    assertProblem(await verify({ email: locked, code: otherThan(lockedCode) }), 400);
  const refused = assertProblem(await verify({ email: locked, code: lockedCode }), 400);
  assert.equal(refused.type, "https://docs.honeydue.app/problems/invalid-code");
  assertProblem(await login(locked), 403);
});

test("resend-verification is rate limited, and the new code replaces the old one", async () => {
  const a = await unverifiedWithSession();
  const first = a.first;
  const resend = () =>
    app.inject({ method: "POST", url: "/v1/auth/resend-verification", headers: bearer(a.accessToken) });
  const tooSoon = await resend();
  assertProblem(tooSoon, 429);
  assert.ok(Number(tooSoon.headers["retry-after"]) > 0);
  // A minute later (the earlier email's record moved back in time):
  await deps.db
    .update(userTokens)
    .set({ createdAt: new Date(Date.now() - 61_000) })
    .where(eq(userTokens.userId, a.user.id));
  const res = await resend();
  assert.equal(res.statusCode, 202, res.body);
  assert.equal(res.json().status, "accepted");
  const second = await mail.waitFor(a.email, (m) => m.raw !== first.raw);
  const oldToken = linkToken(first.text, "/verify-email");
  const newToken = linkToken(second.text, "/verify-email");
  assertProblem(
    await app.inject({ method: "POST", url: "/v1/auth/verify-email", payload: { token: oldToken } }),
    400,
  );
  const ok = await app.inject({ method: "POST", url: "/v1/auth/verify-email", payload: { token: newToken } });
  assert.equal(ok.statusCode, 200);
  assertProblem(await app.inject({ method: "POST", url: "/v1/auth/resend-verification" }), 401);
});

test("forgot password answers the same for known and unknown addresses; the link resets once and ends every session", async () => {
  const a = await register();
  const phone = (await login(a.email, PASSWORD, { deviceName: "Phone" })).json();
  const forged = { host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" };
  const known = await app.inject({
    method: "POST",
    url: "/v1/auth/forgot-password",
    payload: { email: a.email.toUpperCase() },
    headers: forged,
  });
  const unknown = await app.inject({
    method: "POST",
    url: "/v1/auth/forgot-password",
    payload: { email: uniqueEmail("ghost") },
    headers: forged,
  });
  assert.equal(known.statusCode, 202);
  assert.equal(unknown.statusCode, 202);
  assert.equal(known.body, unknown.body);
  assert.equal(known.headers["content-type"], unknown.headers["content-type"]);

  const message = await mail.waitFor(a.email, (m) => /reset/i.test(m.subject));
  assert.doesNotMatch(message.text + message.html, /evil\.example/);
  const token = linkToken(message.text, "/reset-password");
  const [stored] = await deps.db
    .select()
    .from(userTokens)
    .where(sql`${userTokens.userId} = ${a.user.id} and ${userTokens.purpose} = 'reset_password'`);
  assert.ok(stored!.expiresAt!.getTime() - Date.now() <= 3600_000);

  // Bad new password first: refused, the token still works afterwards.
  assertProblem(
    await app.inject({
      method: "POST",
      url: "/v1/auth/reset-password",
      payload: { token, password: "password" },
    }),
    400,
  );
  const newPassword = "new tulip sunrise";
  const reset = await app.inject({
    method: "POST",
    url: "/v1/auth/reset-password",
    payload: { token, password: newPassword },
  });
  assert.equal(reset.statusCode, 204, reset.body);
  // Every session ended.
  for (const t of [a, phone]) {
    assertProblem(await me(t.accessToken), 401);
    assertProblem(await refresh(t.refreshToken), 401);
  }
  // Single use.
  assertProblem(
    await app.inject({
      method: "POST",
      url: "/v1/auth/reset-password",
      payload: { token, password: "another tulip" },
    }),
    400,
  );
  assertProblem(await login(a.email, PASSWORD), 401);
  const fresh = await login(a.email, newPassword);
  assert.equal(fresh.statusCode, 200);
  // Following the emailed link proved the address.
  assert.equal(fresh.json().user.emailVerified, true);
  await mail.waitFor(a.email, (m) => /password was changed/i.test(m.subject));
  // Nothing was sent to the unknown address.
  assert.equal(mail.messages.filter((m) => m.to.some((t) => t.startsWith("ghost-"))).length, 0);
});

test("an expired reset token is refused", async () => {
  const a = await register();
  await app.inject({ method: "POST", url: "/v1/auth/forgot-password", payload: { email: a.email } });
  const token = linkToken(
    (await mail.waitFor(a.email, (m) => /reset/i.test(m.subject))).text,
    "/reset-password",
  );
  await deps.db
    .update(userTokens)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(sql`${userTokens.userId} = ${a.user.id} and ${userTokens.purpose} = 'reset_password'`);
  const res = assertProblem(
    await app.inject({
      method: "POST",
      url: "/v1/auth/reset-password",
      payload: { token, password: "new tulip sunrise" },
    }),
    400,
  );
  assert.equal(res.type, "https://docs.honeydue.app/problems/invalid-token");
  assertProblem(
    await app.inject({ method: "POST", url: "/v1/auth/reset-password", payload: { token: "x" } }),
    400,
  );
});

test("a disabled account cannot sign in or refresh", async () => {
  const a = await register();
  await deps.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, a.user.id));
  assertProblem(await login(a.email), 403);
  assertProblem(await refresh(a.refreshToken), 401);
  assert.equal((await deps.db.select().from(sessions).where(eq(sessions.userId, a.user.id))).length, 1);
});
