import type { Database } from "@honeydue/db";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { Uuid } from "../http/schemas.ts";
import { requireMembershipOf } from "../residences/access.ts";
import { Completion } from "../tasks/schemas.ts";
import { findCompletion } from "./presenter.ts";

const CompletionParams = Type.Object({ completionId: Uuid });

/** One entry of a maintenance log by id (the list is GET /v1/tasks/{taskId}/completions). */
export function registerCompletionRoutes(app: App, deps: { db: Database; auth: AuthGuard }) {
  const { db, auth } = deps;
  app.get(
    "/v1/completions/:completionId",
    {
      onRequest: auth.required,
      schema: {
        tags: ["tasks"],
        summary: "One completion of a task",
        ...bearer,
        params: CompletionParams,
        response: { 200: Completion, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const completion = await findCompletion(db, request.params.completionId);
      if (!completion) throw notFound("Completion");
      await requireMembershipOf(db, "Completion", completion.residenceId, principal(request).userId);
      return completion;
    },
  );
}
