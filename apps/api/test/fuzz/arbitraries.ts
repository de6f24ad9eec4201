import fc from "fast-check";

/** A JSON Schema as it appears in the OpenAPI document (3.1: JSON Schema 2020-12). */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

export type Resolve = (schema: Schema) => Schema;

/** Values the server may recognise by name: real ids from the seeded world, picked for matching fields. */
export type Pools = Record<string, string[]>;

const isoDate = fc
  .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2060-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const isoDateTime = fc
  .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2060-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

/**
 * Strings matching `pattern` within the length bounds. Matches are joined to reach a minimum length
 * (for patterns like `^[A-Za-z0-9_-]+$` a join still matches); the result is re-checked either way.
 */
function matching(pattern: string, min: number, max: number): fc.Arbitrary<string> {
  const regex = new RegExp(pattern, "u");
  const ok = (s: string) => s.length >= min && s.length <= max && regex.test(s);
  let one: fc.Arbitrary<string>;
  try {
    one = fc.stringMatching(regex, { size: "medium" });
  } catch {
    one = fc.string({ maxLength: 40 });
  }
  const joined = fc
    .array(one, { minLength: 1, maxLength: Math.max(1, Math.min(min, 64)) })
    .map((parts) => parts.join("").slice(0, max));
  return fc.oneof(one, joined).filter(ok);
}

function stringArbitrary(schema: Schema, name: string | undefined, pools: Pools): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 40, Math.max(min, 40));
  const pool = name ? pools[name] : undefined;
  const sized = (arb: fc.Arbitrary<string>) =>
    arb.filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity));
  let base: fc.Arbitrary<string>;
  switch (schema.format) {
    case "uuid":
      base = fc.uuid();
      break;
    case "date":
      base = isoDate;
      break;
    case "date-time":
      base = isoDateTime;
      break;
    case "email":
      base = sized(fc.emailAddress().map((e) => e.toLowerCase()));
      break;
    case "uri":
      base = sized(fc.webUrl());
      break;
    default:
      base = schema.pattern
        ? matching(schema.pattern, min, schema.maxLength ?? 10_000)
        : fc
            .string({ minLength: min, maxLength: max, unit: "grapheme" })
            .filter((s) => s.trim().length >= Math.min(min, 1));
  }
  return pool && pool.length > 0
    ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: base })
    : base;
}

function numberArbitrary(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const lo =
    schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000_000);
  const hi =
    schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000);
  const min = Math.max(lo, -Number.MAX_SAFE_INTEGER);
  const max = Math.min(hi, Number.MAX_SAFE_INTEGER);
  if (integer) return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/**
 * Values valid against `schema`, built with fast-check. Strings named like a seeded resource (`taskId`,
 * `residenceId`, ...) are mostly taken from `pools`, so valid requests reach real rows.
 */
export function valid(
  schema: Schema,
  resolve: Resolve,
  pools: Pools,
  name?: string,
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.anyOf || s.oneOf) {
    const options = (s.anyOf ?? s.oneOf)!.map((o) => valid(o, resolve, pools, name, depth + 1));
    return fc.oneof(...options);
  }
  if (s.allOf) return valid(Object.assign({}, ...s.allOf.map(resolve)), resolve, pools, name, depth + 1);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1)
    return fc.oneof(...types.map((t) => valid({ ...s, type: t }, resolve, pools, name, depth + 1)));
  switch (types[0]) {
    case "string":
      return stringArbitrary(s, name, pools);
    case "integer":
      return numberArbitrary(s, true);
    case "number":
      return numberArbitrary(s, false);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const items = s.items ? valid(s.items, resolve, pools, singular(name), depth + 1) : fc.string();
      const maxLength = Math.min(s.maxItems ?? 4, depth > 2 ? 1 : 4);
      const minLength = Math.min(s.minItems ?? 0, maxLength);
      return s.uniqueItems
        ? fc.uniqueArray(items, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(items, { minLength, maxLength });
    }
    case "object":
    case undefined: {
      if (!s.properties) return types[0] === "object" ? fc.constant({}) : fc.jsonValue({ maxDepth: 2 });
      const required = new Set(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, value] of Object.entries(s.properties))
        record[key] = valid(value, resolve, pools, key, depth + 1);
      return fc.record(record, { requiredKeys: [...required].filter((k) => k in record) });
    }
    default:
      return fc.constant(null);
  }
}

function singular(name: string | undefined) {
  if (!name) return undefined;
  if (name.endsWith("Ids")) return `${name.slice(0, -3)}Id`;
  return name;
}

/** Strings an attacker would try: huge, NUL, lone surrogates, control and format characters, injections. */
export const hostileString = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "x\udfffy",
    "\u202e\u200b\ufeff",
    "'; DROP TABLE users; --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00%2e%2e%2f",
    "$\u007bjndi:ldap://x}",
    "{{7*7}}",
    "__proto__",
    "constructor",
    "null",
    "true",
    "1e309",
    "NaN",
    "-0",
    "0x10",
    "9".repeat(400),
    "💩".repeat(300),
    "a".repeat(70_000),
  ),
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.string({ unit: "grapheme", minLength: 300, maxLength: 2000 }),
);

/** Numbers at and past every edge. JSON cannot carry NaN/Infinity: those are sent as their text forms. */
export const hostileNumber = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1.5,
    -2147483649,
    2147483648,
    Number.MAX_SAFE_INTEGER + 2,
    -Number.MAX_SAFE_INTEGER - 2,
    1e21,
    1e308,
    -1e308,
    5e-324,
  ),
  fc.double(),
  fc.integer(),
);

/** Query-string forms of numbers no validator should let through. */
export const hostileNumberText = fc.constantFrom(
  "1e309",
  "-1e309",
  "1e400",
  "Infinity",
  "-Infinity",
  "NaN",
  "0x1F",
  "1_000",
  " 1",
  "1 ",
  "+1",
  "1.",
  ".5",
  "1e-400",
  "99999999999999999999999",
);

/** Any JSON-ish value of the wrong kind for most fields. */
export const wrongValue = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** JSON nested `depth` levels deep, as text (JSON.stringify would be fine; the parser is the target). */
export function deepJson(depth: number, kind: "array" | "object"): string {
  return kind === "array"
    ? "[".repeat(depth) + "]".repeat(depth)
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}
