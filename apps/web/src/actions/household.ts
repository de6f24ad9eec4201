"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { failed, idempotency, signedInApi, text } from "../lib/action-kit.ts";
import { completeTask, moveTask } from "../lib/task-writes.ts";
import { strings } from "../strings.ts";

const PROPERTY_TYPES = ["house", "townhouse", "condo", "apartment", "other"] as const;
type PropertyType = (typeof PROPERTY_TYPES)[number];

export async function createResidence(_state: FormState, data: FormData): Promise<FormState> {
  const type = text(data, "propertyType");
  const propertyType: PropertyType = (PROPERTY_TYPES as readonly string[]).includes(type)
    ? (type as PropertyType)
    : "house";
  const {
    data: residence,
    error,
    response,
  } = await (await signedInApi()).POST("/v1/residences", {
    params: { header: idempotency(data) },
    body: { name: text(data, "name"), propertyType },
  });
  if (!residence) return failed("create residence", response.status, error);
  redirect(`/residences/${residence.id}/templates?type=${propertyType}`);
}

export async function addFromTemplates(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const templateIds = data.getAll("templateId").filter((v): v is string => typeof v === "string");
  if (templateIds.length > 0) {
    const { error, response } = await (await signedInApi()).POST(
      "/v1/residences/{residenceId}/tasks/from-templates",
      {
        params: { path: { residenceId }, header: idempotency(data) },
        body: { templateIds },
      },
    );
    if (!response.ok) return failed("add from templates", response.status, error);
  }
  redirect(`/residences/${residenceId}`);
}

/** Complete, skip or snooze the occurrence the member saw (its due date), so a stale page cannot move a newer one. */
export async function actOnTask(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const client = await signedInApi();
  const key = text(data, "idempotencyKey");
  const act = text(data, "act");
  const result =
    act === "skip" || act === "snooze"
      ? await moveTask(client, data, key)
      : await completeTask(client, data, key);
  if (result.invalid !== undefined) return { error: result.invalid };
  if (result.status === 409) return { error: strings.household.conflict };
  if (!result.data) return failed(`task ${act}`, result.status, result.error);
  revalidatePath(`/residences/${residenceId}`);
  return {
    message: strings.household.done[act === "skip" ? "skip" : act === "snooze" ? "snooze" : "complete"],
  };
}
