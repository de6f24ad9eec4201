import Type, { type Static } from "typebox";
import type { EmailTemplate } from "../template.ts";
import { applianceRecall } from "./appliance-recall.ts";
import { dailyDigest } from "./daily-digest.ts";
import { handoffProposed } from "./handoff-proposed.ts";
import { handoverOffered } from "./handover-offered.ts";
import { invite } from "./invite.ts";
import { passwordChanged } from "./password-changed.ts";
import { registrationAttempt } from "./registration-attempt.ts";
import { resetPassword } from "./reset-password.ts";
import { taskEscalation } from "./task-escalation.ts";
import { verifyEmail } from "./verify-email.ts";
import { warrantyExpiring } from "./warranty-expiring.ts";

/** Every email honeyDue sends. To add one: a file in this folder (see EmailTemplate) and one line here. */
export const TEMPLATES = {
  "verify-email": verifyEmail,
  "reset-password": resetPassword,
  "password-changed": passwordChanged,
  "registration-attempt": registrationAttempt,
  "daily-digest": dailyDigest,
  "warranty-expiring": warrantyExpiring,
  "appliance-recall": applianceRecall,
  "task-escalation": taskEscalation,
  invite,
  "handover-offered": handoverOffered,
  "handoff-proposed": handoffProposed,
} satisfies Record<string, EmailTemplate>;

export type TemplateName = keyof typeof TEMPLATES;

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(TEMPLATES, name);
}

/**
 * The payload of an `email.send` job: the template's name and its payload, a union keyed by template, so
 * `enqueueJob(tx, "email.send", { template: "reset-password", userId, tokenId })` is checked by the
 * compiler. Extra properties are refused (at enqueue time too), so nothing but ids and content gets in.
 */
export type EmailJob = {
  [K in TemplateName]: { template: K } & Static<(typeof TEMPLATES)[K]["payload"]>;
}[TemplateName];

export const EmailJobSchema = Type.Unsafe<EmailJob>(
  Type.Union(
    Object.entries(TEMPLATES).map(([name, template]) =>
      Type.Object(
        { template: Type.Literal(name), ...template.payload.properties },
        { additionalProperties: false },
      ),
    ),
  ),
);
