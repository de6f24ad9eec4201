import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createSecureServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadPushSettings } from "@honeydue/config";
import { devices, pushDeliveries, users } from "@honeydue/db";
import { createLogger, createMetrics } from "@honeydue/observability";
import { createPushProviders } from "@honeydue/push";
import { createTestDatabase } from "@honeydue/testkit";
import { eq } from "drizzle-orm";
import { exportPKCS8, exportSPKI, generateKeyPair, importSPKI, jwtVerify } from "jose";
import { sendPushJob } from "../src/jobs/push/handlers.ts";

const { handle } = await createTestDatabase();
const db = handle.db;
const log = createLogger({ level: "silent", role: "worker" });

// --- A local APNs: HTTP/2 over TLS with a self-signed certificate, checking the ES256 provider token.
const dir = mkdtempSync(join(tmpdir(), "apns-"));
execFileSync(
  "openssl",
  [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    join(dir, "key.pem"),
    "-out",
    join(dir, "cert.pem"),
    "-days",
    "1",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
  ],
  { stdio: "ignore" },
);
const cert = readFileSync(join(dir, "cert.pem"), "utf8");
const apnsKeys = await generateKeyPair("ES256", { extractable: true });
const apnsPublic = await importSPKI(await exportSPKI(apnsKeys.publicKey), "ES256");
const apnsRequests: {
  token: string;
  topic: string;
  pushType: string;
  body: Record<string, unknown>;
  kid: string;
  iss: string;
}[] = [];
let apnsConnections = 0;
const apns = createSecureServer({ key: readFileSync(join(dir, "key.pem")), cert });
apns.on("session", () => apnsConnections++);
apns.on("stream", (stream, headers) => {
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  stream.on("end", async () => {
    const reply = (status: number, body?: unknown) => {
      stream.respond({ ":status": status, "apns-id": "11111111-2222-3333-4444-555555555555" });
      stream.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const auth = String(headers.authorization ?? "");
    try {
      const { payload, protectedHeader } = await jwtVerify(auth.replace(/^bearer /, ""), apnsPublic, {
        algorithms: ["ES256"],
        issuer: "TEAM123456",
      });
      const token = String(headers[":path"]).replace("/3/device/", "");
      apnsRequests.push({
        token,
        topic: String(headers["apns-topic"]),
        pushType: String(headers["apns-push-type"]),
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
        kid: String(protectedHeader.kid),
        iss: String(payload.iss),
      });
      if (headers[":method"] !== "POST") return reply(405, { reason: "MethodNotAllowed" });
      if (token === "dead".repeat(16)) return reply(410, { reason: "Unregistered", timestamp: Date.now() });
      reply(200);
    } catch {
      reply(403, { reason: "InvalidProviderToken" });
    }
  });
});
await new Promise<void>((resolve) => apns.listen(0, "127.0.0.1", resolve));
after(() => new Promise<void>((resolve) => apns.close(() => resolve())));

// --- A local FCM: the OAuth token endpoint (JWT bearer grant) and messages:send of HTTP v1.
const fcmKeys = await generateKeyPair("RS256", { extractable: true });
const fcmPublic = await importSPKI(await exportSPKI(fcmKeys.publicKey), "RS256");
const fcmSends: { token: string; title: string }[] = [];
let fcmConnections = 0;
const fcm = createHttpServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (req.url === "/token") {
      const form = new URLSearchParams(body);
      try {
        assert.equal(form.get("grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer");
        const { payload } = await jwtVerify(form.get("assertion")!, fcmPublic, {
          issuer: "push@honeydue-test.iam.gserviceaccount.com",
          audience: `${fcmUrl}/token`,
        });
        assert.equal(payload.scope, "https://www.googleapis.com/auth/firebase.messaging");
        return json(200, { access_token: "ya29.test-access", expires_in: 3599, token_type: "Bearer" });
      } catch {
        return json(400, { error: "invalid_grant" });
      }
    }
    if (req.url === "/v1/projects/honeydue-test/messages:send") {
      if (req.headers.authorization !== "Bearer ya29.test-access")
        return json(401, { error: { status: "UNAUTHENTICATED" } });
      const message = JSON.parse(body).message as { token: string; notification: { title: string } };
      fcmSends.push({ token: message.token, title: message.notification.title });
      if (message.token === "fcm-gone-token")
        return json(404, {
          error: {
            code: 404,
            status: "NOT_FOUND",
            details: [
              { "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: "UNREGISTERED" },
            ],
          },
        });
      return json(200, { name: "projects/honeydue-test/messages/0:1" });
    }
    json(404, {});
  });
});
fcm.on("connection", () => fcmConnections++);
await new Promise<void>((resolve) => fcm.listen(0, "127.0.0.1", resolve));
const fcmUrl = `http://127.0.0.1:${(fcm.address() as AddressInfo).port}`;
after(() => new Promise<void>((resolve) => fcm.close(() => resolve())));

const pushEnv = {
  APNS_TEAM_ID: "TEAM123456",
  APNS_KEY_ID: "KEY7654321",
  APNS_PRIVATE_KEY: await exportPKCS8(apnsKeys.privateKey),
  APNS_BUNDLE_ID: "app.honeydue.ios",
  APNS_URL: `https://127.0.0.1:${(apns.address() as AddressInfo).port}`,
  FCM_SERVICE_ACCOUNT_JSON: JSON.stringify({
    type: "service_account",
    project_id: "honeydue-test",
    client_email: "push@honeydue-test.iam.gserviceaccount.com",
    private_key: await exportPKCS8(fcmKeys.privateKey),
    token_uri: `${fcmUrl}/token`,
  }),
  FCM_URL: fcmUrl,
};

const [user] = await db
  .insert(users)
  .values({ email: "push@example.test", name: "Pat", passwordHash: "x" })
  .returning();
const message = {
  userId: user!.id,
  kind: "task.assigned",
  title: "Sam assigned you “Clean gutters”",
  body: "",
};

test("push off: boots with sentinel credentials, no connection is made, the skip is counted", async () => {
  const settings = loadPushSettings({
    ...pushEnv,
    FEATURE_PUSH_ENABLED: "false",
    APNS_PRIVATE_KEY: "",
    FCM_SERVICE_ACCOUNT_JSON: "",
  });
  assert.equal(settings.enabled, false);
  await db.insert(devices).values([
    { userId: user!.id, platform: "ios", token: "beef".repeat(16) },
    { userId: user!.id, platform: "android", token: "fcm-live-token" },
  ]);
  const metrics = createMetrics("worker", { defaultMetrics: false });
  await sendPushJob({ db, log, push: createPushProviders(settings), metrics }, message, {
    jobId: "off-1",
    attempt: 1,
  });
  assert.equal(apnsConnections + fcmConnections, 0);
  const skipped = (await metrics.pushesTotal.get()).values.filter((v) => v.labels.outcome === "skipped");
  assert.deepEqual(skipped.map((v) => [v.labels.platform, v.value]).sort(), [
    ["android", 1],
    ["ios", 1],
  ]);
  assert.equal((await db.select().from(pushDeliveries)).length, 0);
});

test("push on without credentials refuses to boot", () => {
  assert.throws(() => loadPushSettings({ FEATURE_PUSH_ENABLED: "true" }), /APNS_TEAM_ID/);
});

test("push on: APNs (HTTP/2, ES256 token) and FCM (v1, service-account OAuth) receive signed requests, once per job", async () => {
  const push = createPushProviders(loadPushSettings({ ...pushEnv, FEATURE_PUSH_ENABLED: "true" }), {
    apnsCa: cert,
  });
  const metrics = createMetrics("worker", { defaultMetrics: false });
  await sendPushJob({ db, log, push, metrics }, message, { jobId: "on-1", attempt: 1 });
  assert.equal(apnsRequests.length, 1);
  const [a] = apnsRequests;
  assert.deepEqual(
    [a!.token, a!.topic, a!.pushType, a!.kid, a!.iss],
    ["beef".repeat(16), "app.honeydue.ios", "alert", "KEY7654321", "TEAM123456"],
  );
  assert.deepEqual((a!.body.aps as { alert: unknown }).alert, { title: message.title, body: "" });
  assert.deepEqual(fcmSends, [{ token: "fcm-live-token", title: message.title }]);
  // The same job delivered again sends nothing more.
  await sendPushJob({ db, log, push, metrics }, message, { jobId: "on-1", attempt: 2 });
  assert.equal(apnsRequests.length, 1);
  assert.equal(fcmSends.length, 1);
  const sent = await db.select().from(pushDeliveries).where(eq(pushDeliveries.jobId, "on-1"));
  assert.deepEqual(
    sent.map((d) => d.status),
    ["sent", "sent"],
  );
  push.close();
});

test("a person who turned pushes off gets none (a recall, a reminder): no request, no delivery claimed", async () => {
  const push = createPushProviders(loadPushSettings({ ...pushEnv, FEATURE_PUSH_ENABLED: "true" }), {
    apnsCa: cert,
  });
  const [before, beforeFcm] = [apnsRequests.length, fcmSends.length];
  await db.update(users).set({ pushEnabled: false }).where(eq(users.id, user!.id));
  try {
    const recall = { ...message, kind: "appliance.recalled", title: "Recall: Kitchen dishwasher" };
    await sendPushJob({ db, log, push }, recall, { jobId: "quiet-1", attempt: 1 });
    assert.equal(apnsRequests.length, before);
    assert.equal(fcmSends.length, beforeFcm);
    assert.deepEqual(await db.select().from(pushDeliveries).where(eq(pushDeliveries.jobId, "quiet-1")), []);
    // Turned back on, the same kind of message reaches both devices.
    await db.update(users).set({ pushEnabled: true }).where(eq(users.id, user!.id));
    await sendPushJob({ db, log, push }, recall, { jobId: "quiet-2", attempt: 1 });
    assert.equal(apnsRequests.length, before + 1);
    assert.equal(fcmSends.length, beforeFcm + 1);
  } finally {
    await db.update(users).set({ pushEnabled: true }).where(eq(users.id, user!.id));
    push.close();
  }
});

test("APNs 410 and FCM UNREGISTERED remove the device", async () => {
  await db.insert(devices).values([
    { userId: user!.id, platform: "ios", token: "dead".repeat(16) },
    { userId: user!.id, platform: "android", token: "fcm-gone-token" },
  ]);
  const push = createPushProviders(loadPushSettings({ ...pushEnv, FEATURE_PUSH_ENABLED: "true" }), {
    apnsCa: cert,
  });
  await sendPushJob({ db, log, push }, message, { jobId: "gone-1", attempt: 1 });
  const left = await db.select({ token: devices.token }).from(devices).where(eq(devices.userId, user!.id));
  assert.deepEqual(left.map((d) => d.token).sort(), ["beef".repeat(16), "fcm-live-token"]);
  const gone = await db.select().from(pushDeliveries).where(eq(pushDeliveries.jobId, "gone-1"));
  assert.deepEqual(gone.filter((d) => d.status === "gone").length, 2);
  push.close();
});
