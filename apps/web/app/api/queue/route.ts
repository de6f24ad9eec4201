import { text } from "../../../src/lib/action-kit.ts";
import { memberApi, problemDetail } from "../../../src/lib/api.ts";
import { fromOwnPages } from "../../../src/lib/same-origin.ts";
import { completeTask, createTask, moveTask } from "../../../src/lib/task-writes.ts";

/**
 * POST /api/queue: one write a member made offline, replayed by the page (src/components/offline-sync.tsx)
 * with the Idempotency-Key it was queued under, as the member of the session cookie (decision 0019).
 * The body is the form's own fields, so the write is the one the form's server action would have made.
 *
 * Answers 200 with what became of it — applied, conflict (the task moved on meanwhile; what it is now) or
 * rejected (the API refused it: the problem's words) — or 401 (signed out: keep it until signed in again) or
 * 503 (try again later: the API is unreachable, failed, or still busy with the same key).
 */
export async function POST(request: Request): Promise<Response> {
  if (!fromOwnPages(request)) return Response.json({ outcome: "forbidden" }, { status: 403 });
  const key = request.headers.get("idempotency-key") ?? "";
  if (key.length < 1 || key.length > 255) return Response.json({ outcome: "bad-key" }, { status: 400 });
  const client = await memberApi();
  if (!client) return Response.json({ outcome: "signed-out" }, { status: 401 });
  let data: FormData;
  try {
    data = await request.formData();
  } catch {
    return Response.json({ outcome: "rejected", detail: "Not a form" }, { status: 400 });
  }
  const act = text(data, "act");
  const taskId = text(data, "taskId");
  let result: Awaited<ReturnType<typeof completeTask | typeof moveTask | typeof createTask>>;
  try {
    result =
      act === "create"
        ? await createTask(client, data, key)
        : act === "complete"
          ? await completeTask(client, data, key)
          : act === "skip" || act === "snooze"
            ? await moveTask(client, data, key)
            : { invalid: `Unknown offline write: ${act.slice(0, 40)}` };
  } catch (error) {
    console.error(`offline replay (${act}): API unreachable`, error);
    return Response.json({ outcome: "retry" }, { status: 503 });
  }
  if (result.invalid !== undefined) return Response.json({ outcome: "rejected", detail: result.invalid });
  const { status, data: answer, error } = result;
  const problemType = (error as { type?: string } | undefined)?.type ?? "";
  if (status === 401) return Response.json({ outcome: "signed-out" }, { status: 401 });
  if (status === 0 || status >= 500 || status === 429 || problemType.includes("idempotency-key-in-use")) {
    if (status === 0 || status >= 500) console.error(`offline replay (${act}): API answered ${status}`);
    return Response.json({ outcome: "retry" }, { status: 503 });
  }
  if (answer) {
    const id = act === "create" ? (answer as { id: string }).id : taskId;
    return Response.json({ outcome: "applied", taskId: id });
  }
  if (status === 409 || status === 412) {
    // What the task is now, so the person can see what happened instead of losing the write silently.
    const current = taskId
      ? await client.GET("/v1/tasks/{taskId}", { params: { path: { taskId } } }).catch(() => null)
      : null;
    const task = current?.data;
    return Response.json({
      outcome: "conflict",
      detail: problemDetail(error) ?? null,
      task: task
        ? {
            id: task.id,
            title: task.title,
            dueOn: task.dueOn,
            lastCompletedOn: task.lastCompletedOn,
            completedAt: task.completedAt,
            archivedAt: task.archivedAt,
          }
        : null,
    });
  }
  return Response.json({ outcome: "rejected", detail: problemDetail(error) ?? null, status });
}
