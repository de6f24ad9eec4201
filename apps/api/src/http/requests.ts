import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";
import { HttpProblem } from "./problem.ts";

/** A client's X-Request-Id is kept only when it is a plain token: it is echoed in a header and logged. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify's `genReqId` (with `requestIdHeader: false`): the client's id when well-formed, else a UUID. */
export function requestId(raw: IncomingMessage): string {
  const given = raw.headers["x-request-id"];
  return typeof given === "string" && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Longer URLs answer 414 (Node's header limit, 16 KiB with the headers, would answer 431). */
export const MAX_URL_LENGTH = 8192;

/**
 * Checks on the request line and headers every route shares: an HTTP/1.1 request names its Host (RFC 9112
 * §3.2; Node's own check answers an empty 400, so it is off and done here as a problem), and a URL has a
 * bounded length.
 */
export function registerRequestChecks(app: FastifyInstance) {
  app.addHook("onRequest", (request, _reply, done) => {
    if (request.raw.httpVersion === "1.1" && !request.headers.host) {
      done(new HttpProblem({ status: 400, title: "Bad request", detail: "The Host header is required" }));
      return;
    }
    if (request.url.length > MAX_URL_LENGTH) {
      done(
        new HttpProblem({
          status: 414,
          title: "URI too long",
          detail: `The URL is longer than ${MAX_URL_LENGTH} characters`,
        }),
      );
      return;
    }
    done();
  });
}
