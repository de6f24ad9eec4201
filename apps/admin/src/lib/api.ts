import "server-only";
import { type ApiClient, createApiClient, type Problem } from "@honeydue/api-client";
import { loadAdminPanelSettings } from "@honeydue/config/admin-panel";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";

/** The same cookie name as the API's: the panel relays the session the API issued, untouched. */
export const ADMIN_COOKIE = "__Host-honeydue-admin";

const settings = loadAdminPanelSettings();

export interface SessionShape {
  admin: {
    id: string;
    email: string;
    name: string;
    role: "superadmin" | "support";
    totpEnabled: boolean;
    mustChangePassword: boolean;
  };
  csrfToken: string;
  setup: { changePassword: boolean; enrolTotp: boolean };
}

/**
 * The typed API client for this request: it presents the browser's admin session cookie and the browser's
 * address (for the audit log) to the API. Server-only: nothing of it reaches the browser bundle.
 */
export async function api(csrfToken?: string): Promise<ApiClient> {
  const jar = await cookies();
  const incoming = await headers();
  const token = jar.get(ADMIN_COOKIE)?.value;
  const forwardedFor = incoming.get("x-forwarded-for");
  return createApiClient(settings.apiUrl, {
    fetch: fetchOrUnavailable,
    headers: {
      ...(token ? { cookie: `${ADMIN_COOKIE}=${token}` } : {}),
      ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
      ...(csrfToken ? { "x-csrf-token": csrfToken } : {}),
      "user-agent": incoming.get("user-agent") ?? "honeydue-admin",
    },
  });
}

/**
 * fetch, with a network failure (the API down or unreachable) turned into the 503 problem the API itself
 * would answer, so every page and action shows it like any other API error instead of crashing.
 */
async function fetchOrUnavailable(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    console.error(`admin panel: the API at ${settings.apiUrl} is not reachable: ${(error as Error).message}`);
    const problem = {
      type: "https://docs.honeydue.app/problems/unavailable",
      title: "Service unavailable",
      status: 503,
      detail: "The admin panel cannot reach the API; try again in a moment",
    };
    return new Response(JSON.stringify(problem), {
      status: 503,
      headers: { "content-type": "application/problem+json" },
    });
  }
}

/** The signed-in admin, or null without a live session (asked once per request). */
export const currentSession = cache(async (): Promise<SessionShape | null> => {
  const client = await api();
  const { data, error, response } = await client.GET("/v1/admin/me");
  if (response.status === 401) return null;
  // Not a missing session but an API that does not answer: say so where no API call is needed.
  if (!data) redirect(withParam("/sign-in", "error", problemText(error, response.status)));
  return data as SessionShape;
});

/** The signed-in admin who has finished setup; otherwise off to sign-in or setup. */
export async function requireSession(options: { superadmin?: boolean } = {}): Promise<SessionShape> {
  const session = await currentSession();
  if (!session) redirect("/sign-in");
  if (session.setup.changePassword || session.setup.enrolTotp) redirect("/setup");
  if (options.superadmin && session.admin.role !== "superadmin")
    redirect("/?error=Only+a+superadmin+may+open+that+page");
  return session;
}

/** A problem's message for a person. */
export function problemText(error: unknown, status: number): string {
  const p = error as Partial<Problem> | undefined;
  return p?.detail ?? p?.title ?? `The API answered ${status}`;
}

/** `back` from a form: a path of this panel only (never another site). */
export function safeBack(value: FormDataEntryValue | null, fallback = "/"): string {
  const s = typeof value === "string" ? value : "";
  return s.startsWith("/") && !s.startsWith("//") && !s.startsWith("/\\") ? s : fallback;
}

export function withParam(path: string, key: string, value: string): string {
  const url = new URL(path, "http://panel.invalid");
  url.searchParams.delete("notice");
  url.searchParams.delete("error");
  url.searchParams.set(key, value);
  return url.pathname + url.search;
}

/**
 * After an action: back to the page with a notice, or with the API's error; a session that ended goes to
 * sign-in. (redirect() throws: call it outside try/catch.)
 */
export function outcome(
  result: { error?: unknown; response: Response },
  back: string,
  notice: string,
): never {
  if (result.response.ok) redirect(withParam(back, "notice", notice));
  if (result.response.status === 401) redirect("/sign-in");
  redirect(withParam(back, "error", problemText(result.error, result.response.status)));
}

/** The CSRF token a form carries (the page put its session's token in it). */
export function csrfOf(form: FormData): string {
  const value = form.get("csrf");
  return typeof value === "string" ? value : "";
}

/** Query parameters of a page as plain strings. */
export type SearchParams = Promise<Record<string, string | string[] | undefined>>;
export async function queryOf(searchParams: SearchParams): Promise<Record<string, string | undefined>> {
  const raw = await searchParams;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}
export const pageParam = (value: string | undefined) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
};
