"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { failed, signedInApi, text } from "../lib/action-kit.ts";
import { formatInstant } from "../lib/format.ts";
import { strings } from "../strings.ts";

const ROLES = ["owner", "member", "viewer"] as const;
type Role = (typeof ROLES)[number];
const role = (value: string): Role | undefined =>
  (ROLES as readonly string[]).find((r) => r === value) as Role;

const page = (residenceId: string) => `/residences/${residenceId}/members`;

/** An owner changes a member's role (the last owner cannot be demoted: the API says so in words). */
export async function changeRole(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const userId = text(data, "userId");
  const api = await signedInApi(page(residenceId));
  const {
    data: member,
    error,
    response,
  } = await api.PATCH("/v1/residences/{residenceId}/members/{userId}", {
    params: { path: { residenceId, userId } },
    body: { role: role(text(data, "role")) ?? "member" },
  });
  if (!member) return failed("change role", response.status, error);
  revalidatePath(page(residenceId));
  return { message: strings.members.roleChanged };
}

/** An owner removes a member; anyone leaves with their own id (then the residence is no longer theirs to see). */
export async function removeMember(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const userId = text(data, "userId");
  const api = await signedInApi(page(residenceId));
  const { error, response } = await api.DELETE("/v1/residences/{residenceId}/members/{userId}", {
    params: { path: { residenceId, userId } },
  });
  if (!response.ok) return failed("remove member", response.status, error);
  if (data.get("leaving") === "yes") {
    revalidatePath("/tasks");
    redirect("/tasks");
  }
  revalidatePath(page(residenceId));
  return { message: strings.members.removed };
}

export async function invite(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const email = text(data, "email").trim();
  const api = await signedInApi(page(residenceId));
  const { error, response } = await api.POST("/v1/residences/{residenceId}/invites", {
    params: { path: { residenceId } },
    body: { email, role: role(text(data, "role")) ?? "member" },
  });
  if (!response.ok) return failed("invite", response.status, error);
  revalidatePath(page(residenceId));
  return { message: strings.members.invited(email) };
}

export async function withdrawInvite(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const api = await signedInApi(page(residenceId));
  const { error, response } = await api.DELETE("/v1/residences/{residenceId}/invites/{inviteId}", {
    params: { path: { residenceId, inviteId: text(data, "inviteId") } },
  });
  if (!response.ok) return failed("withdraw invite", response.status, error);
  revalidatePath(page(residenceId));
  return { message: strings.members.withdrawn };
}

/** The API keeps only a share code's hash: the code is shown in the answer, once. */
export async function createShareCode(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const api = await signedInApi(page(residenceId));
  const joinsAs = text(data, "role") === "viewer" ? "viewer" : "member";
  const {
    data: code,
    error,
    response,
  } = await api.POST("/v1/residences/{residenceId}/share-code", {
    params: { path: { residenceId } },
    body: { role: joinsAs },
  });
  if (!code) return failed("create share code", response.status, error);
  revalidatePath(page(residenceId));
  const me = await api.GET("/v1/me");
  const until = formatInstant(code.expiresAt, me.data?.locale ?? "en", me.data?.timezone ?? "UTC");
  return { message: strings.members.codeMade(code.code, until) };
}

export async function revokeShareCodes(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const api = await signedInApi(page(residenceId));
  const { error, response } = await api.DELETE("/v1/residences/{residenceId}/share-code", {
    params: { path: { residenceId } },
  });
  if (!response.ok) return failed("revoke share codes", response.status, error);
  revalidatePath(page(residenceId));
  return { message: strings.members.codesRevoked };
}

/** Join with a typed share code, then open the residence's list. */
export async function joinWithCode(_state: FormState, data: FormData): Promise<FormState> {
  const code = text(data, "code").trim();
  if (!code) return { error: strings.join.notFound };
  const api = await signedInApi("/residences/join");
  const {
    data: residence,
    error,
    response,
  } = await api.POST("/v1/share-codes/{code}/join", {
    params: { path: { code } },
  });
  if (response.status === 404) return { error: strings.join.notFound };
  if (response.status === 409) return { error: strings.join.already };
  if (response.status === 429) return failed("join with code", response.status, error);
  if (!residence) return failed("join with code", response.status, error);
  revalidatePath("/tasks");
  redirect(`/residences/${residence.id}`);
}
