import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { defaultTitle, defaultType, HttpProblem, PROBLEM_BASE } from "./problem.ts";
import { RAW_SECURITY_HEADERS } from "./security-headers.ts";
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from "./unavailable.ts";

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** Turns Ajv issues into `{field, message}` pairs: `body.email`, `query.limit`, `params.taskId`. */
export function validationErrors(context: string | undefined, issues: ValidationIssue[]) {
  const prefix = context === "querystring" ? "query" : (context ?? "body");
  const seen = new Set<string>();
  const out: { field: string; message: string }[] = [];
  // A date that fails its format says so plainly, instead of also "must be null; must match a schema in
  // anyOf" from a nullable field's other branch.
  const badDates = new Set(
    issues
      .filter(
        (i) => i.keyword === "format" && (i.params.format === "date" || i.params.format === "date-time"),
      )
      .map((i) => i.instancePath),
  );
  for (const issue of issues) {
    if (badDates.has(issue.instancePath) && issue.keyword !== "format") continue;
    let path = issue.instancePath.replace(/^\//, "").replaceAll("/", ".");
    if (issue.keyword === "required" && typeof issue.params.missingProperty === "string") {
      path = path ? `${path}.${issue.params.missingProperty}` : issue.params.missingProperty;
    }
    if (issue.keyword === "additionalProperties" && typeof issue.params.additionalProperty === "string") {
      path = path ? `${path}.${issue.params.additionalProperty}` : issue.params.additionalProperty;
    }
    const field = path ? `${prefix}.${path}` : prefix;
    const message =
      issue.keyword === "required"
        ? "is required"
        : issue.keyword === "additionalProperties"
          ? "is not allowed"
          : issue.keyword === "format" && issue.params.format === "date"
            ? "is not a calendar date (YYYY-MM-DD)"
            : issue.keyword === "format" && issue.params.format === "date-time"
              ? "is not a date and time (RFC 3339)"
              : (issue.message ?? "is invalid");
    const key = `${field}|${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ field, message });
    }
  }
  return out;
}

/** The last-resort answer when building a problem failed: fixed text, so it cannot fail in turn. */
const LAST_RESORT_PROBLEM = JSON.stringify({
  type: `${PROBLEM_BASE}internal`,
  title: "Internal server error",
  status: 500,
  detail: "Something went wrong on our side.",
});

/**
 * Problems are serialised here, not by the route's response schema: an extension member the schema
 * serializer cannot write must never turn an error answer into a second, unanswerable error.
 */
function problemJson(payload: unknown): string {
  try {
    const text = JSON.stringify(payload);
    if (typeof text === "string") return text;
  } catch {}
  return LAST_RESORT_PROBLEM;
}

function send(reply: FastifyReply, request: FastifyRequest, status: number, body: Record<string, unknown>) {
  return reply
    .status(status)
    .type("application/problem+json")
    .serializer(problemJson)
    .send({ ...body, status, instance: request.url.split("?")[0], requestId: request.id });
}

/**
 * Every error leaves as RFC 9457 problem+json. 4xx errors raised by Fastify (validation, bad JSON,
 * oversized or unsupported bodies) keep their status with a safe message; anything else is a 500 whose
 * details stay in the log: no stack trace or SQL reaches a client.
 */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
    try {
      return answerError(error, request, reply);
    } catch (failure) {
      // The last resort: whatever went wrong building the problem, the client gets a valid one.
      request.log.error({ err: failure, cause: error }, "error handler failed");
      return reply
        .status(500)
        .header("content-type", "application/problem+json")
        .serializer((payload: unknown) => String(payload))
        .send(LAST_RESORT_PROBLEM);
    }
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, 404, {
      type: `${PROBLEM_BASE}not-found`,
      title: "Not found",
      detail: `No route ${request.method} ${request.url.split("?")[0]}`,
    }),
  );
}

function answerError(error: FastifyError | HttpProblem, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof HttpProblem) {
    for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
    return send(reply, request, error.status, {
      type: PROBLEM_BASE + error.type,
      title: error.title,
      ...(error.detail ? { detail: error.detail } : {}),
      ...error.extensions,
    });
  }
  if (error.validation) {
    const errors = validationErrors(error.validationContext, error.validation as ValidationIssue[]);
    return send(reply, request, 400, {
      type: `${PROBLEM_BASE}validation-error`,
      title: "Your request is not valid",
      detail: errors.map((e) => `${e.field} ${e.message}`).join("; "),
      errors,
    });
  }
  const status = typeof error.statusCode === "number" ? error.statusCode : 500;
  if (status >= 400 && status < 500) {
    if (status === 429 && error.message) reply.header("retry-after", reply.getHeader("retry-after") ?? "60");
    return send(reply, request, status, {
      type: PROBLEM_BASE + defaultType(status),
      title: defaultTitle(status),
      detail: safeClientMessage(error),
    });
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, "database unavailable");
    reply.header("retry-after", String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    return send(reply, request, 503, {
      type: `${PROBLEM_BASE}unavailable`,
      title: "Service unavailable",
      detail: "The service cannot reach its database right now. Try again in a few seconds.",
    });
  }
  const database = databaseProblem(error);
  if (database) {
    request.log.warn({ err: error }, "database refused a value");
    return send(reply, request, database.status, {
      type: PROBLEM_BASE + database.type,
      title: database.title,
      detail: database.detail,
    });
  }
  request.log.error({ err: error }, "request failed");
  return send(reply, request, 500, {
    type: `${PROBLEM_BASE}internal`,
    title: "Internal server error",
    detail: "Something went wrong on our side. The request id identifies it in our logs.",
  });
}

/**
 * Fastify's `frameworkErrors`: errors raised before a route is found (a URL that cannot be decoded, a
 * path parameter over the length limit) leave as problems like every other error.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = typeof error.statusCode === "number" && error.statusCode < 500 ? error.statusCode : 400;
  request.log.info({ code: error.code }, "request refused before routing");
  // No route was found, so no hook ran: the security headers are set here.
  reply.headers(RAW_SECURITY_HEADERS);
  send(reply, request, status, {
    type: PROBLEM_BASE + defaultType(status),
    title: defaultTitle(status),
    detail: safeClientMessage(error),
  });
}

const RAW_HEADER_LINES = Object.entries(RAW_SECURITY_HEADERS)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join("");

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, "Request header fields too large", "The request headers are too large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request timeout", "The request took too long to arrive"],
  ERR_HTTP_REQUEST_HEADERS_TIMEOUT: [408, "Request timeout", "The request headers took too long to arrive"],
};

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses (headers too large, malformed requests,
 * timeouts) never reaches Fastify, so the answer is written to the socket here — as a problem too.
 */
export function clientErrorHandler(
  this: { log: { debug: (o: object, m: string) => void } },
  error: Error & { code?: string },
  socket: { destroyed: boolean; writable: boolean; write: (s: string) => void; destroy: (e?: Error) => void },
) {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, title, detail] = CLIENT_ERRORS[error.code ?? ""] ?? [
    400,
    "Bad request",
    "The request is not valid HTTP",
  ];
  this.log.debug({ code: error.code }, "client error");
  if (socket.writable) {
    const body = JSON.stringify({ type: PROBLEM_BASE + defaultType(status), title, status, detail });
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\n${RAW_HEADER_LINES}` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * A last line of defence for values the route schemas let through but PostgreSQL refuses (a NUL byte in
 * text, a number out of range) and for races on unique keys: a 4xx naming the kind of problem, never the
 * SQL. Drizzle wraps the driver's error, so the SQLSTATE is looked for on the error and its causes.
 */
export function databaseProblem(
  error: unknown,
): { status: number; type: string; title: string; detail: string } | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      if (code.startsWith("22")) {
        return {
          status: 400,
          type: "invalid-value",
          title: "Your request is not valid",
          detail: "A value in the request cannot be stored (out of range or containing invalid characters)",
        };
      }
      if (code === "23505") {
        return {
          status: 409,
          type: "conflict",
          title: "Conflict",
          detail: "This conflicts with something that already exists",
        };
      }
      if (code === "23503") {
        return {
          status: 409,
          type: "conflict",
          title: "Conflict",
          detail: "Something this refers to no longer exists",
        };
      }
      if (code === "23514") {
        return {
          status: 400,
          type: "invalid-value",
          title: "Your request is not valid",
          detail: "A value is outside what is allowed",
        };
      }
      return null;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** Fastify's own client-error messages are safe; JSON parser messages are trimmed to their first line. */
function safeClientMessage(error: FastifyError): string {
  if (error instanceof SyntaxError || error.code === "FST_ERR_CTP_INVALID_JSON_BODY")
    return "The body is not valid JSON";
  return (error.message || "Bad request").split("\n")[0]!.slice(0, 300);
}
