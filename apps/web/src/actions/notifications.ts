"use server";
import { revalidatePath } from "next/cache";
import type { FormState } from "../components/action-form.tsx";
import { failed, signedInApi, text } from "../lib/action-kit.ts";
import { strings } from "../strings.ts";

/** One notification (`id`) or all of them read; the header's unread count re-renders with the page. */
export async function markNotificationsRead(_state: FormState, data: FormData): Promise<FormState> {
  const api = await signedInApi("/notifications");
  const id = text(data, "id");
  const {
    data: done,
    error,
    response,
  } = await api.POST("/v1/notifications/read", {
    body: id ? { ids: [id] } : { all: true },
  });
  if (!done) return failed("mark notifications read", response.status, error);
  revalidatePath("/", "layout");
  return { message: strings.notifications.marked };
}
