import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { documentConditionalRequests } from "./conditional.ts";
import { documentIdempotencyKey } from "./idempotency.ts";
import { ProblemSchema } from "./problem.ts";

/** OpenAPI 3.1 built from the route schemas, served at /openapi.json with an interactive reference at /docs. */
export async function registerOpenApi(
  app: FastifyInstance,
  options: { publicApiUrl: string; version: string; readable: ReadonlySet<string> },
) {
  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "honeyDue API",
        version: options.version,
        description:
          "The REST API of honeyDue, the shared honey-do list of a home. Errors are RFC 9457 problem details " +
          "(`application/problem+json`); validation errors list the offending fields in `errors`.",
      },
      servers: [{ url: options.publicApiUrl }],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: "http",
            scheme: "bearer",
            bearerFormat: "JWT",
            description: "Access token from /v1/auth/login",
          },
          adminSession: {
            type: "apiKey",
            in: "cookie",
            name: "__Host-honeydue-admin",
            description:
              "Admin panel session from /v1/admin/auth/sign-in; state changes also need its X-CSRF-Token header",
          },
        },
      },
    },
    // Headers that are handled outside the route schemas (a `headers` schema is validated in place).
    transform: ({ schema, url }) => ({
      schema:
        schema &&
        documentConditionalRequests(
          documentIdempotencyKey(schema as Record<string, unknown>),
          url,
          options.readable,
        ),
      url,
    }),
    transformObject: (documentObject) => {
      if (!("openapiObject" in documentObject)) return documentObject.swaggerObject;
      documentFrameworkBehaviour(documentObject.openapiObject);
      return documentObject.openapiObject;
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) || `def-${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true, uiConfig: { deepLinking: true } });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}

/** What is read and written of an operation of the document (@fastify/swagger builds the rest). */
interface OpenApiOperation {
  parameters?: { in?: string; required?: boolean; schema?: { default?: unknown } }[];
  security?: unknown[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

/** An operation object (what @fastify/swagger writes under a method's key of a path item). */
const isOperation = (value: unknown): value is OpenApiOperation =>
  typeof value === "object" && value !== null;

const OPERATION_METHODS = new Set(["get", "put", "post", "delete", "patch", "options", "head"]);
/** Methods whose requests Fastify reads a body for (any route: one without a body schema still parses). */
const BODY_METHODS = new Set(["put", "post", "delete", "patch"]);
const PROBLEM_CONTENT = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };

/**
 * What every operation can answer whatever its route declares, because the framework answers it: 400 (a
 * URL that cannot be decoded, a missing Host, invalid parameters), 414 (URL too long), 431 (headers too
 * large), 401 behind bearer auth, and 413/415 for methods that carry a body.
 */
const FRAMEWORK_RESPONSES: [
  status: string,
  description: string,
  applies: (method: string, op: OpenApiOperation) => boolean,
][] = [
  ["400", "The request is not valid", () => true],
  ["401", "A valid access token is required", (_m, op) => (op.security?.length ?? 0) > 0],
  ["413", "The body is too large", (m) => BODY_METHODS.has(m)],
  ["414", "The URL is too long", () => true],
  ["415", "The body's content type is not accepted", (m) => BODY_METHODS.has(m)],
  ["431", "The request headers are too large", () => true],
];

/**
 * Makes the document say what the server does: the framework's answers on every operation, every error
 * body declared as application/problem+json (what the error handler sends), and parameters with a default
 * not required (the validator fills them in).
 */
function documentFrameworkBehaviour(document: {
  paths?: Record<string, Record<string, unknown> | undefined>;
}): void {
  for (const item of Object.values(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item ?? {})) {
      if (!OPERATION_METHODS.has(method) || !isOperation(operation)) continue;
      operation.responses ??= {};
      const responses = operation.responses;
      for (const [status, description, applies] of FRAMEWORK_RESPONSES) {
        if (applies(method, operation) && !responses[status]) responses[status] = { description };
      }
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400) response.content = structuredClone(PROBLEM_CONTENT);
      }
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== "path" && parameter.schema?.default !== undefined) parameter.required = false;
      }
    }
  }
}
