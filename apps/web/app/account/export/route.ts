import { cookies } from "next/headers";
import { forwardedFor } from "../../../src/lib/client-address.ts";
import { ACCESS_COOKIE } from "../../../src/lib/session-cookies.ts";
import { settings } from "../../../src/lib/settings.ts";

const KINDS = new Set(["tasks", "completions", "appliances"]);

/**
 * The member's data export as a download, same origin: the browser holds no bearer token (decision 0011), so
 * this server asks the API as the member and passes the attachment on (JSON, or one CSV per kind).
 */
export async function GET(request: Request) {
  const access = (await cookies()).get(ACCESS_COOKIE)?.value;
  if (!access) return Response.redirect(new URL("/sign-in?next=/account", request.url), 303);
  const asked = new URL(request.url).searchParams;
  const query = new URLSearchParams({ format: asked.get("format") === "csv" ? "csv" : "json" });
  if (query.get("format") === "csv") {
    const kind = asked.get("kind") ?? "";
    if (!KINDS.has(kind)) return new Response(null, { status: 404 });
    query.set("kind", kind);
  }
  try {
    const answer = await fetch(`${settings.apiUrl}/v1/me/export?${query}`, {
      headers: { authorization: `Bearer ${access}`, ...(await forwardedFor()) },
    });
    if (!answer.ok || !answer.body) {
      if (answer.status >= 500) console.error(`export: API answered ${answer.status}`);
      return new Response(null, { status: answer.status >= 500 ? 502 : answer.status });
    }
    const headers = new Headers({
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    });
    for (const name of ["content-type", "content-disposition"]) {
      const value = answer.headers.get(name);
      if (value) headers.set(name, value);
    }
    return new Response(answer.body, { status: 200, headers });
  } catch (error) {
    console.error("export: API unreachable", error);
    return new Response(null, { status: 502 });
  }
}
