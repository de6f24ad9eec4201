"use server";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { ADMIN_COOKIE, api, csrfOf, problemText, withParam } from "@/lib/api";

const text = (form: FormData, key: string) => {
  const v = form.get(key);
  return typeof v === "string" ? v : "";
};

/** Signs in at the API and keeps the session cookie it issued (same name and attributes) for this panel. */
export async function signIn(form: FormData) {
  const client = await api();
  const code = text(form, "code").trim();
  const { data, error, response } = await client.POST("/v1/admin/auth/sign-in", {
    body: { email: text(form, "email").trim(), password: text(form, "password"), ...(code ? { code } : {}) },
  });
  if (!data) redirect(withParam("/sign-in", "error", problemText(error, response.status)));
  const setCookie = response.headers.get("set-cookie") ?? "";
  const token = new RegExp(`${ADMIN_COOKIE}=([^;]+)`).exec(setCookie)?.[1];
  const maxAge = Number(/Max-Age=(\d+)/i.exec(setCookie)?.[1] ?? 43200);
  if (!token) redirect(withParam("/sign-in", "error", "The API did not start a session"));
  (await cookies()).set(ADMIN_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: "strict",
    path: "/",
    maxAge,
  });
  redirect(data.setup.changePassword || data.setup.enrolTotp ? "/setup" : "/");
}

export async function signOut(form: FormData) {
  const client = await api(csrfOf(form));
  await client.POST("/v1/admin/auth/sign-out");
  (await cookies()).delete(ADMIN_COOKIE);
  redirect("/sign-in?notice=Signed+out");
}

export async function changePassword(form: FormData) {
  const client = await api(csrfOf(form));
  const back = text(form, "back") === "/account" ? "/account" : "/setup";
  const { error, response } = await client.POST("/v1/admin/me/password", {
    body: { currentPassword: text(form, "currentPassword"), password: text(form, "password") },
  });
  if (response.status === 401) redirect("/sign-in");
  if (!response.ok) redirect(withParam(back, "error", problemText(error, response.status)));
  redirect(withParam(back, "notice", "Your password was changed"));
}

export type EnrolState =
  | { step: "start"; error?: string }
  | { step: "confirm"; secret: string; qrCode: string; otpauthUri: string; error?: string }
  | { step: "done"; recoveryCodes: string[] };

/** Two steps of one form (client state): a new secret and its QR code, then the code that confirms it. */
export async function enrolTotp(state: EnrolState, form: FormData): Promise<EnrolState> {
  const client = await api(csrfOf(form));
  if (state.step !== "confirm") {
    const { data, error, response } = await client.POST("/v1/admin/me/totp");
    if (!data) return { step: "start", error: problemText(error, response.status) };
    return { step: "confirm", ...data };
  }
  const { data, error, response } = await client.POST("/v1/admin/me/totp/confirm", {
    body: { code: text(form, "code").trim() },
  });
  if (!data) return { ...state, error: problemText(error, response.status) };
  return { step: "done", recoveryCodes: data.recoveryCodes };
}

export type RecoveryState = { recoveryCodes?: string[]; error?: string };

export async function replaceRecoveryCodes(_: RecoveryState, form: FormData): Promise<RecoveryState> {
  const client = await api(csrfOf(form));
  const { data, error, response } = await client.POST("/v1/admin/me/recovery-codes", {
    body: { code: text(form, "code").trim() },
  });
  if (!data) return { error: problemText(error, response.status) };
  return { recoveryCodes: data.recoveryCodes };
}
