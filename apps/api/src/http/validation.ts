import { AjvCompiler } from "@fastify/ajv-compiler";
import type { FastifySchemaCompiler } from "fastify";

const common = { removeAdditional: "all" as const, useDefaults: true, allErrors: true, strictNumbers: true };

type Validate = ((data: unknown) => unknown) & { errors?: unknown };
type Compile = (route: unknown) => Validate;

/**
 * Wraps an Ajv compiler so that every validator it builds also refuses numbers that are not finite.
 * `strictNumbers` alone is not enough: coercion turns "1e309" or "Infinity" in a query string into
 * Infinity AFTER the type check, and Ajv then skips `minimum`/`maximum` for a non-finite number — so a
 * bounded integer let Infinity through to the handler. The check runs on the validated (coerced) value.
 */
export function finiteNumbersOnly(compile: Compile): Compile {
  return (route) => {
    const validate = compile(route);
    const checked: Validate = (data) => {
      const result = validate(data);
      if (result !== true) {
        checked.errors = validate.errors;
        return result;
      }
      const path = nonFinitePath(data);
      checked.errors = path === null ? null : [notFinite(path)];
      return path === null;
    };
    return checked;
  };
}

const notFinite = (instancePath: string) => ({
  instancePath,
  schemaPath: "#/type",
  keyword: "type",
  params: { type: "number" },
  message: "must be a finite number",
});

/** The JSON pointer of the first NaN or ±Infinity in `value`, or null. */
function nonFinitePath(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (typeof current === "number") {
      if (!Number.isFinite(current)) return path;
    } else if (current !== null && typeof current === "object") {
      for (const [key, child] of Object.entries(current)) stack.push([child, `${path}/${key}`]);
    }
  }
  return null;
}

/**
 * Fastify's validator factory with two Ajv instances: query strings, params and headers arrive as text and
 * are coerced to the schema's types ("5" → 5, "a" → ["a"]); JSON bodies already carry types, so they are
 * validated as sent — a coercing validator would quietly turn 0 into null, or ["x"] into "x", in a body.
 * Properties a schema does not name are removed, so a client can never set ids, owners or timestamps.
 * Numbers must be finite in both (finiteNumbersOnly).
 */
export function buildValidator(externalSchemas: unknown, options: { plugins?: unknown[] }) {
  const factory = AjvCompiler();
  const coercing = finiteNumbersOnly(
    factory(
      externalSchemas as never,
      {
        ...options,
        customOptions: { ...common, coerceTypes: "array" },
      } as never,
    ) as Compile,
  );
  const exact = finiteNumbersOnly(
    factory(
      externalSchemas as never,
      {
        ...options,
        customOptions: { ...common, coerceTypes: false },
      } as never,
    ) as Compile,
  );
  return ((route: { httpPart?: string }) =>
    route.httpPart === "body" ? exact(route) : coercing(route)) as unknown as ReturnType<
    FastifySchemaCompiler<unknown>
  >;
}
