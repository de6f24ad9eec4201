import "server-only";
import type { Problem } from "@honeydue/api-client";
import { cookies } from "next/headers";
import { forwardedFor } from "./client-address.ts";
import { ACCESS_COOKIE } from "./session-cookies.ts";
import { settings } from "./settings.ts";

type Purpose = "completion_photo" | "document" | "appliance_photo" | "avatar";

/**
 * One file to the API's multipart upload route (POST /v1/uploads) as the signed-in member; the API judges it
 * by its bytes. Answers the new file's id, or the API's status and words for the person.
 */
export async function uploadFile(
  file: File,
  purpose: Purpose,
  /** The residence the file belongs to; none for an avatar (the member's own). */
  residenceId: string | null,
): Promise<{ id: string } | { status: number; error?: string }> {
  const access = (await cookies()).get(ACCESS_COOKIE)?.value;
  if (!access) return { status: 401 };
  const form = new FormData();
  // The API reads the fields before the file part.
  form.append("purpose", purpose);
  if (residenceId) form.append("residenceId", residenceId);
  form.append("file", file, file.name || "photo");
  try {
    const response = await fetch(`${settings.apiUrl}/v1/uploads`, {
      method: "POST",
      headers: { authorization: `Bearer ${access}`, ...(await forwardedFor()) },
      body: form,
    });
    const body = (await response.json().catch(() => null)) as ({ id?: string } & Partial<Problem>) | null;
    if (response.status === 201 && body?.id) return { id: body.id };
    return { status: response.status, error: typeof body?.detail === "string" ? body.detail : undefined };
  } catch (error) {
    console.error("upload: API unreachable", error);
    return { status: 0 };
  }
}
