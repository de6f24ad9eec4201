"use server";
import { TASK_CATEGORIES } from "@honeydue/domain/templates-catalog";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { failed, text as field, signedInApi } from "../lib/action-kit.ts";

const text = (data: FormData, name: string) => field(data, name).trim();

/** Create (no contractorId) or edit a contractor; goes to the contractor's page when saved. */
export async function saveContractor(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const api = await signedInApi(`/residences/${residenceId}/contractors`);
  const contractorId = text(data, "contractorId");
  const rating = Number(text(data, "rating"));
  const body = {
    name: text(data, "name"),
    company: text(data, "company") || null,
    trades: TASK_CATEGORIES.filter((trade) => data.getAll("trades").includes(trade)),
    phone: text(data, "phone") || null,
    email: text(data, "email") || null,
    website: text(data, "website") || null,
    notes: text(data, "notes") || null,
    rating: Number.isInteger(rating) && rating >= 1 && rating <= 5 ? rating : null,
    favorite: data.get("favorite") === "on",
  };
  const result = contractorId
    ? await api.PATCH("/v1/contractors/{contractorId}", { params: { path: { contractorId } }, body })
    : await api.POST("/v1/residences/{residenceId}/contractors", { params: { path: { residenceId } }, body });
  if (!result.data) return failed("save contractor", result.response.status, result.error);
  revalidatePath(`/residences/${residenceId}/contractors`);
  redirect(`/residences/${residenceId}/contractors/${result.data.id}`);
}
