import { hash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import type { App } from "./app-type.ts";
import { HttpProblem } from "./problem.ts";
import { commitBeforeSending, handleInTransaction, type WriteContext } from "./write-context.ts";

/**
 * Conditional requests (RFC 9110 §13). Every GET answered with a body carries a strong ETag, a hash of the
 * exact response bytes (so it is per caller where the representation is: a task's state follows the
 * caller's horizon); `If-None-Match` with a current tag answers 304 without a body.
 *
 * A PATCH or DELETE of a path that also has a GET honours `If-Match`: in one transaction, under a lock on
 * the path, the GET is answered internally for the caller and its ETag compared; a mismatch is 412 and
 * nothing changes. So two devices editing the same thing cannot silently overwrite each other.
 */

const ETAG_MARK = "x-etag";

/** GETs without an ETag, and why. */
export const NO_ETAG: ReadonlyMap<string, string> = new Map([
  ["/v1/me/export", "a new snapshot on every call (exportedAt), downloaded rather than cached"],
  ["/v1/sync", "every answer carries a new cursor: the feed is its own way of asking what changed"],
  ["/v1/storage", "the local storage driver's presigned download: the stored bytes as they are"],
  [
    "/v1/residences/:residenceId/home-history.pdf",
    "a PDF rendered anew on every call, downloaded rather than cached",
  ],
  ["/v1/reports/:token", "a PDF rendered anew on every call, downloaded rather than cached"],
]);
const IF_MATCH_MARK = "x-if-match";

/** A strong validator of these bytes. */
export function etagOf(bytes: string | Buffer): string {
  return `"${hash("sha1", bytes, "base64url")}"`;
}

/** Does a list of entity tags (`If-None-Match`, `If-Match`) name this tag? Weak comparison when `weak`. */
export function tagListMatches(header: string, etag: string, weak: boolean): boolean {
  const wanted = weak ? etag.replace(/^W\//, "") : etag;
  for (const raw of header.split(",")) {
    const tag = raw.trim();
    if (tag === "*") return true;
    if (tag === wanted || (weak && tag.replace(/^W\//, "") === wanted)) return true;
  }
  return false;
}

export const preconditionFailed = (etag: string | undefined) =>
  new HttpProblem({
    status: 412,
    type: "precondition-failed",
    title: "The resource has changed",
    detail: etag
      ? "It was changed since you read it (If-Match): read it again, reapply your change and send it with the new ETag"
      : "It no longer exists",
    ...(etag ? { extensions: { currentETag: etag } } : {}),
  });

// Callback-style: an async hook costs every GET a promise.
function tagResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: null, payload: unknown) => void,
) {
  if (reply.statusCode !== 200) return done(null, payload);
  // A route may set its own validator (a streamed file); otherwise the bytes are hashed.
  let etag = reply.getHeader("etag") as string | undefined;
  let body = payload;
  if (!etag) {
    if (typeof payload !== "string" && !Buffer.isBuffer(payload)) return done(null, payload);
    // Encoded once: the bytes hashed are the bytes written (a string would be encoded again for the socket).
    body = typeof payload === "string" ? Buffer.from(payload) : payload;
    etag = etagOf(body as Buffer);
    reply.header("etag", etag);
  }
  const ifNoneMatch = request.headers["if-none-match"];
  if (ifNoneMatch && tagListMatches(ifNoneMatch, etag, true)) {
    reply.code(304);
    reply.removeHeader("content-length");
    // A stream that will not be sent must still be closed.
    if (body && typeof (body as { destroy?: () => void }).destroy === "function")
      (body as { destroy: () => void }).destroy();
    return done(null, "");
  }
  done(null, body);
}

/**
 * Registers ETags on GETs and If-Match on PATCH/DELETE: call before any route is added (onRoute hook).
 * Which PATCH/DELETE paths have a GET is known once all routes are in, so If-Match routes check at run time.
 */
export function registerConditionalRequests(app: App, write: WriteContext) {
  const readable = new Set<string>();
  app.addHook("onRoute", (route: RouteOptions) => {
    const methods = [route.method].flat();
    const schema = (route.schema ?? {}) as Record<string, unknown> & { hide?: boolean };
    // Probes, the documentation pages (outside /v1) and the admin panel's API (its own session, no
    // offline client) are left as they are.
    if (!route.url.startsWith("/v1/") || route.url.startsWith("/v1/admin/")) return;
    if (methods.includes("GET")) {
      readable.add(route.url);
      if (NO_ETAG.has(route.url)) return;
      route.onSend = [...[route.onSend ?? []].flat(), tagResponse];
      route.schema = { ...schema, ...{ [ETAG_MARK]: true } };
      return;
    }
    if (!methods.includes("PATCH") && !methods.includes("DELETE")) return;
    route.schema = { ...schema, ...{ [IF_MATCH_MARK]: true } };
    route.onSend = [...[route.onSend ?? []].flat(), commitBeforeSending];
    const handler = route.handler;
    route.handler = async function conditionalHandler(request, reply) {
      const ifMatch = request.headers["if-match"];
      const url = request.routeOptions.url;
      if (typeof ifMatch !== "string" || !url || !readable.has(url))
        return handler.call(this, request, reply);
      await handleInTransaction(write, request, reply, () => handler.call(this, request, reply), {
        async before(tx) {
          // Writes with If-Match to one path take turns, so the tag compared is the one being replaced.
          await tx.execute(
            sql`SELECT pg_advisory_xact_lock(hashtextextended(${`if-match:${request.url}`}, 0))`,
          );
          const current = await app.inject({
            method: "GET",
            url: request.url,
            headers: request.headers.authorization ? { authorization: request.headers.authorization } : {},
          });
          const etag = current.statusCode === 200 ? (current.headers.etag as string | undefined) : undefined;
          if (!etag || !tagListMatches(ifMatch, etag, false)) throw preconditionFailed(etag);
          return undefined;
        },
      });
      return reply;
    };
  });
  return { readable };
}

/** OpenAPI transform: ETag/If-None-Match/304 on GETs, If-Match/412 on PATCH and DELETE that have a GET. */
export function documentConditionalRequests(
  schema: Record<string, unknown>,
  url: string,
  readable: ReadonlySet<string>,
): Record<string, unknown> {
  const { [ETAG_MARK]: etag, [IF_MATCH_MARK]: ifMatch, ...rest } = schema;
  if (!etag && !ifMatch) return schema;
  const fastifyUrl = url.replace(/\{([^}]+)\}/g, ":$1");
  if (ifMatch && !readable.has(fastifyUrl)) return rest;
  const headers = (rest.headers ?? { type: "object", properties: {} }) as {
    properties?: Record<string, unknown>;
  };
  const response = (rest.response ?? {}) as Record<string, unknown>;
  const header = etag
    ? {
        "if-none-match": {
          type: "string",
          description: "ETags of a copy the client has: 304 Not Modified (no body) when one is current",
        },
      }
    : {
        "if-match": {
          type: "string",
          description:
            "The ETag of the copy this change is based on (from its GET): 412 if it has changed since, and nothing changes",
        },
      };
  return {
    ...rest,
    headers: { ...headers, type: "object", properties: { ...headers.properties, ...header } },
    response: etag
      ? { ...response, 304: { description: "Not modified: the copy named in If-None-Match is current" } }
      : { ...response, 412: { $ref: "Problem#" } },
  };
}
