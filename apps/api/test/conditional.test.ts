import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { unsubscribeToken } from "@honeydue/email";
import { notify } from "@honeydue/jobs";
import { multipart, png } from "./files-support.ts";
import { createHousehold, type Household } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { lastEmailJob, mailOfJob, startTestApi } from "./support.ts";

/**
 * Conditional requests, generated from the OpenAPI document: every GET that declares If-None-Match answers
 * with an ETag and a 304 for it; every PATCH/DELETE that declares If-Match answers 412 for a stale tag and
 * changes nothing, and accepts the current one. Paths are filled from a fresh household with one of
 * everything; a new parameter name or query without a value here fails the test.
 */

const { app, deps, smtp } = await startTestApi({ smtp: true });
await app.ready();
type Operation = { parameters?: { name: string; in: string }[] };
const document = app.swagger() as { paths: Record<string, Record<string, Operation>> };
const declares = (op: Operation, header: string) =>
  op.parameters?.some((p) => p.in === "header" && p.name === header) ?? false;
const operations = (method: string, header: string) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m, op]) => m === method && declares(op, header))
      .map(([, op]) => ({ path, op })),
  );

const today = new Date().toISOString().slice(0, 10);

/** A household with one of everything, and the value of every path parameter the API has. */
async function world() {
  const h: Household = await createHousehold(deps);
  const post = async (url: string, payload?: unknown, user = h.owner) => {
    const res = await app.inject({
      method: "POST",
      url,
      headers: user.auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    assert.ok(res.statusCode < 300, `${url}: ${res.body}`);
    return res.json();
  };
  const task = await post(`/v1/residences/${h.residence.id}/tasks`, {
    title: "Clean the gutters",
    dueOn: today,
  });
  const contractor = await post(`/v1/residences/${h.residence.id}/contractors`, { name: "Pat" });
  const { completion } = await post(`/v1/tasks/${task.id}/complete`, {
    dueOn: today,
    contractorId: contractor.id,
  });
  const document = await post(`/v1/residences/${h.residence.id}/documents`, {
    title: "Warranty",
    kind: "warranty",
  });
  const appliance = await post(`/v1/residences/${h.residence.id}/appliances`, {
    name: "Furnace",
    kind: "furnace",
  });
  const meter = await post(`/v1/residences/${h.residence.id}/meters`, {
    name: "Furnace hours",
    unit: "hours",
  });
  const inviteEmail = `${randomUUID()}@example.com`;
  const invite = await post(`/v1/residences/${h.residence.id}/invites`, { email: inviteEmail });
  const inviteMail = await mailOfJob(
    smtp,
    inviteEmail,
    await lastEmailJob(deps.db, "invite", "inviteId", invite.id),
  );
  const inviteToken = /\/invites\/([A-Za-z0-9_-]{43})/.exec(inviteMail.text)![1]!;
  const feed = await post("/v1/me/calendar-feed");
  const notificationId = await notify(deps.db, { userId: h.owner.id, kind: "invite.accepted", title: "Hi" });
  const upload = multipart(
    { purpose: "document", residenceId: h.residence.id },
    { filename: "scan.png", contentType: "image/png", data: await png(16, 16) },
  );
  const file = await app.inject({
    method: "POST",
    url: "/v1/uploads",
    headers: { ...h.owner.auth, ...upload.headers },
    payload: upload.payload,
  });
  assert.equal(file.statusCode, 201, file.body);
  const handoff = await post(`/v1/tasks/${task.id}/handoff-links`, {});
  const handover = await post(`/v1/residences/${h.residence.id}/handovers`, {
    email: `${randomUUID()}@example.com`,
  });
  const reportLink = await post(`/v1/residences/${h.residence.id}/report-links`, {});
  const calendarToken = /\/v1\/calendar\/([^/]+)\.ics$/.exec(feed.url)![1]!;
  const params: Record<string, string> = {
    residenceId: h.residence.id,
    userId: h.member.id,
    taskId: task.id,
    completionId: completion.id,
    contractorId: contractor.id,
    documentId: document.id,
    applianceId: appliance.id,
    meterId: meter.id,
    inviteId: invite.id,
    notificationId: notificationId!,
    fileId: file.json().id,
    handoffLinkId: handoff.id,
    handoverId: handover.id,
    reportLinkId: reportLink.id,
  };
  const tokens: Record<string, string> = {
    "/v1/invites/{token}": inviteToken,
    "/v1/calendar/{token}.ics": calendarToken,
    "/v1/handoff/{token}": handoff.token,
    "/v1/unsubscribe/{token}": unsubscribeToken(deps.keys["unsubscribe-link"], h.owner.id),
  };
  const queries: Record<string, string> = { "/v1/residences/{residenceId}/search": "?q=gutters" };
  const url = (path: string) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = name === "token" ? tokens[path] : params[name];
      assert.ok(value, `no value for {${name}} in ${path}`);
      return value;
    }) + (queries[path] ?? "");
  return { h, url };
}

test("GETs declare If-None-Match in the document, resource and list alike", () => {
  const gets = operations("get", "if-none-match").map((o) => o.path);
  for (const path of ["/v1/residences", "/v1/tasks/{taskId}", "/v1/residences/{residenceId}/tasks", "/v1/me"])
    assert.ok(gets.includes(path), path);
  const ifMatch = operations("patch", "if-match").map((o) => o.path);
  assert.ok(ifMatch.includes("/v1/tasks/{taskId}"));
});

test("every GET answers an ETag, and 304 without a body for a current If-None-Match", async () => {
  const { h, url } = await world();
  for (const { path } of operations("get", "if-none-match")) {
    const target = url(path);
    const first = await app.inject({ method: "GET", url: target, headers: h.owner.auth });
    assert.equal(first.statusCode, 200, `${path}: ${first.body}`);
    const etag = first.headers.etag as string;
    assert.match(etag, /^"[^"]+"$/, `${path} has no strong ETag`);
    const again = await app.inject({
      method: "GET",
      url: target,
      headers: { ...h.owner.auth, "if-none-match": `"other", ${etag}` },
    });
    assert.equal(again.statusCode, 304, `${path}: ${again.statusCode}`);
    assert.equal(again.body, "");
    assert.equal(again.headers.etag, etag);
    const stale = await app.inject({
      method: "GET",
      url: target,
      headers: { ...h.owner.auth, "if-none-match": '"stale"' },
    });
    assert.equal(stale.statusCode, 200, path);
  }
});

/** Bodies of the PATCH and DELETE operations that need one. */
const bodies: Record<string, unknown> = {
  "PATCH /v1/residences/{residenceId}": { name: "Renamed" },
  "PATCH /v1/residences/{residenceId}/members/{userId}": { role: "viewer" },
  "PATCH /v1/tasks/{taskId}": { title: "Renamed" },
  "PATCH /v1/contractors/{contractorId}": { name: "Renamed" },
  "PATCH /v1/documents/{documentId}": { title: "Renamed" },
  "PATCH /v1/appliances/{applianceId}": { name: "Renamed" },
  "PATCH /v1/meters/{meterId}": { name: "Renamed" },
  "PATCH /v1/me": { name: "Renamed" },
  "DELETE /v1/me": { password: "not-the-password" },
};

test("every PATCH and DELETE with If-Match: 412 for a stale tag with nothing changed, the current tag goes through", async () => {
  const conditional = [...operations("patch", "if-match"), ...operations("delete", "if-match")];
  assert.ok(conditional.length >= 10, conditional.map((o) => o.path).join());
  for (const method of ["patch", "delete"] as const) {
    for (const { path } of operations(method, "if-match")) {
      const name = `${method.toUpperCase()} ${path}`;
      if (method === "patch") assert.ok(name in bodies, `no body for ${name}`);
      const { h, url } = await world();
      const target = url(path);
      const read = await app.inject({ method: "GET", url: target, headers: h.owner.auth });
      assert.equal(read.statusCode, 200, `${name}: ${read.body}`);
      const etag = read.headers.etag as string;
      const write = (ifMatch: string) =>
        app.inject({
          method: method.toUpperCase() as "PATCH" | "DELETE",
          url: target,
          headers: { ...h.owner.auth, "if-match": ifMatch },
          ...(name in bodies ? { payload: bodies[name] as object } : {}),
        });
      const stale = await write('"stale"');
      assertProblem(stale, 412);
      assert.equal(stale.json().currentETag, etag, name);
      const unchanged = await app.inject({ method: "GET", url: target, headers: h.owner.auth });
      assert.equal(unchanged.headers.etag, etag, `${name} changed something despite the 412`);
      const current = await write(etag);
      assert.notEqual(current.statusCode, 412, `${name}: ${current.body}`);
      if (method === "patch") {
        assert.equal(current.statusCode, 200, `${name}: ${current.body}`);
        // The copy it was based on is now stale.
        assertProblem(await write(etag), 412);
      }
    }
  }
});

test("without If-Match a PATCH still goes through (the apps send it; others may not)", async () => {
  const { h, url } = await world();
  const res = await app.inject({
    method: "PATCH",
    url: url("/v1/tasks/{taskId}"),
    headers: h.member.auth,
    payload: { title: "No precondition" },
  });
  assert.equal(res.statusCode, 200, res.body);
});
