import { cookies } from "next/headers";
import { forwardedFor } from "../../../../src/lib/client-address.ts";
import { ACCESS_COOKIE } from "../../../../src/lib/session-cookies.ts";
import { settings } from "../../../../src/lib/settings.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The residence's home history report (PDF) as a download for the signed-in member: the browser holds no
 * bearer token (decision 0011), so this server asks the API as the member and passes the PDF on.
 */
export async function GET(request: Request, { params }: { params: Promise<{ residenceId: string }> }) {
  const { residenceId } = await params;
  const access = (await cookies()).get(ACCESS_COOKIE)?.value;
  if (!access) {
    const next = encodeURIComponent(`/residences/${residenceId}/history`);
    return Response.redirect(new URL(`/sign-in?next=${next}`, request.url), 303);
  }
  if (!UUID.test(residenceId)) return new Response(null, { status: 404 });
  try {
    const answer = await fetch(`${settings.apiUrl}/v1/residences/${residenceId}/home-history.pdf`, {
      headers: { authorization: `Bearer ${access}`, ...(await forwardedFor()) },
    });
    if (!answer.ok || !answer.body) {
      if (answer.status >= 500) console.error(`home history: API answered ${answer.status}`);
      return new Response(null, { status: answer.status >= 500 ? 502 : 404 });
    }
    const headers = new Headers({
      "content-type": "application/pdf",
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    });
    // Saved as a file (the API serves it inline, for a shared link opened in the browser).
    const disposition = answer.headers.get("content-disposition");
    headers.set(
      "content-disposition",
      (disposition ?? 'inline; filename="home-history.pdf"').replace(/^inline/, "attachment"),
    );
    const length = answer.headers.get("content-length");
    if (length) headers.set("content-length", length);
    return new Response(answer.body, { status: 200, headers });
  } catch (error) {
    console.error("home history: API unreachable", error);
    return new Response(null, { status: 502 });
  }
}
