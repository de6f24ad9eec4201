import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { deriveKeyRing, KEY_PURPOSES, keyIdOf } from "@honeydue/config";
import { calendarFeeds, userTokens } from "@honeydue/db";
import { unsubscribeToken } from "@honeydue/email";
import { eq } from "drizzle-orm";
import { hashCode, startSession } from "../src/accounts/tokens.ts";
import { issueRecoveryCodes, useRecoveryCode } from "../src/admin/totp.ts";
import { createAdmin } from "./admin-support.ts";
import { createUser, signIn } from "./fixtures.ts";
import { startTestApi, type TestApi } from "./support.ts";

// A rotation of the root secret, through the real routes: tokens made under the previous secret work on an
// API that has it as AUTH_SECRET_PREVIOUS until AUTH_SECRET_PREVIOUS_UNTIL, and not after; for every
// purpose that has a key.
const OLD = "rotation-old-secret-rotation-old-secret-0000";
const NEW = "rotation-new-secret-rotation-new-secret-1111";
const hourFromNow = new Date(Date.now() + 3600_000).toISOString();
const secondAgo = new Date(Date.now() - 1000).toISOString();

const before = await startTestApi({ env: { AUTH_SECRET: OLD } });
const databaseUrl = before.database.url;
assert.ok(databaseUrl, "the rotation test needs PostgreSQL (the three APIs share one database)");
const withPrevious = (until: string) =>
  startTestApi({
    databaseUrl,
    env: { AUTH_SECRET: NEW, AUTH_SECRET_PREVIOUS: OLD, AUTH_SECRET_PREVIOUS_UNTIL: until },
  });
const apis: Record<"grace" | "after" | "forgotten", TestApi> = {
  grace: await withPrevious(hourFromNow),
  after: await withPrevious(secondAgo),
  forgotten: await startTestApi({ databaseUrl, env: { AUTH_SECRET: NEW } }),
};

test("every purpose has its own key, and the key id names the root secret, not the key", () => {
  const ring = deriveKeyRing({ current: OLD });
  const keys = KEY_PURPOSES.map((p) => ring[p].current.key.toString("hex"));
  assert.equal(new Set(keys).size, KEY_PURPOSES.length, "no two purposes share a key");
  assert.ok(!keys.includes(Buffer.from(OLD).toString("hex")), "no key is the root secret itself");
  for (const p of KEY_PURPOSES) assert.equal(ring[p].current.id, keyIdOf(OLD));
  assert.notEqual(keyIdOf(OLD), keyIdOf(NEW));
  assert.ok(!OLD.includes(keyIdOf(OLD)));
});

test("settings: a previous secret needs the end of its grace period", async () => {
  const { loadApiSettings, SettingsError } = await import("@honeydue/config");
  const base = { AUTH_SECRET: NEW, DATA_DIR: "/tmp/honeydue-config-test" };
  for (const env of [
    { AUTH_SECRET_PREVIOUS: OLD },
    { AUTH_SECRET_PREVIOUS: OLD, AUTH_SECRET_PREVIOUS_UNTIL: "next week" },
    { AUTH_SECRET_PREVIOUS_UNTIL: hourFromNow },
  ]) {
    assert.throws(
      () => loadApiSettings({ ...base, ...env }),
      (error: unknown) =>
        error instanceof SettingsError && error.variables.some((v) => v.startsWith("AUTH_SECRET_PREVIOUS")),
      JSON.stringify(env),
    );
  }
  const settings = loadApiSettings({
    ...base,
    AUTH_SECRET_PREVIOUS: OLD,
    AUTH_SECRET_PREVIOUS_UNTIL: hourFromNow,
  });
  assert.equal(settings.authSecrets.previous?.until.toISOString(), hourFromNow);
});

test("access tokens: the previous secret's tokens work during the grace period, not after", async () => {
  const user = await createUser(before.deps);
  const me = (api: TestApi) =>
    api.app.inject({ method: "GET", url: "/v1/me", headers: user.auth }).then((r) => r.statusCode);
  assert.equal(await me(before), 200);
  assert.equal(await me(apis.grace), 200);
  assert.equal(await me(apis.after), 401);
  assert.equal(await me(apis.forgotten), 401);
  // New tokens are signed with the new secret's key: the API that never had it refuses them.
  const fresh = await signIn(apis.grace.deps, user);
  assert.equal(
    (await apis.grace.app.inject({ method: "GET", url: "/v1/me", headers: fresh.auth })).statusCode,
    200,
  );
  assert.equal(
    (await before.app.inject({ method: "GET", url: "/v1/me", headers: fresh.auth })).statusCode,
    401,
  );
});

test("verification codes: a code issued under the previous secret is accepted during the grace period only", async () => {
  const verify = async (api: TestApi) => {
    const user = await createUser(before.deps, { verified: false });
    await before.deps.db.insert(userTokens).values({
      userId: user.id,
      purpose: "verify_email",
      tokenHash: Buffer.from(randomUUID()),
      codeHash: hashCode(before.deps.keys["verification-code"], user.id, "314159"),
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const res = await api.app.inject({
      method: "POST",
      url: "/v1/auth/verify-email",
      // Signed in on the API under test (its access-token keys are not what this test is about).
      headers: (await signIn(api.deps, user)).auth,
      payload: { code: "314159" },
    });
    return res.statusCode;
  };
  assert.equal(await verify(apis.grace), 200);
  assert.equal(await verify(apis.after), 400);
  assert.equal(await verify(apis.forgotten), 400);
  assert.equal(await verify(before), 200);
});

test("unsubscribe links from earlier emails work during the grace period, not after", async () => {
  const user = await createUser(before.deps);
  const url = `/v1/unsubscribe/${unsubscribeToken(before.deps.keys["unsubscribe-link"], user.id)}`;
  const get = (api: TestApi) => api.app.inject({ method: "GET", url }).then((r) => r.statusCode);
  assert.equal(await get(apis.after), 404);
  assert.equal(await get(apis.forgotten), 404);
  assert.equal(await get(apis.grace), 200);
});

test("storage grants (local driver): URLs signed under the previous secret work during the grace period only", async () => {
  const key = `rotation/${randomUUID()}`;
  await before.deps.storage.put(key, Buffer.from("hello"), { contentType: "text/plain", size: 5 });
  const url = new URL(
    await before.deps.storage.signedGetUrl(key, {
      expiresIn: 300,
      filename: "a.txt",
      contentType: "text/plain",
    }),
  );
  const get = (api: TestApi) =>
    api.app.inject({ method: "GET", url: `${url.pathname}${url.search}` }).then((r) => r.statusCode);
  assert.equal(await get(before), 200);
  assert.equal(await get(apis.grace), 200);
  assert.equal(await get(apis.after), 403);
  assert.equal(await get(apis.forgotten), 403);
});

test("admin CSRF tokens: the panel's token from before the rotation works during the grace period only", async () => {
  const admin = await createAdmin(before.deps);
  // A state change that needs the CSRF token and has no other effect than ending the session: sign-out.
  // Refusals come first (they change nothing), then the grace API's success ends the session.
  const signOut = (api: TestApi) =>
    api.app.inject({ method: "POST", url: "/v1/admin/auth/sign-out", headers: admin.headers }).then((r) => ({
      status: r.statusCode,
      type: r.statusCode >= 400 ? r.json().type.split("/").pop() : undefined,
    }));
  assert.deepEqual(await signOut(apis.after), { status: 403, type: "csrf-token-invalid" });
  assert.deepEqual(await signOut(apis.forgotten), { status: 403, type: "csrf-token-invalid" });
  assert.equal((await signOut(apis.grace)).status, 204);
});

test("admin recovery codes issued before the rotation work during the grace period only", async () => {
  const admin = await createAdmin(before.deps);
  const codes = await issueRecoveryCodes(before.deps.db, before.deps.keys["admin-recovery-code"], admin.id);
  const use = (api: TestApi, code: string) =>
    useRecoveryCode(api.deps.db, api.deps.keys["admin-recovery-code"], admin.id, code);
  assert.equal(await use(apis.after, codes[0]!), false);
  assert.equal(await use(apis.forgotten, codes[0]!), false);
  assert.equal(await use(apis.grace, codes[0]!), true);
  assert.equal(await use(apis.grace, codes[0]!), false, "still single use");
});

test("calendar feeds and refresh tokens have no key: a rotation leaves them working", async () => {
  const user = await createUser(before.deps);
  const res = await before.app.inject({ method: "POST", url: "/v1/me/calendar-feed", headers: user.auth });
  assert.equal(res.statusCode, 201, res.body);
  const path = new URL(res.json().url).pathname;
  const feed = await apis.forgotten.app.inject({ method: "GET", url: path });
  assert.equal(feed.statusCode, 200, feed.body);
  const [row] = await before.deps.db.select().from(calendarFeeds).where(eq(calendarFeeds.userId, user.id));
  assert.ok(row, "the feed is stored as a hash of its random token: no key involved");
  // A refresh token from before the rotation gets an access token signed with the new secret's key.
  const session = await startSession(
    before.deps.db,
    { keys: before.deps.keys, accessTokenTtlSeconds: 900, refreshTokenTtlDays: 30 },
    { userId: user.id },
  );
  const refreshed = await apis.forgotten.app.inject({
    method: "POST",
    url: "/v1/auth/refresh",
    payload: { refreshToken: session.refreshToken },
  });
  assert.equal(refreshed.statusCode, 200, refreshed.body);
  const auth = { authorization: `Bearer ${refreshed.json().accessToken}` };
  assert.equal(
    (await apis.forgotten.app.inject({ method: "GET", url: "/v1/me", headers: auth })).statusCode,
    200,
  );
});

test("a running API stops accepting the previous secret's tokens at the end of the grace period", async () => {
  const user = await createUser(before.deps);
  const until = Date.now() + 20_000;
  const ending = await startTestApi({
    databaseUrl,
    env: {
      AUTH_SECRET: NEW,
      AUTH_SECRET_PREVIOUS: OLD,
      AUTH_SECRET_PREVIOUS_UNTIL: new Date(until).toISOString(),
    },
  });
  // Asked again and again: accepted only while the grace period lasts, refused from its end on, by the
  // same process (keys are looked up per request, not filtered once at boot).
  const answers: number[] = [];
  for (;;) {
    const sentAt = Date.now();
    const status = (await ending.app.inject({ method: "GET", url: "/v1/me", headers: user.auth })).statusCode;
    const answeredAt = Date.now();
    if (status === 200) assert.ok(sentAt < until, "accepted after the grace period");
    else {
      assert.equal(status, 401);
      assert.ok(answeredAt >= until, "refused during the grace period");
    }
    answers.push(status);
    if (status === 401) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.ok(answers.includes(200), `never accepted during the grace period: ${answers}`);
});
