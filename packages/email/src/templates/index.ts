import type { EmailTemplate } from "../template.ts";
import { applianceRecall } from "./appliance-recall.ts";
import { dailyDigest } from "./daily-digest.ts";
import { handoverOffered } from "./handover-offered.ts";
import { invite } from "./invite.ts";
import { passwordChanged } from "./password-changed.ts";
import { registrationAttempt } from "./registration-attempt.ts";
import { resetPassword } from "./reset-password.ts";
import { taskEscalation } from "./task-escalation.ts";
import { verifyEmail } from "./verify-email.ts";
import { warrantyExpiring } from "./warranty-expiring.ts";

/** Every email honeyDue sends. To add one: a file in this folder and one line here. */
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
} satisfies Record<string, EmailTemplate>;

export type TemplateName = keyof typeof TEMPLATES;

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(TEMPLATES, name);
}
