/**
 * The response schemas as the serializer sees them. fast-json-stringify picks a branch of an `anyOf` by
 * validating the value against each branch with Ajv, for every value of every response: a task list runs
 * the `date` format and `uuid` pattern checks of each nullable field of each task, and validates each
 * schedule object in full (≈ 5 % of the task list's CPU, docs/performance.md). `anyOf: [X, {type:
 * "null"}]` with a typed X is the same JSON Schema as X with `type: [X.type, "null"]` (format, pattern
 * and bounds constrain strings and numbers only, properties only objects), which it serialises with a
 * `typeof` check. Only the serializer gets the rewritten copy: validation and the OpenAPI document keep
 * the `anyOf` the route declares.
 */
export function withNullableTypes<Schema>(schema: Schema): Schema {
  return rewritten(schema) as Schema;
}

function rewritten(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewritten);
  if (!schema || typeof schema !== "object") return schema;
  const node = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = rewritten(value);
  const anyOf = out.anyOf;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return out;
  const nullIndex = anyOf.findIndex(isNullSchema);
  if (nullIndex === -1) return out;
  const other = anyOf[1 - nullIndex] as Record<string, unknown>;
  if (!isPlainTyped(other)) return out;
  const { anyOf: _dropped, ...siblings } = out;
  return { ...siblings, ...other, type: [other.type, "null"] };
}

const COMPOSITE = ["anyOf", "oneOf", "allOf", "not", "$ref", "enum", "const", "if"];

function isNullSchema(schema: unknown): boolean {
  return !!schema && typeof schema === "object" && (schema as { type?: unknown }).type === "null";
}

function isPlainTyped(schema: unknown): schema is Record<string, unknown> {
  if (!schema || typeof schema !== "object") return false;
  const node = schema as Record<string, unknown>;
  return typeof node.type === "string" && node.type !== "null" && !COMPOSITE.some((key) => key in node);
}
