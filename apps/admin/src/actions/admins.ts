"use server";
import { api, csrfOf, outcome, problemText } from "@/lib/api";

export type OneTimeState = { email?: string; password?: string; error?: string };

/** Creates an admin; the one-time password comes back once, into the page's state (never a URL). */
export async function createAdmin(_: OneTimeState, form: FormData): Promise<OneTimeState> {
  const client = await api(csrfOf(form));
  const role = form.get("role") === "superadmin" ? "superadmin" : "support";
  const { data, error, response } = await client.POST("/v1/admin/admins", {
    body: {
      email: String(form.get("email") ?? "").trim(),
      name: String(form.get("name") ?? "").trim(),
      role,
    },
  });
  if (!data) return { error: problemText(error, response.status) };
  return { email: data.admin.email, password: data.oneTimePassword };
}

export async function resetAdmin(_: OneTimeState, form: FormData): Promise<OneTimeState> {
  const client = await api(csrfOf(form));
  const adminId = String(form.get("adminId") ?? "");
  const { data, error, response } = await client.POST("/v1/admin/admins/{adminId}/reset", {
    params: { path: { adminId } },
  });
  if (!data) return { error: problemText(error, response.status) };
  return { email: data.admin.email, password: data.oneTimePassword };
}

export async function updateAdmin(form: FormData) {
  const client = await api(csrfOf(form));
  const adminId = String(form.get("adminId") ?? "");
  const change = String(form.get("change") ?? "");
  const body =
    change === "superadmin" || change === "support"
      ? { role: change as "superadmin" | "support" }
      : { disabled: change === "disable" };
  const result = await client.PATCH("/v1/admin/admins/{adminId}", { params: { path: { adminId } }, body });
  outcome(result, "/admins", "Admin updated");
}

export async function deleteAdmin(form: FormData) {
  const client = await api(csrfOf(form));
  const adminId = String(form.get("adminId") ?? "");
  const result = await client.DELETE("/v1/admin/admins/{adminId}", { params: { path: { adminId } } });
  outcome(result, "/admins", "Admin deleted");
}
