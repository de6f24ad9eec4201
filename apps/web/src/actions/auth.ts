"use server";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { failed, text } from "../lib/action-kit.ts";
import { memberApi, problemDetail, publicApi } from "../lib/api.ts";
import { clearedSessionCookies, localPath, sessionCookies, type TokenPair } from "../lib/session-cookies.ts";
import { settings } from "../lib/settings.ts";
import { strings } from "../strings.ts";

const DEVICE = "Web browser";

async function startSession(pair: TokenPair): Promise<void> {
  const jar = await cookies();
  for (const c of sessionCookies(pair, settings.secureCookies)) jar.set(c.name, c.value, c.options);
}

/** Sign-up answers alike for new and taken addresses (202, no tokens): the person confirms by email, then signs in. */
export async function signUp(_state: FormState, data: FormData): Promise<FormState> {
  const timezone = text(data, "timezone");
  const { error, response } = await publicApi().POST("/v1/auth/register", {
    body: {
      name: text(data, "name"),
      email: text(data, "email"),
      password: text(data, "password"),
      ...(timezone ? { timezone } : {}),
    },
  });
  if (response.status !== 202) return failed("sign up", response.status, error);
  return { message: strings.signUp.checkEmail };
}

export async function signIn(_state: FormState, data: FormData): Promise<FormState> {
  const {
    data: pair,
    error,
    response,
  } = await publicApi().POST("/v1/auth/login", {
    body: { email: text(data, "email"), password: text(data, "password"), deviceName: DEVICE },
  });
  if (!pair) {
    if (response.status === 401) return { error: strings.signIn.wrong };
    if (response.status === 429) return { error: strings.signIn.tooMany };
    if ((error as { type?: string } | undefined)?.type?.endsWith("email-not-verified")) {
      return { error: strings.signIn.notVerified };
    }
    return failed("sign in", response.status, error);
  }
  await startSession(pair);
  redirect(localPath(text(data, "next")));
}

export async function signOut(): Promise<void> {
  const api = await memberApi();
  if (api) {
    const { response } = await api.POST("/v1/auth/logout");
    if (!response.ok && response.status !== 401) console.warn(`sign out: API answered ${response.status}`);
  }
  const jar = await cookies();
  for (const c of clearedSessionCookies(settings.secureCookies)) jar.set(c.name, c.value, c.options);
  redirect("/");
}

export async function forgotPassword(_state: FormState, data: FormData): Promise<FormState> {
  const { response, error } = await publicApi().POST("/v1/auth/forgot-password", {
    body: { email: text(data, "email") },
  });
  if (response.status !== 202) return failed("forgot password", response.status, error);
  return { message: strings.forgotPassword.sent };
}

export async function resetPassword(_state: FormState, data: FormData): Promise<FormState> {
  const { response, error } = await publicApi().POST("/v1/auth/reset-password", {
    body: { token: text(data, "token"), password: text(data, "password") },
  });
  if (response.status === 204) return { message: strings.resetPassword.done };
  if ((error as { type?: string } | undefined)?.type?.endsWith("invalid-token")) {
    return { error: strings.resetPassword.invalid };
  }
  return failed("reset password", response.status, error);
}

export async function verifyEmailLink(_state: FormState, data: FormData): Promise<FormState> {
  const { response, error } = await publicApi().POST("/v1/auth/verify-email", {
    body: { token: text(data, "token") },
  });
  if (response.ok) return { message: strings.verifyEmail.done };
  if (response.status === 400) return { error: strings.verifyEmail.invalid };
  return failed("verify email link", response.status, error);
}

/** Signed in: the code alone; otherwise the address and the code (the API answers every failure alike). */
export async function verifyEmailCode(_state: FormState, data: FormData): Promise<FormState> {
  const api = await memberApi();
  const code = text(data, "code");
  const { response, error } = api
    ? await api.POST("/v1/auth/verify-email", { body: { code } })
    : await publicApi().POST("/v1/auth/verify-email", { body: { code, email: text(data, "email") } });
  if (response.ok) return { message: strings.verifyEmail.done };
  if (response.status === 400) return { error: problemDetail(error) ?? strings.verifyEmail.wrongCode };
  if (response.status === 429) return { error: strings.signIn.tooMany };
  return failed("verify email code", response.status, error);
}

export async function resendVerification(_state: FormState, _data: FormData): Promise<FormState> {
  const api = await memberApi();
  if (!api) return { error: strings.verifyEmail.signInFirst };
  const { response, error } = await api.POST("/v1/auth/resend-verification");
  if (response.status === 202) return { message: strings.verifyEmail.resent };
  if (response.status === 409) return { message: strings.verifyEmail.already };
  return failed("resend verification", response.status, error);
}
