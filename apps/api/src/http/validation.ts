import { AjvCompiler } from "@fastify/ajv-compiler";
import type { FastifySchemaCompiler } from "fastify";

const common = { removeAdditional: "all" as const, useDefaults: true, allErrors: true };

/**
 * Fastify's validator factory with two Ajv instances: query strings, params and headers arrive as text and
 * are coerced to the schema's types ("5" → 5, "a" → ["a"]); JSON bodies already carry types, so they are
 * validated as sent — a coercing validator would quietly turn 0 into null, or ["x"] into "x", in a body.
 * Properties a schema does not name are removed, so a client can never set ids, owners or timestamps.
 */
export function buildValidator(externalSchemas: unknown, options: { plugins?: unknown[] }) {
  const factory = AjvCompiler();
  const coercing = factory(
    externalSchemas as never,
    {
      ...options,
      customOptions: { ...common, coerceTypes: "array" },
    } as never,
  ) as (route: unknown) => ReturnType<FastifySchemaCompiler<unknown>>;
  const exact = factory(
    externalSchemas as never,
    {
      ...options,
      customOptions: { ...common, coerceTypes: false },
    } as never,
  ) as (route: unknown) => ReturnType<FastifySchemaCompiler<unknown>>;
  return (route: { httpPart?: string }) => (route.httpPart === "body" ? exact(route) : coercing(route));
}
