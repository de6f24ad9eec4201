import { memberApi } from "../../../src/lib/api.ts";

/**
 * GET /api/session: who is signed in on this browser (the user's id only), so the page keeps the writes it
 * queued offline and its saved pages apart per person and forgets the pages of someone who signed out.
 */
export async function GET(): Promise<Response> {
  const client = await memberApi();
  if (!client) return Response.json({ userId: null }, { headers: { "cache-control": "no-store" } });
  try {
    const { data, response } = await client.GET("/v1/me");
    if (response.status === 401)
      return Response.json({ userId: null }, { headers: { "cache-control": "no-store" } });
    if (!data) {
      console.error(`session: API answered ${response.status}`);
      return Response.json({ outcome: "failed" }, { status: 503 });
    }
    return Response.json({ userId: data.id }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    console.error("session: API unreachable", error);
    return Response.json({ outcome: "failed" }, { status: 503 });
  }
}
