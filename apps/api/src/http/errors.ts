import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { defaultTitle, defaultType, HttpProblem, PROBLEM_BASE } from "./problem.ts";
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
  for (const issue of issues) {
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
          : (issue.message ?? "is invalid");
    const key = `${field}|${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ field, message });
    }
  }
  return out;
}

function send(reply: FastifyReply, request: FastifyRequest, status: number, body: Record<string, unknown>) {
  return reply
    .status(status)
    .type("application/problem+json")
    .send({ ...body, status, instance: request.url.split("?")[0], requestId: request.id });
}

/**
 * Every error leaves as RFC 9457 problem+json. 4xx errors raised by Fastify (validation, bad JSON,
 * oversized or unsupported bodies) keep their status with a safe message; anything else is a 500 whose
 * details stay in the log: no stack trace or SQL reaches a client.
 */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
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
      if (status === 429 && error.message)
        reply.header("retry-after", reply.getHeader("retry-after") ?? "60");
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
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, 404, {
      type: `${PROBLEM_BASE}not-found`,
      title: "Not found",
      detail: `No route ${request.method} ${request.url.split("?")[0]}`,
    }),
  );
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
