import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { test } from "node:test";
import { loggerOptions } from "@honeydue/observability";
import pino from "pino";
import { startTestApi } from "./support.ts";

// Every log line of the API (and its job runner) at the most verbose level, kept in memory.
const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, callback) {
    lines.push(chunk.toString());
    callback();
  },
});
const log = pino(loggerOptions({ level: "trace", role: "api" }), sink);
const { app, smtp } = await startTestApi({ smtp: true, log });
const mail = smtp!;

test("logs never contain passwords, tokens or codes", async () => {
  const email = `logs-${randomBytes(5).toString("hex")}@example.com`;
  const password = `Pw-${randomBytes(8).toString("hex")}`;
  const newPassword = `Np-${randomBytes(8).toString("hex")}`;
  const secrets: string[] = [password, newPassword];
  const post = (url: string, payload: object, token?: string) =>
    app.inject({
      method: "POST",
      url,
      payload,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  const reg = await post("/v1/auth/register", { email, password, name: "Logan" });
  assert.equal(reg.statusCode, 202);
  const verifyMail = await mail.waitFor(email, undefined, 30_000);
  const verifyToken = /verify-email\?token=([\w-]+)/.exec(verifyMail.text)![1]!;
  const code = /code in the app: (\d{6})/.exec(verifyMail.text)![1]!;
  secrets.push(verifyToken, code);
  // The public code form (address + code), then sign in.
  assert.equal((await post("/v1/auth/verify-email", { email, code })).statusCode, 200);

  assert.equal((await post("/v1/auth/login", { email, password: `${password}x` })).statusCode, 401);
  const login = await post("/v1/auth/login", { email, password });
  secrets.push(login.json().accessToken, login.json().refreshToken);
  const refreshed = await post("/v1/auth/refresh", { refreshToken: login.json().refreshToken });
  secrets.push(refreshed.json().refreshToken, refreshed.json().accessToken);
  // Reuse (logged as a warning, without the token).
  assert.equal((await post("/v1/auth/refresh", { refreshToken: login.json().refreshToken })).statusCode, 401);

  assert.equal((await post("/v1/auth/forgot-password", { email })).statusCode, 202);
  const resetMail = await mail.waitFor(email, (m) => /reset/i.test(m.subject));
  const resetToken = /reset-password\?token=([\w-]+)/.exec(resetMail.text)![1]!;
  secrets.push(resetToken);
  assert.equal(
    (await post("/v1/auth/reset-password", { token: resetToken, password: newPassword })).statusCode,
    204,
  );
  await mail.waitFor(email, (m) => /changed/i.test(m.subject));

  const again = await post("/v1/auth/login", { email, password: newPassword });
  const change = await post(
    "/v1/me/password",
    { currentPassword: newPassword, password: `${password}-2` },
    again.json().accessToken,
  );
  assert.equal(change.statusCode, 200);
  secrets.push(`${password}-2`, change.json().refreshToken);

  const all = lines.join("");
  assert.ok(lines.length > 10, "expected log lines (requests, jobs)");
  assert.match(all, /"route":"\/v1\/auth\/login"/);
  for (const secret of secrets)
    assert.ok(!all.includes(secret), `a log line contains the secret ${secret.slice(0, 6)}…`);
});
