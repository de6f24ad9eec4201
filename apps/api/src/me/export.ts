import type { Database } from "@honeydue/db";
import { todayIn } from "@honeydue/domain";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { invalidField } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { CSV_KINDS, csvExport } from "./export-csv.ts";
import { buildExport } from "./export-document.ts";
import { ExportDocument } from "./export-schema.ts";

/**
 * GET /v1/me/export: everything honeyDue keeps about the caller, as one JSON document (built in
 * export-document.ts, shaped by export-schema.ts) or as CSV of the tasks, completions or appliances of
 * their residences (export-csv.ts).
 */
export function registerExportRoutes(app: App, deps: { db: Database; auth: AuthGuard }) {
  const { db, auth } = deps;
  app.get(
    "/v1/me/export",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags: ["me"],
        summary:
          "Export all my data: JSON (default), or CSV of my residences' tasks, completions or appliances",
        description:
          "Answered as a download (Content-Disposition: attachment). In the JSON, each record is what its " +
          "own GET answers. CSV follows RFC 4180 (CRLF, quoted fields); text cells starting with = + - @ " +
          "are prefixed with ' so spreadsheets do not run them.",
        querystring: Type.Object({
          format: Type.Optional(Type.Enum(["json", "csv"], { default: "json" })),
          kind: Type.Optional(Type.Enum([...CSV_KINDS], { description: "Required with format=csv" })),
        }),
        response: {
          200: {
            description: "The export",
            content: {
              "application/json": { schema: ExportDocument },
              "text/csv": { schema: Type.String() },
            },
          },
          ...problems(400, 401),
        },
      },
    },
    async (request, reply) => {
      const me = principal(request);
      const format = request.query.format ?? "json";
      const stamp = todayIn(me.timezone);
      reply.header("cache-control", "no-store");
      if (format === "csv") {
        const kind = request.query.kind;
        if (!kind)
          throw invalidField("query.kind", "is required with format=csv (tasks, completions or appliances)");
        const csv = await csvExport(db, me.userId, kind);
        return reply
          .header("content-disposition", `attachment; filename="honeydue-${kind}-${stamp}.csv"`)
          .type("text/csv; charset=utf-8; header=present")
          .send(csv);
      }
      // Serialised through ExportDocument, as every route's answer is through its schema.
      const data = await buildExport(db, me);
      return reply
        .header("content-disposition", `attachment; filename="honeydue-export-${stamp}.json"`)
        .type("application/json; charset=utf-8")
        .send(data);
    },
  );
}
