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
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) || `def-${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true, uiConfig: { deepLinking: true } });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
