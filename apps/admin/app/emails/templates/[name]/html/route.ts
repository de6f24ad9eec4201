import { api, currentSession } from "@/lib/api";

/** An email template's HTML with sample data, for the sandboxed frame of the preview page. */
export async function GET(_request: Request, context: { params: Promise<{ name: string }> }) {
  if (!(await currentSession())) return new Response("Sign in first", { status: 401 });
  const { name } = await context.params;
  const { data } = await (await api()).GET("/v1/admin/email-templates/{name}/preview", {
    params: { path: { name } },
  });
  if (!data) return new Response("No such template", { status: 404 });
  return new Response(data.html, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      // Email HTML needs inline styles and shows images; it never needs a script.
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
    },
  });
}
