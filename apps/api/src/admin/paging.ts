import Type, { type TSchema } from "typebox";

/**
 * Admin lists are paged by page number with a total, so the panel can show "page 3 of 12" and a
 * shareable URL names the page (`?page=3`).
 */
export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
};

export const AdminPage = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    total: Type.Integer({ description: "Items matching the filters, on every page" }),
  });

export function pageOf(query: { page?: number; pageSize?: number }) {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 25;
  return { page, pageSize, offset: (page - 1) * pageSize };
}

/** A search text, trimmed; empty means no filter. */
export const SearchText = Type.Optional(Type.String({ maxLength: 200 }));
