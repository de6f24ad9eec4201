import Type from "typebox";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { invalidField } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { Uuid } from "../http/schemas.ts";
import { requireMembership } from "../residences/access.ts";
import { SEARCH_TYPES, searchResidence } from "./query.ts";

const SearchType = Type.Enum(SEARCH_TYPES);

const SearchHit = Type.Object({
  type: SearchType,
  id: Uuid,
  title: Type.String(),
  headline: Type.String({
    description: "HTML-escaped text around the matches; matched words are wrapped in <mark>…</mark>",
  }),
  rank: Type.Number({ description: "Relevance; higher is better (matches in titles weigh most)" }),
});

export function registerSearchRoutes(app: App, deps: Pick<ApiDeps, "db"> & { auth: AuthGuard }) {
  const { db, auth } = deps;
  app.get(
    "/v1/residences/:residenceId/search",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags: ["search"],
        summary:
          "Full-text search over a residence's tasks, contractors, documents and appliances, best match first",
        description:
          'Web-search syntax: "quoted phrase", -excluded, or. Words match their English stems; the last word also matches as a prefix (type-ahead).',
        params: Type.Object({ residenceId: Uuid }),
        querystring: Type.Object({
          q: Type.String({ minLength: 1, maxLength: 200 }),
          type: Type.Optional(
            Type.Array(SearchType, {
              maxItems: SEARCH_TYPES.length,
              description: "Only these kinds (repeatable); all by default",
            }),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(SearchHit) }), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const me = principal(request);
      const { residenceId } = request.params;
      const q = request.query.q.trim();
      if (!q) throw invalidField("query.q", "must not be blank");
      await requireMembership(db, residenceId, me.userId, "viewer");
      const items = await searchResidence(db, {
        residenceId,
        q,
        types: request.query.type?.length ? request.query.type : SEARCH_TYPES,
        limit: request.query.limit ?? 20,
      });
      return { items };
    },
  );
}
