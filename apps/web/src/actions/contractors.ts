"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { memberApi, problemDetail } from "../lib/api.ts";
import { strings } from "../strings.ts";

const TRADES = [
  "hvac",
  "plumbing",
  "electrical",
  "appliances",
  "exterior",
  "interior",
  "yard",
  "safety",
  "cleaning",
  "pest",
  "other",
] as const;

function text(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === "string" ? value.trim() : "";
}

/** Create (no contractorId) or edit a contractor; goes to the contractor's page when saved. */
export async function saveContractor(_state: FormState, data: FormData): Promise<FormState> {
  const api = await memberApi();
  if (!api) redirect("/sign-in?next=/tasks");
  const residenceId = text(data, "residenceId");
  const contractorId = text(data, "contractorId");
  const rating = Number(text(data, "rating"));
  const body = {
    name: text(data, "name"),
    company: text(data, "company") || null,
    trades: TRADES.filter((trade) => data.getAll("trades").includes(trade)),
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
  if (!result.data) {
    if (result.response.status >= 500)
      console.error(`save contractor: API answered ${result.response.status}`);
    return { error: problemDetail(result.error) ?? strings.errors.generic };
  }
  revalidatePath(`/residences/${residenceId}/contractors`);
  redirect(`/residences/${residenceId}/contractors/${result.data.id}`);
}
