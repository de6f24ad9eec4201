"use server";
import { revalidatePath } from "next/cache";
import type { FormState } from "../components/action-form.tsx";
import { failed, text as field, signedInApi } from "../lib/action-kit.ts";
import { strings } from "../strings.ts";

const UNITS = ["hours", "miles", "km", "gallons", "litres", "cycles"] as const;
const KINDS = ["reading", "reset", "replaced"] as const;

const text = (data: FormData, name: string) => field(data, name).trim();
const pick = <T extends string>(values: readonly T[], value: string): T | undefined =>
  values.find((v) => v === value);
/** A number typed in a form ("1,310.5" → 1310.5); NaN when it is not one (the API then says why). */
const amount = (value: string) => Number(value.replace(/,/g, ""));

/** Adds a meter to a residence; the page shows it. */
export async function createMeter(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const api = await signedInApi(`/residences/${residenceId}/meters`);
  const initial = text(data, "initialReading");
  const unit = pick(UNITS, text(data, "unit"));
  if (!unit) return { error: strings.errors.generic };
  const result = await api.POST("/v1/residences/{residenceId}/meters", {
    params: { path: { residenceId } },
    body: { name: text(data, "name"), unit, ...(initial ? { initialReading: amount(initial) } : {}) },
  });
  if (!result.data) return failed("create meter", result.response.status, result.error);
  revalidatePath(`/residences/${residenceId}/meters`);
  return { message: strings.meters.added(result.data.name) };
}

/** Logs a reading; the API projects the meter's usage tasks again. */
export async function logReading(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const api = await signedInApi(`/residences/${residenceId}/meters`);
  const meterId = text(data, "meterId");
  const readOn = text(data, "readOn");
  const kind = pick(KINDS, text(data, "kind")) ?? "reading";
  const result = await api.POST("/v1/meters/{meterId}/readings", {
    params: { path: { meterId } },
    body: { value: amount(text(data, "value")), kind, ...(readOn ? { readOn } : {}) },
  });
  if (!result.data) return failed("log reading", result.response.status, result.error);
  revalidatePath(`/residences/${residenceId}/meters`);
  revalidatePath(`/residences/${residenceId}`);
  return { message: strings.meters.logged };
}

const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
/** Rows of the policy form (the page shows as many). */
const ESCALATION_FORM_STEPS = 3;

/** Saves the escalation policy from the form's rows (a row telling nobody is no step). */
export async function saveEscalationPolicy(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const api = await signedInApi(`/residences/${residenceId}/escalation`);
  type Days = Record<(typeof PRIORITIES)[number], number | null>;
  const steps: { notify: "assignee" | "owners" | "member"; memberId?: string; afterDays: Days }[] = [];
  for (let i = 0; i < ESCALATION_FORM_STEPS; i++) {
    const target = text(data, `step${i}.notify`);
    if (!target) continue;
    const afterDays = Object.fromEntries(
      PRIORITIES.map((p) => {
        const value = text(data, `step${i}.${p}`);
        return [p, value === "" ? null : amount(value)];
      }),
    ) as Days;
    if (target.startsWith("member:")) steps.push({ notify: "member", memberId: target.slice(7), afterDays });
    else if (target === "assignee" || target === "owners") steps.push({ notify: target, afterDays });
  }
  const result = await api.PUT("/v1/residences/{residenceId}/escalation-policy", {
    params: { path: { residenceId } },
    body: { enabled: data.get("enabled") === "on", steps },
  });
  if (!result.data) return failed("save escalation policy", result.response.status, result.error);
  revalidatePath(`/residences/${residenceId}/escalation`);
  return { message: strings.escalation.saved };
}
