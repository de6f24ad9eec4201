"use server";
import type { Problem } from "@honeydue/api-client";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { failed, signedInApi, text } from "../lib/action-kit.ts";
import { problemDetail, publicApi } from "../lib/api.ts";
import { forwardedFor } from "../lib/client-address.ts";
import { linkRefusal } from "../lib/handoff.ts";
import { parseMoney } from "../lib/money.ts";
import { settings } from "../lib/settings.ts";
import { strings } from "../strings.ts";

// Contractor hand-off links (docs/handoff-and-handover.md): a member makes, withdraws and decides them on the
// task's page; the contractor, who has no account, sends the work through the link's page. The link's
// secret is never written to a log line here.

export type HandoffLinkState = { url?: string; error?: string } | undefined;

/** A new link for the task, shown once: the API keeps only its hash. */
export async function makeHandoffLink(_state: HandoffLinkState, data: FormData): Promise<HandoffLinkState> {
  const taskId = text(data, "taskId");
  const days = Number(text(data, "expiresInDays") || "14");
  const contractorId = text(data, "contractorId");
  const api = await signedInApi(`/tasks/${taskId}`);
  const {
    data: link,
    error,
    response,
  } = await api.POST("/v1/tasks/{taskId}/handoff-links", {
    params: { path: { taskId } },
    body: {
      showAddress: text(data, "showAddress") === "1",
      expiresInDays: Number.isInteger(days) ? days : 14,
      contractorId: contractorId || null,
    },
  });
  if (!link) return failed("make hand-off link", response.status, error);
  revalidatePath(`/tasks/${taskId}`);
  return { url: link.url };
}

/** The task page again, saying what happened (the decided proposal's form is gone with its answer). */
function backToTask(taskId: string, notice: string): never {
  revalidatePath(`/tasks/${taskId}`);
  redirect(`/tasks/${taskId}?notice=${notice}#handoff`);
}

export async function revokeHandoffLink(_state: FormState, data: FormData): Promise<FormState> {
  const taskId = text(data, "taskId");
  const handoffLinkId = text(data, "handoffLinkId");
  const { error, response } = await (await signedInApi(`/tasks/${taskId}`)).DELETE(
    "/v1/handoff-links/{handoffLinkId}",
    { params: { path: { handoffLinkId } } },
  );
  if (!response.ok) return failed("revoke hand-off link", response.status, error);
  backToTask(taskId, "handoff-revoked");
}

/** Accept: a completion with the files, the amount as its cost, and the contractor picked (or a new one). */
export async function acceptHandoff(_state: FormState, data: FormData): Promise<FormState> {
  const taskId = text(data, "taskId");
  const handoffLinkId = text(data, "handoffLinkId");
  const contractorId = text(data, "contractorId");
  const {
    data: accepted,
    error,
    response,
  } = await (await signedInApi(`/tasks/${taskId}`)).POST("/v1/handoff-links/{handoffLinkId}/accept", {
    params: { path: { handoffLinkId } },
    body: contractorId ? { contractorId } : {},
  });
  if (!accepted) return failed("accept hand-off", response.status, error);
  revalidatePath(`/residences/${accepted.link.residenceId}`);
  backToTask(taskId, "handoff-accepted");
}

export async function rejectHandoff(_state: FormState, data: FormData): Promise<FormState> {
  const taskId = text(data, "taskId");
  const handoffLinkId = text(data, "handoffLinkId");
  const reason = text(data, "reason").trim();
  const { error, response } = await (await signedInApi(`/tasks/${taskId}`)).POST(
    "/v1/handoff-links/{handoffLinkId}/reject",
    { params: { path: { handoffLinkId } }, body: reason ? { reason } : {} },
  );
  if (!response.ok) return failed("reject hand-off", response.status, error);
  backToTask(taskId, "handoff-rejected");
}

/** A file the browser sent for an empty file input (no name, no bytes) is no file. */
function chosenFiles(data: FormData, name: string): File[] {
  return data.getAll(name).filter((v): v is File => v instanceof File && v.size > 0);
}

/** One file through the link's upload route (multipart: `kind` before `file`), as the contractor's browser. */
async function sendThroughLink(token: string, kind: "invoice" | "photo", file: File) {
  const form = new FormData();
  form.append("kind", kind);
  form.append("file", file, file.name || kind);
  try {
    const response = await fetch(`${settings.apiUrl}/v1/handoff/${encodeURIComponent(token)}/files`, {
      method: "POST",
      headers: await forwardedFor(),
      body: form,
    });
    if (response.status === 201) return { ok: true as const };
    const body = (await response.json().catch(() => null)) as Partial<Problem> | null;
    return { ok: false as const, status: response.status, detail: problemDetail(body) };
  } catch (error) {
    console.error("hand-off upload: API unreachable", error instanceof Error ? error.message : "");
    return { ok: false as const, status: 0, detail: undefined };
  }
}

/**
 * The contractor sends the invoice and photos chosen, then marks the work done with their name, the amount
 * (typed in their own locale) and a note. A file refused (its type, its size) stops before the work is
 * marked done, with the reason; files already sent stay listed on the page.
 */
export async function submitHandoffWork(_state: FormState, data: FormData): Promise<FormState> {
  const t = strings.contractorPage;
  const token = text(data, "token");
  const locale = text(data, "locale") || "en";
  const maxPhotos = Number(text(data, "maxPhotos")) || 20;
  const amountCents = parseMoney(text(data, "amount"), locale);
  if (amountCents === undefined) return { error: t.badAmount };
  const invoice = chosenFiles(data, "invoice")[0];
  const photos = chosenFiles(data, "photos");
  if (photos.length > maxPhotos) return { error: t.tooManyPhotos(maxPhotos) };
  // The API's refusal in the contractor's words; our faults and the API's are logged (never the link).
  const refused = (
    status: number,
    detail: string | undefined,
    what: string,
    fallback?: string,
  ): FormState => {
    const refusal = linkRefusal(status, detail);
    if (refusal) return { error: refusal };
    if (status >= 500 || status === 0) console.error(`hand-off ${what}: API answered ${status}`);
    return { error: fallback ?? detail ?? strings.errors.generic };
  };
  for (const [kind, file] of [
    ...(invoice ? [["invoice", invoice] as const] : []),
    ...photos.map((p) => ["photo", p] as const),
  ]) {
    const sent = await sendThroughLink(token, kind, file);
    if (!sent.ok)
      return refused(
        sent.status,
        sent.detail,
        "upload",
        t.uploadFailed(file.name || kind, sent.detail ?? strings.errors.generic),
      );
  }
  const optional = (name: string) => text(data, name).trim() || undefined;
  const { error, response } = await publicApi().POST("/v1/handoff/{token}/submit", {
    params: { path: { token } },
    body: {
      contractorName: text(data, "contractorName").trim(),
      company: optional("company"),
      phone: optional("phone"),
      email: optional("email"),
      completedOn: optional("completedOn"),
      amountCents: amountCents ?? undefined,
      note: optional("note"),
    },
  });
  if (!response.ok) return refused(response.status, problemDetail(error), "submit");
  return { message: t.done };
}
