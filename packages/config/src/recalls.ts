import Type, { type Static } from "typebox";
import { Bool, Url } from "./env.ts";

/**
 * Recall checks (the `recalls.check` job, run by the worker, or by the API in embedded mode): where recall
 * notices come from and how often they are fetched. The job ticks hourly and fetches a source once its last
 * successful fetch is older than the interval; a failed fetch is tried again at the next tick.
 */
export const recallSettingsSchema = Type.Object({
  RECALLS_ENABLED: Bool(true, "Match appliances against product recall notices on a schedule"),
  RECALLS_CPSC_URL: Url({
    default: "https://www.saferproducts.gov/RestWebServices/Recall",
    description: "The U.S. CPSC Recall Retrieval Web Services endpoint (JSON)",
  }),
  RECALLS_CHECK_INTERVAL_HOURS: Type.Integer({
    minimum: 1,
    maximum: 720,
    default: 24,
    description: "Hours between successful fetches of a recall source",
  }),
  RECALLS_LOOKBACK_DAYS: Type.Integer({
    minimum: 1,
    maximum: 36_500,
    default: 3650,
    description: "How far back the first fetch of a source reaches",
  }),
  RECALLS_TIMEOUT_MS: Type.Integer({
    minimum: 1000,
    maximum: 600_000,
    default: 60_000,
    description: "A fetch from a recall source that takes longer fails",
  }),
});

export interface RecallSettings {
  enabled: boolean;
  cpscUrl: string;
  checkIntervalHours: number;
  lookbackDays: number;
  timeoutMs: number;
}

export function toRecallSettings(env: Static<typeof recallSettingsSchema>): RecallSettings {
  return {
    enabled: env.RECALLS_ENABLED,
    cpscUrl: env.RECALLS_CPSC_URL,
    checkIntervalHours: env.RECALLS_CHECK_INTERVAL_HOURS,
    lookbackDays: env.RECALLS_LOOKBACK_DAYS,
    timeoutMs: env.RECALLS_TIMEOUT_MS,
  };
}
