import type { Database } from "@honeydue/db";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { problems } from "../http/responses.ts";
import { requireMembership } from "../residences/access.ts";
import { saveEscalationPolicy } from "./actions.ts";
import { loadEscalationPolicy } from "./presenter.ts";
import { EscalationPolicy, EscalationPolicyBody, ResidenceParams } from "./schemas.ts";

const tags = ["escalation"];

/** A residence's escalation policy for overdue tasks (issue 18): members read it, owners set it. */
export function registerEscalationRoutes(app: App, deps: { db: Database; auth: AuthGuard; now: () => Date }) {
  const { db, auth } = deps;

  app.get(
    "/v1/residences/:residenceId/escalation-policy",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "A residence's escalation policy for overdue tasks (off until an owner sets it)",
        params: ResidenceParams,
        response: { 200: EscalationPolicy, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      await requireMembership(db, request.params.residenceId, principal(request).userId, "viewer");
      return loadEscalationPolicy(db, request.params.residenceId);
    },
  );

  app.put(
    "/v1/residences/:residenceId/escalation-policy",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Set the escalation policy (owners)",
        description:
          "Steps in order, each with the days overdue per priority after which it tells its people: the assignee " +
          "again, every owner, or one member. Each step reaches each person once per overdue occurrence, from " +
          "their digest hour in their own time zone; completing, snoozing or reassigning the task stops it.",
        params: ResidenceParams,
        body: EscalationPolicyBody,
        response: { 200: EscalationPolicy, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { residenceId } = request.params;
      await saveEscalationPolicy(db, residenceId, principal(request).userId, request.body, deps.now());
      return loadEscalationPolicy(db, residenceId);
    },
  );
}
