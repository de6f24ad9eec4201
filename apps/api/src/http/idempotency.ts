import { createHash } from "node:crypto";
import { queryRows } from "@honeydue/db";
import { sql } from "drizzle-orm";
import type { FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import type { App } from "./app-type.ts";
import { maybePrincipal } from "./auth.ts";
import { HttpProblem, invalidField } from "./problem.ts";
import { commitBeforeSending, handleInTransaction, type WriteContext } from "./write-context.ts";

/**
 * Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) on every bearer POST that creates something
 * or acts. The first response (status and body) is stored with the key, scoped to the caller, in the SAME
 * transaction as the request's effect (see write-context.ts), for 24 hours. A retry gets it back with
 * `Idempotent-Replayed: true`; the same key with another request is 422; a retry while the first is still
 * running is 409. Error answers are not stored: nothing happened, so a retry may try again.
 */

/** Bearer POSTs left out, and why. Everything else that is a bearer POST takes a key. */
export const NOT_IDEMPOTENT: ReadonlyMap<string, string> = new Map([
  ["/v1/me/password", "its answer is a new token pair, and tokens are never kept"],
  ["/v1/me/calendar-feed", "its answer holds the feed's secret URL, which is never kept"],
  ["/v1/auth/logout", "signing out twice is harmless"],
  ["/v1/tasks/:taskId/handoff-links", "its answer holds the hand-off link's secret, which is never kept"],
  [
    "/v1/residences/:residenceId/report-links",
    "its answer holds the report link's secret, which is never kept",
  ],
]);

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const REPLAYED_HEADER = "idempotent-replayed";
const IDEMPOTENT_MARK = "x-idempotent";
const KEY_DESCRIPTION =
  "A unique key (a UUID) for this operation, the same on every retry. A retry within 24 hours returns the " +
  "first response with `Idempotent-Replayed: true` and changes nothing; the same key with a different " +
  "request is 422; a retry while the first is still running is 409. A Structured Field string " +
  '(`"…"`) or the bare key.';

/** The rows of a raw `execute` (node-postgres and PGlite both answer `{ rows }`). */

function isIdempotentRoute(route: RouteOptions): boolean {
  const methods = [route.method].flat();
  if (!methods.includes("POST")) return false;
  if (!route.schema?.security?.length) return false;
  // The admin panel's API has its own session and no offline client.
  if (route.url.startsWith("/v1/admin/")) return false;
  return !NOT_IDEMPOTENT.has(route.url);
}

/** The key without the quotes of an sf-string. */
function keyOf(raw: string): string {
  const trimmed = raw.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1)
    : trimmed;
}

/**
 * What makes two requests "the same": method, path and query, and the validated JSON body. A multipart
 * upload's body is a stream that is not compared (its boundary differs on every retry).
 */
function fingerprintOf(request: FastifyRequest): string {
  const body = request.body === undefined ? "" : JSON.stringify(request.body);
  return createHash("sha256").update(`${request.method} ${request.url}\n${body}`).digest("base64url");
}

export const inFlight = () =>
  new HttpProblem({
    status: 409,
    type: "idempotency-key-in-use",
    title: "A request with this Idempotency-Key is still being processed",
    detail: "Retry once the first request has finished; its response will then be returned",
  });

export const keyReused = () =>
  new HttpProblem({
    status: 422,
    type: "idempotency-key-reused",
    title: "This Idempotency-Key was used for a different request",
    detail: "Use a new key for a new request; a retry must repeat the first request exactly",
  });

/**
 * Registers the Idempotency-Key handling: call before any route is added (it works through an onRoute
 * hook, which also documents the header and the 409/422 answers on every such operation).
 */
export function registerIdempotency(app: App, write: WriteContext) {
  app.addHook("onRoute", (route) => {
    if (!isIdempotentRoute(route)) return;
    const schema = (route.schema ?? {}) as Record<string, unknown> & {
      response?: Record<string, unknown>;
      description?: string;
    };
    // The header itself is documented by the OpenAPI transform (documentIdempotencyKey): a `headers`
    // schema here would be validated in place and strip every other request header.
    route.schema = {
      ...schema,
      ...{ [IDEMPOTENT_MARK]: true },
      response: {
        ...schema.response,
        409: schema.response?.[409] ?? { $ref: "Problem#" },
        422: schema.response?.[422] ?? { $ref: "Problem#" },
      },
      description: `${schema.description ? `${schema.description}\n\n` : ""}Idempotent with an \`Idempotency-Key\` header.`,
    };
    const handler = route.handler;
    route.handler = async function idempotentHandler(request, reply) {
      const raw = request.headers[IDEMPOTENCY_HEADER];
      // Without a key, or anonymous on a route where signing in is optional, it is a plain request.
      const caller = maybePrincipal(request);
      if (raw === undefined || !caller) return handler.call(this, request, reply);
      const key = typeof raw === "string" ? keyOf(raw) : "";
      if (key.length < 1 || key.length > 255)
        throw invalidField("headers.idempotency-key", "must be one key of 1 to 255 characters");
      return runIdempotent(write, request, reply, { userId: caller.userId, key }, () =>
        handler.call(this, request, reply),
      );
    };
    route.onSend = [...[route.onSend ?? []].flat(), commitBeforeSending];
  });
}

async function runIdempotent(
  write: WriteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  { userId, key }: { userId: string; key: string },
  handle: () => unknown,
) {
  const fingerprint = fingerprintOf(request);
  const target = `${request.method} ${request.routeOptions.url}`;
  const replay = await handleInTransaction(write, request, reply, handle, {
    async before(tx) {
      // One request per key at a time; a second one while this runs is told so rather than kept waiting.
      const [lock] = await queryRows<{ ok: boolean }>(
        tx,
        sql`SELECT pg_try_advisory_xact_lock(hashtextextended(${`idempotency:${userId}:${key}`}, 0)) AS ok`,
      );
      if (!lock?.ok) throw inFlight();
      const [prior] = await queryRows<{
        fingerprint: string;
        status_code: number;
        content_type: string | null;
        body: string;
        live: boolean;
      }>(
        tx,
        sql`SELECT fingerprint, status_code, content_type, body, expires_at > now() AS live
            FROM idempotency_keys WHERE user_id = ${userId} AND key = ${key}`,
      );
      if (prior?.live) {
        if (prior.fingerprint !== fingerprint) throw keyReused();
        return prior;
      }
      if (prior)
        await tx.execute(sql`DELETE FROM idempotency_keys WHERE user_id = ${userId} AND key = ${key}`);
      return undefined;
    },
    async after(tx, response) {
      await tx.execute(
        sql`INSERT INTO idempotency_keys (user_id, key, request, fingerprint, status_code, content_type, body)
            VALUES (${userId}, ${key}, ${target}, ${fingerprint}, ${response.status},
                    ${response.contentType ?? null}, ${response.payload})`,
      );
    },
  });
  if (!replay) return reply;
  reply.status(replay.status_code).header(REPLAYED_HEADER, "true");
  if (replay.content_type) reply.header("content-type", replay.content_type);
  return reply.send(replay.status_code === 204 ? undefined : replay.body);
}

/**
 * OpenAPI transform: the Idempotency-Key header parameter on the operations registerIdempotency wrapped.
 */
export function documentIdempotencyKey(schema: Record<string, unknown>): Record<string, unknown> {
  if (!schema[IDEMPOTENT_MARK]) return schema;
  const { [IDEMPOTENT_MARK]: _mark, ...rest } = schema;
  const headers = (rest.headers ?? { type: "object", properties: {} }) as {
    properties?: Record<string, unknown>;
  };
  return {
    ...rest,
    headers: {
      ...headers,
      type: "object",
      properties: {
        ...headers.properties,
        [IDEMPOTENCY_HEADER]: { type: "string", minLength: 1, maxLength: 255, description: KEY_DESCRIPTION },
      },
    },
  };
}
