import { memberApi } from "../../../src/lib/api.ts";

/**
 * GET /api/sync?since=: one page of the API's changes feed (/v1/sync) as the member of the session cookie,
 * reduced to what the page needs to know which of its saved pages went stale: each change's type, id,
 * residence, operation and — for a completion — its task (decision 0019).
 */
export async function GET(request: Request): Promise<Response> {
  const client = await memberApi();
  if (!client) return Response.json({ outcome: "signed-out" }, { status: 401 });
  const since = new URL(request.url).searchParams.get("since") ?? undefined;
  try {
    const { data, response } = await client.GET("/v1/sync", {
      params: { query: { limit: 500, ...(since ? { since } : {}) } },
    });
    if (!data) {
      if (response.status >= 500) console.error(`sync: API answered ${response.status}`);
      return Response.json(
        { outcome: response.status === 410 ? "expired" : "failed" },
        { status: response.status },
      );
    }
    return Response.json(
      {
        nextCursor: data.nextCursor,
        hasMore: data.hasMore,
        changes: data.changes.map((c) => ({
          type: c.type,
          id: c.id,
          residenceId: c.residenceId,
          op: c.op,
          ...(c.type === "completion" && typeof c.data?.taskId === "string" ? { taskId: c.data.taskId } : {}),
        })),
      },
      { headers: { "cache-control": "no-store" } },
    );
  } catch (error) {
    console.error("sync: API unreachable", error);
    return Response.json({ outcome: "failed" }, { status: 503 });
  }
}
