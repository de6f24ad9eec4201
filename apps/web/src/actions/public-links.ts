"use server";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { failed, signedInApi } from "../lib/action-kit.ts";
import { publicApi } from "../lib/api.ts";
import { strings } from "../strings.ts";

/** Accept an emailed invitation as the signed-in member, then open the household's list. */
export async function acceptInvite(_state: FormState, data: FormData): Promise<FormState> {
  const token = String(data.get("token") ?? "");
  const api = await signedInApi(`/invites/${token}`);
  const {
    data: residence,
    error,
    response,
  } = await api.POST("/v1/invites/{token}/accept", {
    params: { path: { token } },
  });
  if (residence || response.status === 409) redirect("/tasks");
  if (response.status === 410) return { error: strings.invite.unavailable };
  if (response.status === 404) return { error: strings.invite.notFound };
  return failed("accept invite", response.status, error);
}

/** The human side of the unsubscribe link (mail clients use the API's RFC 8058 one-click POST directly). */
export async function unsubscribe(_state: FormState, data: FormData): Promise<FormState> {
  const token = String(data.get("token") ?? "");
  const {
    data: result,
    error,
    response,
  } = await publicApi().POST("/v1/unsubscribe/{token}", {
    params: { path: { token } },
  });
  if (result) return { message: strings.unsubscribe.unsubscribed };
  if (response.status === 404) return { error: strings.unsubscribe.notFound };
  return failed("unsubscribe", response.status, error);
}
