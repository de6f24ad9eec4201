import "server-only";
import type { ApiClient } from "@honeydue/api-client";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { strings } from "../strings.ts";
import { memberApi, problemDetail } from "./api.ts";

// The preamble every server action shares (src/actions/*): reading a form field, the API as the signed-in
// member (or off to sign in), the Idempotency-Key a form was rendered with, and a failed answer turned into
// words for the person — logged when the fault is ours or the API's, not the person's.

/** A form field as text ("" when missing or a file). */
export function text(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === "string" ? value : "";
}

/** The API as the signed-in member; without a session, to the sign-in page and back to `next` after. */
export async function signedInApi(next = "/tasks"): Promise<ApiClient> {
  const client = await memberApi();
  if (!client) redirect(`/sign-in?next=${encodeURIComponent(next)}`);
  return client;
}

/** The Idempotency-Key header of a write (none for an empty key). */
export function idempotencyHeader(key: string): { "idempotency-key"?: string } {
  return key ? { "idempotency-key": key } : {};
}

/** Each form carries a key minted when it was rendered: a double submit or a retry changes nothing twice. */
export function idempotency(data: FormData): { "idempotency-key"?: string } {
  return idempotencyHeader(text(data, "idempotencyKey"));
}

/** The API's own words for a refused change (status 0: it could not be reached, logged like a 5xx). */
export function failed(what: string, status: number, error: unknown): FormState {
  if (status >= 500 || status === 0) console.error(`${what}: API answered ${status}`);
  return { error: problemDetail(error) ?? strings.errors.generic };
}
