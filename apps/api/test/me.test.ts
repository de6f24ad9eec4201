import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { assertProblem } from "./problems.ts";
import { signUp, startTestApi } from "./support.ts";

const api = await startTestApi({ smtp: true });
const { app, smtp } = api;
const mail = smtp!;
const PASSWORD = "correct horse battery";
const uniqueEmail = (tag = "me") => `${tag}-${randomBytes(5).toString("hex")}@example.com`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface Pair {
  accessToken: string;
  refreshToken: string;
}

async function register(): Promise<Pair & { email: string; user: { id: string } }> {
  const email = uniqueEmail();
  const signed = await signUp(
    api,
    { email, password: PASSWORD, name: "Sam", deviceName: "Laptop" },
    { "user-agent": "honeyDue-test/1.0" },
  );
  return { ...signed, email };
}
async function login(email: string, password = PASSWORD, deviceName = "Phone"): Promise<Pair> {
  const res = await app.inject({
    method: "POST",
    url: "/v1/auth/login",
    payload: { email, password, deviceName },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

const me = (token: string) => app.inject({ method: "GET", url: "/v1/me", headers: bearer(token) });
const patch = (token: string, payload: unknown) =>
  app.inject({ method: "PATCH", url: "/v1/me", headers: bearer(token), payload: payload as object });

test("GET /v1/me returns the profile; without a valid token it is a 401", async () => {
  const a = await register();
  const res = await me(a.accessToken);
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.email, a.email);
  assert.equal(body.name, "Sam");
  assert.equal(body.emailVerified, true);
  assert.equal(body.timezone, "UTC");
  assert.equal(body.locale, "en");
  assert.equal(body.dueSoonDays, 7);
  assert.deepEqual(body.notifications, { digestEnabled: true, digestHour: 7, pushEnabled: true });
  assert.equal("passwordHash" in body, false);
  assertProblem(await app.inject({ method: "GET", url: "/v1/me" }), 401);
  assertProblem(await me("garbage.token.here"), 401);
});

test("PATCH /v1/me changes only the fields given and validates them", async () => {
  const a = await register();
  const res = await patch(a.accessToken, {
    name: " Samantha ",
    timezone: "America/New_York",
    locale: "pt-br",
    dueSoonDays: 14,
    notifications: { digestHour: 18, pushEnabled: false },
  });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.name, "Samantha");
  assert.equal(body.timezone, "America/New_York");
  assert.equal(body.locale, "pt-BR");
  assert.equal(body.dueSoonDays, 14);
  assert.deepEqual(body.notifications, { digestEnabled: true, digestHour: 18, pushEnabled: false });
  assert.deepEqual((await me(a.accessToken)).json(), body);
  // An empty patch changes nothing.
  assert.deepEqual((await patch(a.accessToken, {})).json(), body);

  const bad: [unknown, string][] = [
    [{ timezone: "Not/AZone" }, "body.timezone"],
    [{ locale: "english please" }, "body.locale"],
    [{ name: "" }, "body.name"],
    [{ name: "   " }, "body.name"],
    [{ dueSoonDays: 0 }, "body.dueSoonDays"],
    [{ notifications: { digestHour: 24 } }, "body.notifications.digestHour"],
    [{ notifications: { pushEnabled: "maybe" } }, "body.notifications.pushEnabled"],
  ];
  for (const [payload, field] of bad) {
    const problem = assertProblem(await patch(a.accessToken, payload), 400);
    assert.ok(
      problem.errors.some((e: { field: string }) => e.field === field),
      `${JSON.stringify(payload)} → ${JSON.stringify(problem)}`,
    );
  }
  assert.deepEqual((await me(a.accessToken)).json(), body);
  assertProblem(await app.inject({ method: "PATCH", url: "/v1/me", payload: { name: "x" } }), 401);
});

test("sessions are listed with the current one marked, and can be revoked; another user's is a 404", async () => {
  const a = await register();
  const phone = await login(a.email, PASSWORD, "Phone");
  const list = await app.inject({ method: "GET", url: "/v1/me/sessions", headers: bearer(a.accessToken) });
  assert.equal(list.statusCode, 200);
  const items = list.json().items as {
    id: string;
    deviceName: string;
    current: boolean;
    userAgent: string;
  }[];
  assert.equal(items.length, 2);
  const current = items.filter((s) => s.current);
  assert.equal(current.length, 1);
  assert.equal(current[0]!.deviceName, "Laptop");
  assert.equal(current[0]!.userAgent, "honeyDue-test/1.0");
  const phoneSession = items.find((s) => !s.current)!;
  assert.equal(phoneSession.deviceName, "Phone");

  const b = await register();
  const del = (token: string, id: string) =>
    app.inject({ method: "DELETE", url: `/v1/me/sessions/${id}`, headers: bearer(token) });
  // Someone else's session: not found, and untouched.
  assertProblem(await del(b.accessToken, phoneSession.id), 404);
  assert.equal((await me(phone.accessToken)).statusCode, 200);
  assertProblem(await del(a.accessToken, "not-a-uuid"), 400);

  assert.equal((await del(a.accessToken, phoneSession.id)).statusCode, 204);
  assertProblem(await me(phone.accessToken), 401);
  assertProblem(
    await app.inject({
      method: "POST",
      url: "/v1/auth/refresh",
      payload: { refreshToken: phone.refreshToken },
    }),
    401,
  );
  assertProblem(await del(a.accessToken, phoneSession.id), 404); // already ended
  const after = await app.inject({ method: "GET", url: "/v1/me/sessions", headers: bearer(a.accessToken) });
  assert.equal(after.json().items.length, 1);
});

test("a password change ends every session and gives this device a fresh pair", async () => {
  const a = await register();
  const phone = await login(a.email);
  const change = (token: string, payload: unknown) =>
    app.inject({
      method: "POST",
      url: "/v1/me/password",
      headers: bearer(token),
      payload: payload as object,
    });

  const wrong = assertProblem(
    await change(a.accessToken, { currentPassword: "nope nope", password: "fresh tulip field" }),
    400,
  );
  assert.equal(wrong.errors[0].field, "body.currentPassword");
  const common = assertProblem(
    await change(a.accessToken, { currentPassword: PASSWORD, password: "qwertyuiop" }),
    400,
  );
  assert.equal(common.errors[0].field, "body.password");
  assertProblem(await change(a.accessToken, { currentPassword: PASSWORD }), 400);
  assertProblem(await change(a.accessToken, { currentPassword: PASSWORD, password: "short" }), 400);

  const res = await change(a.accessToken, { currentPassword: PASSWORD, password: "fresh tulip field" });
  assert.equal(res.statusCode, 200, res.body);
  const pair = res.json();
  assert.ok(pair.accessToken && pair.refreshToken && pair.expiresIn > 0);
  // The old tokens of both devices stop working...
  for (const t of [a, phone]) {
    assertProblem(await me(t.accessToken), 401);
    assertProblem(
      await app.inject({
        method: "POST",
        url: "/v1/auth/refresh",
        payload: { refreshToken: t.refreshToken },
      }),
      401,
    );
  }
  // ...the new pair works, on a new session that keeps the device's name.
  assert.equal((await me(pair.accessToken)).statusCode, 200);
  const sessions = (
    await app.inject({ method: "GET", url: "/v1/me/sessions", headers: bearer(pair.accessToken) })
  ).json().items;
  assert.equal(sessions.length, 1);
  assert.equal(sessions[0].deviceName, "Laptop");
  assert.equal(sessions[0].current, true);
  const refreshed = await app.inject({
    method: "POST",
    url: "/v1/auth/refresh",
    payload: { refreshToken: pair.refreshToken },
  });
  assert.equal(refreshed.statusCode, 200);

  const notice = await mail.waitFor(a.email, (m) => /password was changed/i.test(m.subject));
  assert.match(notice.text, /signed out/);
  const signIn = await app.inject({
    method: "POST",
    url: "/v1/auth/login",
    payload: { email: a.email, password: "fresh tulip field" },
  });
  assert.equal(signIn.statusCode, 200);
  assertProblem(await app.inject({ method: "POST", url: "/v1/me/password", payload: {} }), 401);
});

test("the OpenAPI document describes every account route with its responses", async () => {
  const spec = (await app.inject({ method: "GET", url: "/openapi.json" })).json();
  const routes: [string, string, string[]][] = [
    ["/v1/auth/register", "post", ["202", "400"]],
    ["/v1/auth/login", "post", ["200", "401", "403", "429"]],
    ["/v1/auth/refresh", "post", ["200", "401"]],
    ["/v1/auth/logout", "post", ["204", "401"]],
    ["/v1/auth/verify-email", "post", ["200", "400"]],
    ["/v1/auth/resend-verification", "post", ["202", "409", "429"]],
    ["/v1/auth/forgot-password", "post", ["202", "400"]],
    ["/v1/auth/reset-password", "post", ["204", "400"]],
    ["/v1/me", "get", ["200", "401"]],
    ["/v1/me", "patch", ["200", "400"]],
    ["/v1/me/password", "post", ["200", "400"]],
    ["/v1/me/sessions", "get", ["200"]],
    ["/v1/me/sessions/{sessionId}", "delete", ["204", "404"]],
  ];
  for (const [path, method, statuses] of routes) {
    const op = spec.paths[path]?.[method];
    assert.ok(op, `${method} ${path} missing`);
    for (const s of statuses) assert.ok(op.responses[s], `${method} ${path} lacks ${s}`);
  }
  assert.ok(spec.components.schemas.User);
  assert.match(spec.paths["/v1/me/password"].post.description, /revoked/);
});
