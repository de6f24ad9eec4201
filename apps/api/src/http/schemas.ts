import Type, { type TSchema } from "typebox";

/** Shared TypeBox building blocks for route schemas. */
export const Uuid = Type.String({ format: "uuid" });
export const LocalDate = Type.String({
  pattern: "^\\d{4}-\\d{2}-\\d{2}$",
  format: "date",
  description: "A calendar date, YYYY-MM-DD",
});
export const Timestamp = Type.String({ format: "date-time" });
export const Email = Type.String({ format: "email", maxLength: 254 });
export const Cents = Type.Integer({
  minimum: 0,
  maximum: 1_000_000_000_00,
  description: "Money in integer cents",
});
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 50 });
export const Cursor = Type.String({ maxLength: 512, description: "Opaque cursor from a previous page" });

/** A page of items with the cursor of the next page (null on the last page). */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const NoContent = Type.Null({ description: "No content" });

/** Opaque cursors: base64url JSON, so clients cannot rely on their shape. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
export function decodeCursor<T>(cursor: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (check(value)) return value;
  } catch {}
  return undefined;
}
