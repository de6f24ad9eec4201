"use server";
import { api, csrfOf, outcome, safeBack } from "@/lib/api";

const id = (form: FormData, key = "userId") => String(form.get(key) ?? "");

export async function disableUser(form: FormData) {
  const client = await api(csrfOf(form));
  const reason = String(form.get("reason") ?? "").trim();
  const result = await client.POST("/v1/admin/users/{userId}/disable", {
    params: { path: { userId: id(form) } },
    body: reason ? { reason } : {},
  });
  outcome(result, safeBack(form.get("back")), "The user is disabled and signed out everywhere");
}

export async function enableUser(form: FormData) {
  const client = await api(csrfOf(form));
  const result = await client.POST("/v1/admin/users/{userId}/enable", {
    params: { path: { userId: id(form) } },
  });
  outcome(result, safeBack(form.get("back")), "The user is enabled again");
}

export async function resendVerification(form: FormData) {
  const client = await api(csrfOf(form));
  const result = await client.POST("/v1/admin/users/{userId}/resend-verification", {
    params: { path: { userId: id(form) } },
  });
  outcome(result, safeBack(form.get("back")), "A new verification email is on its way");
}

export async function sendPasswordReset(form: FormData) {
  const client = await api(csrfOf(form));
  const result = await client.POST("/v1/admin/users/{userId}/password-reset", {
    params: { path: { userId: id(form) } },
  });
  outcome(result, safeBack(form.get("back")), "A password reset email is on its way");
}

export async function deleteUser(form: FormData) {
  const client = await api(csrfOf(form));
  const result = await client.DELETE("/v1/admin/users/{userId}", {
    params: { path: { userId: id(form) } },
    body: { confirmEmail: String(form.get("confirmEmail") ?? "") },
  });
  outcome(result, result.response.ok ? "/users" : safeBack(form.get("back")), "The user was deleted");
}
