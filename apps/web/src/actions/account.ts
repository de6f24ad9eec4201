"use server";
import type { ApiClient } from "@honeydue/api-client";
import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { failed, signedInApi, text } from "../lib/action-kit.ts";
import { clearedSessionCookies, sessionCookies } from "../lib/session-cookies.ts";
import { settings } from "../lib/settings.ts";
import { uploadFile } from "../lib/uploads.ts";
import { strings } from "../strings.ts";

const HERE = "/account";

/** Name, time zone, locale, planning horizon and reminder preferences, saved together (PATCH /v1/me). */
export async function saveProfile(_state: FormState, data: FormData): Promise<FormState> {
  const t = strings.account;
  const dueSoonDays = Number(text(data, "dueSoonDays"));
  if (!Number.isInteger(dueSoonDays) || dueSoonDays < 1 || dueSoonDays > 60) return { error: t.badHorizon };
  const digestHour = Number(text(data, "digestHour"));
  const api = await signedInApi(HERE);
  const {
    data: me,
    error,
    response,
  } = await api.PATCH("/v1/me", {
    body: {
      name: text(data, "name").trim(),
      timezone: text(data, "timezone"),
      locale: text(data, "locale"),
      dueSoonDays,
      notifications: {
        digestEnabled: data.get("digestEnabled") === "on",
        ...(Number.isInteger(digestHour) ? { digestHour } : {}),
        pushEnabled: data.get("pushEnabled") === "on",
      },
    },
  });
  if (!me) return failed("save profile", response.status, error);
  revalidatePath("/", "layout");
  return { message: t.saved };
}

/**
 * The photo form: `intent=remove` removes the photo; otherwise the new one is uploaded through the API (which
 * judges it by its bytes), then set as the avatar. One action for both, so the form's notice tells the latest.
 */
export async function changeAvatar(_state: FormState, data: FormData): Promise<FormState> {
  const api = await signedInApi(HERE);
  return text(data, "intent") === "remove" ? removeAvatar(api) : saveAvatar(api, data);
}

async function saveAvatar(api: ApiClient, data: FormData): Promise<FormState> {
  const t = strings.account;
  const file = data.get("avatar");
  if (!(file instanceof File) || file.size === 0) return { error: t.pickPhoto };
  const uploaded = await uploadFile(file, "avatar", null);
  if (!("id" in uploaded))
    return failed("avatar upload", uploaded.status, { detail: uploaded.error ?? t.photoFailed });
  const { data: set, error, response } = await api.PUT("/v1/me/avatar", { body: { fileId: uploaded.id } });
  if (!set) return failed("set avatar", response.status, error);
  revalidatePath(HERE);
  return { message: t.photoSaved };
}

async function removeAvatar(api: ApiClient): Promise<FormState> {
  const { error, response } = await api.DELETE("/v1/me/avatar");
  if (!response.ok) return failed("remove avatar", response.status, error);
  revalidatePath(HERE);
  return { message: strings.account.photoRemoved };
}

/** A new password signs out every session, this one included: the API's new token pair keeps this browser in. */
export async function changePassword(_state: FormState, data: FormData): Promise<FormState> {
  const api = await signedInApi(HERE);
  const {
    data: pair,
    error,
    response,
  } = await api.POST("/v1/me/password", {
    body: { currentPassword: text(data, "currentPassword"), password: text(data, "password") },
  });
  if (!pair) {
    if (response.status === 429) return { error: strings.signIn.tooMany };
    return failed("change password", response.status, error);
  }
  const jar = await cookies();
  for (const c of sessionCookies(pair, settings.secureCookies)) jar.set(c.name, c.value, c.options);
  revalidatePath(HERE);
  return { message: strings.account.passwordChanged };
}

export async function signOutDevice(_state: FormState, data: FormData): Promise<FormState> {
  const api = await signedInApi(HERE);
  const { error, response } = await api.DELETE("/v1/me/sessions/{sessionId}", {
    params: { path: { sessionId: text(data, "sessionId") } },
  });
  if (!response.ok) return failed("sign out device", response.status, error);
  revalidatePath(HERE);
  return { message: strings.account.signedOutDevice };
}

export type CalendarFeedState = { url?: string; error?: string; message?: string } | undefined;

/**
 * `intent=make`: a new private feed URL (any earlier one stops working), shown now because the API keeps only
 * its hash and cannot show it again. `intent=revoke`: the feed is turned off.
 */
export async function changeCalendarFeed(
  _state: CalendarFeedState,
  data: FormData,
): Promise<CalendarFeedState> {
  const api = await signedInApi(HERE);
  if (text(data, "intent") === "revoke") {
    const { error, response } = await api.DELETE("/v1/me/calendar-feed");
    if (!response.ok) return failed("revoke calendar feed", response.status, error);
    // The page's "on since" line follows.
    revalidatePath(HERE);
    return { message: strings.account.calendarRevoked };
  }
  const { data: feed, error, response } = await api.POST("/v1/me/calendar-feed");
  if (!feed) return failed("calendar feed", response.status, error);
  revalidatePath(HERE);
  return { url: feed.url };
}

/** Deleting needs the password (a wrong one changes nothing); then this browser is signed out. */
export async function deleteAccount(_state: FormState, data: FormData): Promise<FormState> {
  const api = await signedInApi(HERE);
  const { error, response } = await api.DELETE("/v1/me", { body: { password: text(data, "password") } });
  if (response.status === 403) return { error: strings.account.wrongPassword };
  if (response.status === 429) return { error: strings.signIn.tooMany };
  if (response.status !== 204) return failed("delete account", response.status, error);
  const jar = await cookies();
  for (const c of clearedSessionCookies(settings.secureCookies)) jar.set(c.name, c.value, c.options);
  redirect("/?notice=account-deleted");
}
