import { cookies } from "next/headers";
import { forwardedFor } from "../../../src/lib/client-address.ts";
import { ACCESS_COOKIE } from "../../../src/lib/session-cookies.ts";
import { settings } from "../../../src/lib/settings.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A residence's file (completion photos, documents) for the signed-in member: the browser holds no bearer
 * token (decision 0011), so this server fetches it from the API as the member and passes the bytes on, same
 * origin (the CSP allows images only from 'self'). `?variant=thumbnail` falls back to the file itself while
 * the thumbnail is not made yet.
 */
export async function GET(request: Request, { params }: { params: Promise<{ fileId: string }> }) {
  const { fileId } = await params;
  const access = (await cookies()).get(ACCESS_COOKIE)?.value;
  if (!access || !UUID.test(fileId)) return new Response(null, { status: 404 });
  const thumbnail = new URL(request.url).searchParams.get("variant") === "thumbnail";
  const client = await forwardedFor();
  const fetchFile = (variant: boolean) =>
    fetch(`${settings.apiUrl}/v1/files/${fileId}${variant ? "?variant=thumbnail" : ""}`, {
      headers: { authorization: `Bearer ${access}`, ...client },
    });
  try {
    let answer = await fetchFile(thumbnail);
    if (thumbnail && answer.status === 404) answer = await fetchFile(false);
    if (!answer.ok || !answer.body) {
      if (answer.status >= 500) console.error(`file ${fileId}: API answered ${answer.status}`);
      return new Response(null, { status: answer.status >= 500 ? 502 : 404 });
    }
    const headers = new Headers({ "cache-control": "private, max-age=300" });
    for (const name of ["content-type", "content-length", "content-disposition"]) {
      const value = answer.headers.get(name);
      if (value) headers.set(name, value);
    }
    headers.set("x-content-type-options", "nosniff");
    return new Response(answer.body, { status: 200, headers });
  } catch (error) {
    console.error(`file ${fileId}: API unreachable`, error);
    return new Response(null, { status: 502 });
  }
}
