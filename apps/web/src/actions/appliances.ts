"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { failed, text as field, idempotency, signedInApi } from "../lib/action-kit.ts";
import { parseMoney } from "../lib/money.ts";
import { uploadFile } from "../lib/uploads.ts";
import { strings } from "../strings.ts";

const KINDS = Object.keys(strings.appliances.kinds) as (keyof typeof strings.appliances.kinds)[];

const text = (data: FormData, name: string) => field(data, name).trim();

function ids(data: FormData, name: string): string[] {
  return data.getAll(name).filter((v): v is string => typeof v === "string" && v.length > 0);
}

/**
 * Create (no applianceId) or edit an appliance with its links; a chosen photo is uploaded through the API
 * first and set once the appliance is saved. Goes to the appliance's page.
 */
export async function saveAppliance(_state: FormState, data: FormData): Promise<FormState> {
  const t = strings.appliances;
  const residenceId = text(data, "residenceId");
  const applianceId = text(data, "applianceId");
  const cost = parseMoney(text(data, "cost"), text(data, "locale") || "en");
  if (cost === undefined) return { error: strings.taskDetail.badCost };
  const lifespanText = text(data, "lifespanYears");
  const lifespan = lifespanText === "" ? null : Number(lifespanText);
  if (lifespan !== null && !(Number.isInteger(lifespan) && lifespan >= 1 && lifespan <= 200))
    return { error: t.badLifespan };
  const kind = text(data, "kind");
  const body = {
    name: text(data, "name"),
    kind: (KINDS as string[]).includes(kind) ? (kind as (typeof KINDS)[number]) : "other",
    brand: text(data, "brand") || null,
    model: text(data, "model") || null,
    serialNumber: text(data, "serialNumber") || null,
    purchasedOn: text(data, "purchasedOn") || null,
    installedOn: text(data, "installedOn") || null,
    location: text(data, "location") || null,
    notes: text(data, "notes") || null,
    lifespanYears: lifespan,
    replacementCostCents: cost,
    documentIds: ids(data, "documentIds"),
    contractorIds: ids(data, "contractorIds"),
    taskIds: ids(data, "taskIds"),
  };
  const photo = data.get("photo");
  let photoId: string | null | undefined = data.get("removePhoto") === "1" ? null : undefined;
  if (photo instanceof File && photo.size > 0) {
    const uploaded = await uploadFile(photo, "appliance_photo", residenceId);
    if (!("id" in uploaded)) {
      if (uploaded.status >= 500 || uploaded.status === 0)
        console.error(`appliance photo upload: API answered ${uploaded.status}`);
      return { error: uploaded.error ?? t.uploadFailed };
    }
    photoId = uploaded.id;
  }
  const client = await signedInApi(`/residences/${residenceId}/appliances`);
  const saved = applianceId
    ? await client.PATCH("/v1/appliances/{applianceId}", { params: { path: { applianceId } }, body })
    : await client.POST("/v1/residences/{residenceId}/appliances", {
        params: { path: { residenceId }, header: idempotency(data) },
        body,
      });
  if (!saved.data) return failed("save appliance", saved.response.status, saved.error);
  const id = saved.data.id;
  if (photoId !== undefined) {
    const { error, response } = await client.PUT("/v1/appliances/{applianceId}/photo", {
      params: { path: { applianceId: id } },
      body: { fileId: photoId },
    });
    if (!response.ok) return failed("appliance photo", response.status, error);
  }
  revalidatePath(`/residences/${residenceId}/appliances`);
  revalidatePath(`/residences/${residenceId}/appliances/${id}`);
  redirect(`/residences/${residenceId}/appliances/${id}`);
}

/** Deletes the appliance; its tasks, documents and contractors stay, without the link. */
export async function deleteAppliance(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const applianceId = text(data, "applianceId");
  const { error, response } = await (await signedInApi(`/residences/${residenceId}/appliances`)).DELETE(
    "/v1/appliances/{applianceId}",
    {
      params: { path: { applianceId } },
    },
  );
  if (!response.ok && response.status !== 404) return failed("delete appliance", response.status, error);
  revalidatePath(`/residences/${residenceId}/appliances`);
  redirect(`/residences/${residenceId}/appliances`);
}

/**
 * Adds the chosen jobs its kind calls for (catalog templates) as tasks linked to the appliance, then shows
 * its page again with how many were added.
 */
export async function addApplianceTasks(_state: FormState, data: FormData): Promise<FormState> {
  const t = strings.appliances;
  const residenceId = text(data, "residenceId");
  const applianceId = text(data, "applianceId");
  const templateIds = ids(data, "templateIds");
  if (templateIds.length === 0) return { error: t.suggestedNone };
  const page = `/residences/${residenceId}/appliances/${applianceId}`;
  const made = await (await signedInApi(page)).POST("/v1/appliances/{applianceId}/tasks/from-templates", {
    params: { path: { applianceId } },
    body: { templateIds },
  });
  if (!made.data) return failed("appliance tasks", made.response.status, made.error);
  revalidatePath(page);
  revalidatePath(`/residences/${residenceId}`);
  redirect(`${page}?added=${made.data.items.length}`);
}
