import { Stream } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import { HttpProblem } from "./problem.ts";

/**
 * Which request bodies reach a route. The API reads JSON; the upload routes also read multipart, and the
 * local storage driver's PUT takes the raw request stream. A body a route does not parse must be refused
 * with 415 BEFORE schema validation sees it: validating the raw stream as a JSON body once let Ajv
 * (removeAdditional) strip the fields of Node's request object, and the process died writing the answer.
 */

/** Route `config` for a route whose handler reads the raw request stream (any content type). */
export const RAW_BODY = { rawBody: true } as const;

declare module "fastify" {
  interface FastifyContextConfig {
    /** Set by RAW_BODY: the handler reads the request stream itself (acceptRawStreams). */
    rawBody?: boolean;
  }
}

export const unsupportedMediaType = (detail: string) =>
  new HttpProblem({ status: 415, title: "Unsupported media type", detail });

/**
 * An onRoute hook: a route with a JSON body schema refuses (415) anything a content-type parser did not
 * turn into a JSON value — a raw stream, a multipart request — before validation runs. Register it before
 * the routes (it also applies to the routes of child scopes).
 */
export function registerBodyGuards(app: FastifyInstance) {
  app.addHook("onRoute", (route: RouteOptions) => {
    if (!route.schema?.body) return;
    const existing = route.preValidation;
    const hooks = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
    route.preValidation = [refuseUnparsedBody, ...hooks];
  });
}

function refuseUnparsedBody(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) {
  const body = request.body;
  const multipart = (request as { isMultipart?: () => boolean }).isMultipart?.() === true;
  if (multipart || body instanceof Stream || Buffer.isBuffer(body)) {
    done(unsupportedMediaType("Send the body as application/json"));
    return;
  }
  done();
}

/**
 * Registers a catch-all content-type parser in `scope` that hands the raw stream only to routes marked
 * `config: RAW_BODY`; every other route of the scope answers 415 for a content type it does not parse.
 */
export function acceptRawStreams(scope: FastifyInstance) {
  scope.addContentTypeParser("*", (request, payload, done) => {
    if (request.routeOptions.config?.rawBody === true) {
      done(null, payload);
      return;
    }
    const type = request.headers["content-type"];
    done(
      unsupportedMediaType(
        type ? `This route does not accept ${String(type).split(";")[0]} bodies` : "Content-Type is required",
      ),
      undefined,
    );
  });
}

/**
 * Busboy's errors for a multipart body it cannot read (no boundary, a truncated body, malformed part
 * headers) as a 400 problem; anything else is returned unchanged.
 */
export function malformedMultipart(error: unknown): unknown {
  if (error instanceof HttpProblem) return error;
  const message = error instanceof Error ? error.message : "";
  const code = (error as { code?: unknown } | null)?.code;
  if (
    /^Multipart: |^Unexpected end of (form|multipart data)|^Malformed part header|^Unsupported content type/i.test(
      message,
    ) ||
    code === "FST_MP_PREMATURE_CLOSE" ||
    code === "FST_INVALID_MULTIPART_CONTENT_TYPE"
  ) {
    return new HttpProblem({
      status: 400,
      type: "malformed-multipart",
      title: "Malformed multipart body",
      detail: "The multipart/form-data body cannot be read (missing boundary or truncated)",
    });
  }
  return error;
}
