import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { type ApiCall, signUpByEmail } from "@honeydue/testkit";
import type { Pools } from "./arbitraries.ts";
import type { FuzzApi } from "./server.ts";

export interface FuzzUser {
  id: string;
  email: string;
  token: string;
  refreshToken: string;
}

export interface FuzzWorld {
  owner: FuzzUser;
  member: FuzzUser;
  viewer: FuzzUser;
  /** Used for the operations that end sessions or delete things wholesale, so the others keep working. */
  victim: FuzzUser;
  /** Real values by parameter/field name, for requests that should reach real rows. */
  pools: Pools;
}

async function call(api: FuzzApi, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(api.base + path, {
    method,
    headers: {
      "x-forwarded-for": api.clientIp,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, text };
}

async function expectStatus(
  api: FuzzApi,
  status: number,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
) {
  const res = await call(api, method, path, token, body);
  assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
  return res.json;
}

/** Signs up as a person would: register, the link from the verification email, sign in. */
async function signUp(api: FuzzApi, name: string): Promise<FuzzUser> {
  const email = `fuzz-${name}-${randomUUID().slice(0, 8)}@example.test`;
  const viaClientIp: ApiCall = async (method, path, body, headers) => {
    const res = await call(api, method, path, headers?.authorization?.slice("Bearer ".length), body);
    return { status: res.status, body: res.json ?? null };
  };
  const signed = await signUpByEmail(viaClientIp, api.smtp, {
    email,
    password: "correct horse battery staple",
    name: `Fuzz ${name}`,
  });
  assert.equal(signed.user.emailVerified, true);
  return { id: signed.user.id, email, token: signed.accessToken, refreshToken: signed.refreshToken };
}

/**
 * The world the fuzz requests act on, built through the API: verified users with a residence (owner,
 * member and viewer joined by share code), a task, a completion, a contractor, a document, a device and
 * a pending upload; their ids fill the pools.
 */
export async function seedWorld(api: FuzzApi): Promise<FuzzWorld> {
  const [owner, member, viewer, victim] = await Promise.all(
    ["owner", "member", "viewer", "victim"].map((n) => signUp(api, n)),
  );
  const residence = await expectStatus(api, 201, "POST", "/v1/residences", owner!.token, {
    name: "Fuzz House",
    timezone: "Europe/Berlin",
  });
  const victimResidence = await expectStatus(api, 201, "POST", "/v1/residences", victim!.token, {
    name: "Spare",
  });
  for (const [user, role] of [
    [member!, "member"],
    [viewer!, "viewer"],
  ] as const) {
    const share = await expectStatus(
      api,
      201,
      "POST",
      `/v1/residences/${residence.id}/share-code`,
      owner!.token,
      { role },
    );
    const code = share.code as string;
    await expectStatus(api, 200, "POST", `/v1/share-codes/${code}/join`, user.token);
  }
  const r = `/v1/residences/${residence.id}`;
  const contractor = await expectStatus(api, 201, "POST", `${r}/contractors`, owner!.token, {
    name: "Fix-It Felix",
  });
  const task = await expectStatus(api, 201, "POST", `${r}/tasks`, owner!.token, {
    title: "Clean the gutters",
    dueOn: "2030-05-01",
  });
  const other = await expectStatus(api, 201, "POST", `${r}/tasks`, owner!.token, {
    title: "Test the smoke alarms",
  });
  const completion = await expectStatus(api, 201, "POST", `/v1/tasks/${task.id}/complete`, owner!.token, {
    dueOn: task.dueOn ?? "2030-05-01",
  });
  const document = await expectStatus(api, 201, "POST", `${r}/documents`, owner!.token, {
    title: "Boiler warranty",
    kind: "warranty",
    expiresOn: "2031-01-01",
  });
  const device = await call(api, "POST", "/v1/devices", owner!.token, {
    platform: "ios",
    token: `fuzz-${randomUUID()}`,
  });
  const upload = await expectStatus(api, 201, "POST", "/v1/uploads/presign", owner!.token, {
    purpose: "document",
    contentType: "application/pdf",
    size: 1000,
    residenceId: residence.id,
  });
  const victimSessions = await expectStatus(api, 200, "GET", "/v1/me/sessions", victim!.token);
  const sessionIds = (Array.isArray(victimSessions) ? victimSessions : (victimSessions.items ?? [])).map(
    (s: { id: string }) => s.id,
  );
  const completionId = (completion.id ?? completion.completion?.id) as string | undefined;
  const pools: Pools = {
    residenceId: [residence.id, victimResidence.id],
    taskId: [task.id, other.id],
    contractorId: [contractor.id],
    documentId: [document.id],
    completionId: completionId ? [completionId] : [],
    userId: [owner!.id, member!.id, viewer!.id],
    assigneeId: [member!.id],
    sessionId: sessionIds,
    deviceId: device.json?.id ? [device.json.id] : [],
    uploadId: [upload.uploadId],
    fileId: [upload.uploadId],
    dueOn: [task.dueOn ?? "2030-05-01"],
    timezone: ["Europe/Berlin", "UTC", "America/New_York"],
    currency: ["EUR", "USD"],
    email: [member!.email],
  };
  return { owner: owner!, member: member!, viewer: viewer!, victim: victim!, pools };
}
