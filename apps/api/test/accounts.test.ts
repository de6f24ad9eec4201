import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { outbox, sessions, users, userTokens } from "@honeydue/db";
import { eq, sql } from "drizzle-orm";
import { startTestApi } from "./support.ts";

const { app, deps, smtp } = await startTestApi({ smtp: true });
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

async function register(body: Record<string, unknown> = {}): Promise<Auth & { email: string }> {
  const email = (body.email as string) ?? uniqueEmail();
  const res = await app.inject({
    method: "POST",
    url: "/v1/auth/register",
    payload: { email, password: PASSWORD, name: "Pat Doe", ...body },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { ...res.json(), email };
}

async function login(email: string, password = PASSWORD, extra: Record<string, unknown> = {}) {
  return app.inject({ method: "POST", url: "/v1/auth/login", payload: { email, password, ...extra } });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const me = (token: string) => app.inject({ method: "GET", url: "/v1/me", headers: bearer(token) });
const refresh = (refreshToken: string) =>
  app.inject({ method: "POST", url: "/v1/auth/refresh", payload: { refreshToken } });

function assertProblem(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
  const body = JSON.parse(res.body);
  assert.equal(body.status, status);
  assert.ok(body.type && body.title);
  return body;
}

function linkToken(text: string, path: string): string {
  const m = new RegExp(`${WEB.replaceAll(".", "\\.")}${path}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  assert.ok(m, `no ${path} link in:\n${text}`);
  return m[1]!;
}

test("register creates an unverified account, signs the device in and emails a link and a code", async () => {
  const email = uniqueEmail("reg");
  const res = await app.inject({
    method: "POST",
    url: "/v1/auth/register",
    payload: {
      email,
      password: PASSWORD,
      name: "  Pat Doe ",
      timezone: "Europe/Berlin",
      deviceName: "Pat's phone",
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json();
  assert.equal(body.user.email, email);
  assert.equal(body.user.name, "Pat Doe");
  assert.equal(body.user.emailVerified, false);
  assert.equal(body.user.timezone, "Europe/Berlin");
  assert.ok(body.expiresIn > 0 && body.expiresIn <= 900);
  assert.ok(body.refreshToken.length >= 43);
  const profile = await me(body.accessToken);
  assert.equal(profile.statusCode, 200);
  assert.equal(profile.json().emailVerified, false);

  const message = await mail.waitFor(email);
  assert.match(message.subject, /confirm/i);
  linkToken(message.text, "/verify-email");
  linkToken(message.html, "/verify-email");
  assert.match(message.text, /code in the app: \d{6}/);
  // Only hashes are stored: the token from the mail is nowhere in user_tokens.
  const [row] = await deps.db.select().from(userTokens).where(eq(userTokens.userId, body.user.id));
  assert.ok(row && row.tokenHash.length === 32);
});
