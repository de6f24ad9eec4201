import { AjvCompiler, type ValidatorCompiler, type ValidatorFactory } from "@fastify/ajv-compiler";
import { type SerializerFactory, SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { FastifyInstance, FastifySchemaValidationError } from "fastify";
import { withNullableTypes } from "./serialization-schema.ts";

const common = { useDefaults: true, allErrors: true, strictNumbers: true };

type RouteDefinition = Parameters<ValidatorCompiler>[0];
/** What Fastify needs of a validator: call it, then read its errors (FastifyValidationResult). */
type Validate = ((data: unknown) => unknown) & { errors?: FastifySchemaValidationError[] | null };
type Compile = (route: RouteDefinition) => Validate;

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

/** Compiles a route's validator on its first request instead of when the app becomes ready. */
function onFirstUse(compile: Compile): Compile {
  return (route) => {
    let validate: Validate | undefined;
    const checked: Validate = (data) => {
      validate ??= compile(route);
      const result = validate(data);
      checked.errors = validate.errors;
      return result;
    };
    return checked;
  };
}

/**
 * Fastify's validator factory with two Ajv instances: query strings, params and headers arrive as text and
 * are coerced to the schema's types ("5" → 5, "a" → ["a"]); JSON bodies already carry types, so they are
 * validated as sent — a coercing validator would quietly turn 0 into null, or ["x"] into "x", in a body.
 * Query strings, params and headers lose the properties their schema does not name (a stray query parameter
 * is harmless); a body with a field its schema does not name is refused (closeBodySchemas), so a typo or a
 * field of another shape ("displayName" for "name") is a 400 naming it, not a silent no-op — and a client
 * can never set ids, owners or timestamps. Numbers must be finite in both (finiteNumbersOnly).
 */
export const validatorFactory =
  ({ compileOnFirstUse }: { compileOnFirstUse: boolean }): ValidatorFactory =>
  (externalSchemas, options) =>
    asAjvCompile(buildValidator(externalSchemas, options, compileOnFirstUse));

function buildValidator(
  externalSchemas: Parameters<ValidatorFactory>[0],
  options: Parameters<ValidatorFactory>[1],
  compileOnFirstUse: boolean,
): Compile {
  const factory = AjvCompiler();
  // Each Ajv instance is made when the first validator needs it (making one compiles Ajv's meta-schema).
  const ajv = (customOptions: Record<string, unknown>) => {
    let compile: Compile | undefined;
    return (route: RouteDefinition) => {
      compile ??= finiteNumbersOnly(
        factory(externalSchemas, { onCreate: options?.onCreate, plugins: options?.plugins, customOptions }),
      );
      return compile(route);
    };
  };
  const coercing = ajv({ ...common, removeAdditional: "all", coerceTypes: "array" });
  const exact = ajv({ ...common, removeAdditional: false, coerceTypes: false });
  const compile: Compile = (route) => (route.httpPart === "body" ? exact(route) : coercing(route));
  return compileOnFirstUse ? onFirstUse(compile) : compile;
}

/**
 * Fastify types `compilersFactory.buildValidator` as @fastify/ajv-compiler's own factory, whose validators
 * are Ajv `ValidateFunction`s (type predicates carrying `schema` and `schemaEnv`), although Fastify only
 * calls a validator and reads its `errors` (its own FastifyValidationResult). The wrappers above are such
 * functions, not Ajv's: this is the one place they are handed over as Ajv's type.
 */
function asAjvCompile(compile: Compile): ValidatorCompiler {
  return compile as ValidatorCompiler;
}

/**
 * Every object in a route's body schema that does not say otherwise gets `additionalProperties: false`,
 * for the validator and the OpenAPI document alike (an onRoute hook, so it must be added before the routes
 * and before @fastify/swagger collects them). The schema is copied: TypeBox schemas are shared with
 * responses, which must stay as they are.
 */
export function closeBodySchemas(app: FastifyInstance) {
  app.addHook("onRoute", (route) => {
    const schema = route.schema;
    if (schema?.body !== undefined) route.schema = { ...schema, body: closedCopy(schema.body) };
  });
}

export function closedCopy(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closedCopy);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string | symbol, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = closedCopy(value);
  // TypeBox marks its schemas with symbol keys; keep them so the copy is still a TypeBox schema.
  for (const key of Object.getOwnPropertySymbols(schema)) out[key] = (schema as Record<symbol, unknown>)[key];
  if (out.type === "object" && out.properties !== undefined && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return out;
}

type Serialize = ReturnType<ReturnType<SerializerFactory>>;

/**
 * Fastify's response serializer factory; with `compileOnFirstUse`, a route's serializer (fast-json-stringify,
 * Ajv for its anyOf branches) is built on its first response instead of when the app becomes ready.
 */
export const serializerFactory = ({
  compileOnFirstUse,
}: {
  compileOnFirstUse: boolean;
}): SerializerFactory => {
  const selector = SerializerSelector();
  return (externalSchemas, options) => {
    const compileAsDeclared = selector(externalSchemas, options);
    const compile: typeof compileAsDeclared = (route) =>
      compileAsDeclared({ ...route, schema: withNullableTypes(route.schema) });
    if (!compileOnFirstUse) return compile;
    return (route) => {
      let serialize: Serialize | undefined;
      return (data) => {
        serialize ??= compile(route);
        return serialize(data);
      };
    };
  };
};
