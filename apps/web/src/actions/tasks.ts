"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { failed, signedInApi, text } from "../lib/action-kit.ts";
import { problemDetail } from "../lib/api.ts";
import { formatDay } from "../lib/format.ts";
import * as writes from "../lib/task-writes.ts";
import { strings } from "../strings.ts";

/** Create (no taskId) or edit a task from the task form; goes to the task's page when saved. */
export async function saveTask(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const taskId = text(data, "taskId");
  const client = await signedInApi();
  if (!taskId) {
    const created = await writes.createTask(client, data, text(data, "idempotencyKey"));
    if (created.invalid !== undefined) return { error: created.invalid };
    if (!created.data) return failed("create task", created.status, created.error);
    revalidatePath(`/residences/${residenceId}`);
    redirect(`/tasks/${created.data.id}`);
  }
  const parsed = writes.taskBody(data);
  if (!parsed.body) return { error: parsed.invalid };
  // An unchanged due date is not sent: setting one re-anchors a recurring schedule on it. A schedule by use
  // has no due date to send: the API projects it.
  const usage = (parsed.body.recurrence as { kind?: string } | null)?.kind === "usage";
  const dueOn = writes.typedDueOn(data, parsed.body);
  const dueChanged = !usage && dueOn !== (text(data, "previousDueOn") || null);
  const { error, response } = await client.PATCH("/v1/tasks/{taskId}", {
    params: { path: { taskId } },
    body: { ...parsed.body, ...(dueChanged ? { dueOn } : {}) },
  });
  if (!response.ok) return failed("edit task", response.status, error);
  revalidatePath(`/residences/${residenceId}`);
  revalidatePath(`/tasks/${taskId}`);
  redirect(`/tasks/${taskId}`);
}

export async function archiveTask(_state: FormState, data: FormData): Promise<FormState> {
  const taskId = text(data, "taskId");
  const residenceId = text(data, "residenceId");
  const { error, response } = await (await signedInApi()).PATCH("/v1/tasks/{taskId}", {
    params: { path: { taskId } },
    body: { archived: true },
  });
  if (!response.ok) return failed("archive task", response.status, error);
  revalidatePath(`/residences/${residenceId}`);
  redirect(`/residences/${residenceId}`);
}

/**
 * Complete the occurrence the member saw, with its photos, cost, contractor and notes; answers with the next
 * due date.
 */
export async function completeTask(_state: FormState, data: FormData): Promise<FormState> {
  const t = strings.taskDetail;
  const taskId = text(data, "taskId");
  const residenceId = text(data, "residenceId");
  const locale = text(data, "locale") || "en";
  const done = await writes.completeTask(await signedInApi(), data, text(data, "idempotencyKey"));
  if (done.invalid !== undefined) return { error: done.invalid };
  if (done.status === 409) return { error: strings.household.conflict };
  if (!done.data) return failed("complete task", done.status, done.error);
  revalidatePath(`/tasks/${taskId}`);
  revalidatePath(`/residences/${residenceId}`);
  // A one-off task is closed now and its forms go away with their answer: the page says it.
  if (done.data.task.completedAt || !done.data.task.dueOn) redirect(`/tasks/${taskId}?notice=closed`);
  return { message: `${t.completed} ${t.nextDue(formatDay(done.data.task.dueOn, locale))}` };
}

/** Skip or snooze the occurrence the member saw (its due date), so a stale page cannot move a newer one. */
export async function moveTask(_state: FormState, data: FormData): Promise<FormState> {
  const t = strings.taskDetail;
  const taskId = text(data, "taskId");
  const residenceId = text(data, "residenceId");
  const locale = text(data, "locale") || "en";
  const skip = text(data, "act") === "skip";
  const result = await writes.moveTask(await signedInApi(), data, text(data, "idempotencyKey"));
  if (result.status === 409) return { error: strings.household.conflict };
  if (!result.data) return failed(skip ? "skip task" : "snooze task", result.status ?? 0, result.error);
  revalidatePath(`/tasks/${taskId}`);
  revalidatePath(`/residences/${residenceId}`);
  const next = result.data.dueOn ? ` ${t.nextDue(formatDay(result.data.dueOn, locale))}` : "";
  return { message: `${skip ? t.skipped : t.snoozed}${next}` };
}

/** Undo the latest completion (the API removes it and puts the task's due date back). */
export async function undoCompletion(_state: FormState, data: FormData): Promise<FormState> {
  const taskId = text(data, "taskId");
  const residenceId = text(data, "residenceId");
  const {
    data: undone,
    error,
    response,
  } = await (await signedInApi()).DELETE("/v1/tasks/{taskId}/completions/latest", {
    params: { path: { taskId } },
  });
  if (response.status === 409) return { error: problemDetail(error) ?? strings.household.conflict };
  if (!undone) return failed("undo completion", response.status, error);
  revalidatePath(`/residences/${residenceId}`);
  // The undo form goes away with the last entry of the history, and its answer with it: the page says it.
  redirect(`/tasks/${taskId}?notice=undone`);
}
