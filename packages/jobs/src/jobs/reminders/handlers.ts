import type { HandlersOf } from "../../runtime/definition.ts";
import { tickInstant } from "../../runtime/definition.ts";
import type { REMINDER_JOBS } from "./definitions.ts";
import { type ReminderDeps, runDigestTick } from "./digest.ts";
import { runEscalationTick } from "./escalation.ts";
import { runWarrantyTick } from "./warranty.ts";

/** The reminder ticks: each runs for its `at` (tests, backfills) or now. */
export function createReminderHandlers(deps: ReminderDeps): HandlersOf<typeof REMINDER_JOBS> {
  return {
    "reminders.digest-tick": async (payload) => {
      await runDigestTick(deps, tickInstant(payload.at));
    },
    "reminders.warranty-tick": async (payload) => {
      await runWarrantyTick(deps, tickInstant(payload.at));
    },
    "reminders.escalation-tick": async (payload) => {
      await runEscalationTick(deps, tickInstant(payload.at));
    },
  };
}
