"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { failed, text as field, signedInApi } from "../lib/action-kit.ts";
import { parseMoney } from "../lib/money.ts";
import { uploadFile } from "../lib/uploads.ts";
import { strings } from "../strings.ts";

const KINDS = ["warranty", "manual", "receipt", "insurance", "permit", "invoice", "other"] as const;

const text = (data: FormData, name: string) => field(data, name).trim();

/** Create (no documentId) or edit a document; a chosen file is uploaded through the API first, then attached. */
export async function saveDocument(_state: FormState, data: FormData): Promise<FormState> {
  const t = strings.documents;
  const residenceId = text(data, "residenceId");
  const api = await signedInApi(`/residences/${residenceId}/documents`);
  const documentId = text(data, "documentId");
  const amount = parseMoney(text(data, "amount"), text(data, "locale") || "en");
  if (amount === undefined) return { error: strings.taskDetail.badCost };
  const file = data.get("file");
  let fileId: string | undefined;
  if (file instanceof File && file.size > 0) {
    const uploaded = await uploadFile(file, "document", residenceId);
    if (!("id" in uploaded)) {
      if (uploaded.status >= 500 || uploaded.status === 0)
        console.error(`document upload: API answered ${uploaded.status}`);
      return { error: uploaded.error ?? t.uploadFailed };
    }
    fileId = uploaded.id;
  }
  const kind = text(data, "kind");
  const body = {
    title: text(data, "title"),
    kind: (KINDS as readonly string[]).includes(kind) ? (kind as (typeof KINDS)[number]) : "other",
    purchaseOn: text(data, "purchaseOn") || null,
    expiresOn: text(data, "expiresOn") || null,
    amountCents: amount,
    notes: text(data, "notes") || null,
    ...(fileId ? { fileId } : {}),
  };
  const result = documentId
    ? await api.PATCH("/v1/documents/{documentId}", { params: { path: { documentId } }, body })
    : await api.POST("/v1/residences/{residenceId}/documents", { params: { path: { residenceId } }, body });
  if (!result.data) return failed("save document", result.response.status, result.error);
  revalidatePath(`/residences/${residenceId}/documents`);
  redirect(`/residences/${residenceId}/documents/${result.data.id}`);
}
