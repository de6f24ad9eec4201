"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { failed, idempotency, signedInApi, text } from "../lib/action-kit.ts";
import { strings } from "../strings.ts";

// Handing a home over (the owners' offer, the new owner's answer) and the home history report's share links
// (docs/handoff-and-handover.md).

const KEEP = ["tasks", "log", "documents", "contractors"] as const;
type Keep = (typeof KEEP)[number];

const handoverPage = (residenceId: string) => `/residences/${residenceId}/handover`;
const historyPage = (residenceId: string) => `/residences/${residenceId}/history`;

/** An owner offers the residence to a new owner by email; a new offer replaces the open one. */
export async function offerHandover(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const email = text(data, "email").trim();
  const message = text(data, "message").trim();
  const keep = data.getAll("keep").filter((k): k is Keep => (KEEP as readonly unknown[]).includes(k));
  const api = await signedInApi(handoverPage(residenceId));
  const {
    data: offer,
    error,
    response,
  } = await api.POST("/v1/residences/{residenceId}/handovers", {
    params: { path: { residenceId }, header: idempotency(data) },
    body: { email, keep, ...(message ? { message } : {}) },
  });
  if (!offer) return failed("offer handover", response.status, error);
  revalidatePath(handoverPage(residenceId));
  return { message: strings.handover.offered(offer.email) };
}

export async function withdrawHandover(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const api = await signedInApi(handoverPage(residenceId));
  const { error, response } = await api.DELETE("/v1/residences/{residenceId}/handovers/{handoverId}", {
    params: { path: { residenceId, handoverId: text(data, "handoverId") } },
  });
  if (!response.ok) return failed("withdraw handover", response.status, error);
  revalidatePath(handoverPage(residenceId));
  return { message: strings.handover.withdrawn };
}

/** The new owner accepts: the home is theirs, so its list opens. */
export async function acceptHandover(_state: FormState, data: FormData): Promise<FormState> {
  const api = await signedInApi("/handovers");
  const {
    data: residence,
    error,
    response,
  } = await api.POST("/v1/handovers/{handoverId}/accept", {
    params: { path: { handoverId: text(data, "handoverId") } },
  });
  if (!residence) return failed("accept handover", response.status, error);
  revalidatePath("/tasks");
  redirect(`/residences/${residence.id}`);
}

export async function declineHandover(_state: FormState, data: FormData): Promise<FormState> {
  const api = await signedInApi("/handovers");
  const { error, response } = await api.POST("/v1/handovers/{handoverId}/decline", {
    params: { path: { handoverId: text(data, "handoverId") } },
  });
  if (!response.ok) return failed("decline handover", response.status, error);
  revalidatePath("/handovers");
  revalidatePath("/tasks");
  return { message: strings.offers.declined };
}

export type ReportLinkState = { url?: string; error?: string } | undefined;

/** A share link of the home history report, shown now: the API keeps only its hash. */
export async function createReportLink(_state: ReportLinkState, data: FormData): Promise<ReportLinkState> {
  const residenceId = text(data, "residenceId");
  const label = text(data, "label").trim();
  const daysText = text(data, "expiresInDays").trim();
  const days = daysText === "" ? undefined : Number(daysText);
  if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 365))
    return { error: strings.homeHistory.badDays };
  const api = await signedInApi(historyPage(residenceId));
  const {
    data: link,
    error,
    response,
  } = await api.POST("/v1/residences/{residenceId}/report-links", {
    params: { path: { residenceId } },
    body: { ...(label ? { label } : {}), ...(days !== undefined ? { expiresInDays: days } : {}) },
  });
  if (!link) return failed("create report link", response.status, error);
  revalidatePath(historyPage(residenceId));
  return { url: link.url };
}

export async function revokeReportLink(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const api = await signedInApi(historyPage(residenceId));
  const { error, response } = await api.DELETE("/v1/residences/{residenceId}/report-links/{reportLinkId}", {
    params: { path: { residenceId, reportLinkId: text(data, "reportLinkId") } },
  });
  if (!response.ok) return failed("revoke report link", response.status, error);
  revalidatePath(historyPage(residenceId));
  return { message: strings.homeHistory.revoked };
}
