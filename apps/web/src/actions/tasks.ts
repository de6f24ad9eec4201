"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { FormState } from "../components/action-form.tsx";
import { memberApi, problemDetail } from "../lib/api.ts";
import { formatDay } from "../lib/format.ts";
import { parseMoney } from "../lib/money.ts";
import {
  DEFAULT_FIELDS,
  REPEAT_KINDS,
  type RepeatFields,
  type RepeatKind,
  recurrenceFromFields,
  type Unit,
} from "../lib/recurrence.ts";
import { uploadFile } from "../lib/uploads.ts";
import { strings } from "../strings.ts";

const CATEGORIES = [
  "hvac",
  "plumbing",
  "electrical",
  "appliances",
  "exterior",
  "interior",
  "yard",
  "safety",
  "cleaning",
  "pest",
  "other",
] as const;
const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
const UNITS: readonly Unit[] = ["day", "week", "month", "year"];

function text(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === "string" ? value : "";
}

function oneOf<T extends string>(value: string, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function idempotency(data: FormData) {
  const key = text(data, "idempotencyKey");
  return key ? { "idempotency-key": key } : {};
}

async function api() {
  const client = await memberApi();
  if (!client) redirect("/sign-in?next=/tasks");
  return client;
}

function failed(what: string, status: number, error: unknown): FormState {
  if (status >= 500 || status === 0) console.error(`${what}: API answered ${status}`);
  return { error: problemDetail(error) ?? strings.errors.generic };
}

/** The schedule fields of the task form (src/components/recurrence-fields.tsx). */
function repeatFields(data: FormData): RepeatFields {
  const unit = oneOf(text(data, "unit"), UNITS, "month");
  return {
    repeat: oneOf<RepeatKind>(text(data, "repeat"), REPEAT_KINDS, "none"),
    interval: text(data, "interval") || "1",
    unit,
    months: data.getAll("months").map(Number).filter(Number.isInteger),
    monthDay: text(data, "monthDay") || "1",
    weekdays: data.getAll("weekdays").filter((v): v is string => typeof v === "string"),
    ordinal: text(data, "ordinal") || DEFAULT_FIELDS.ordinal,
    weekday: text(data, "weekday") || DEFAULT_FIELDS.weekday,
    afterUnit: oneOf(text(data, "afterUnit"), ["day", "week", "month"] as const, "day"),
    rrule: text(data, "rrule"),
  };
}

/** Create (no taskId) or edit a task from the task form; goes to the task's page when saved. */
export async function saveTask(_state: FormState, data: FormData): Promise<FormState> {
  const residenceId = text(data, "residenceId");
  const taskId = text(data, "taskId");
  const locale = text(data, "locale") || "en";
  const schedule = recurrenceFromFields(repeatFields(data));
  if ("error" in schedule) return { error: schedule.error };
  const estimate = parseMoney(text(data, "estimatedCost"), locale);
  if (estimate === undefined) return { error: strings.taskDetail.badCost };
  const body = {
    title: text(data, "title").trim(),
    notes: text(data, "notes").trim() || null,
    category: oneOf(text(data, "category"), CATEGORIES, "other"),
    priority: oneOf(text(data, "priority"), PRIORITIES, "normal"),
    assigneeId: text(data, "assigneeId") || null,
    contractorId: text(data, "contractorId") || null,
    estimatedCostCents: estimate,
    recurrence: schedule.recurrence as never,
  };
  const dueOn = text(data, "dueOn") || null;
  const client = await api();
  if (!taskId) {
    const {
      data: task,
      error,
      response,
    } = await client.POST("/v1/residences/{residenceId}/tasks", {
      params: { path: { residenceId }, header: idempotency(data) },
      body: { ...body, ...(dueOn ? { dueOn } : {}) },
    });
    if (!task) return failed("create task", response.status, error);
    revalidatePath(`/residences/${residenceId}`);
    redirect(`/tasks/${task.id}`);
  }
  // An unchanged due date is not sent: setting one re-anchors a recurring schedule on it.
  const dueChanged = dueOn !== (text(data, "previousDueOn") || null);
  // A meter-based schedule is not in the form: neither it nor its projected due date is sent.
  const { recurrence, ...rest } = body;
  const keep = text(data, "keepSchedule") === "usage";
  const { error, response } = await client.PATCH("/v1/tasks/{taskId}", {
    params: { path: { taskId } },
    body: keep ? rest : { ...rest, recurrence, ...(dueChanged ? { dueOn } : {}) },
  });
  if (!response.ok) return failed("edit task", response.status, error);
  revalidatePath(`/residences/${residenceId}`);
  revalidatePath(`/tasks/${taskId}`);
  redirect(`/tasks/${taskId}`);
}

export async function archiveTask(_state: FormState, data: FormData): Promise<FormState> {
  const taskId = text(data, "taskId");
  const residenceId = text(data, "residenceId");
  const { error, response } = await (await api()).PATCH("/v1/tasks/{taskId}", {
    params: { path: { taskId } },
    body: { archived: true },
  });
  if (!response.ok) return failed("archive task", response.status, error);
  revalidatePath(`/residences/${residenceId}`);
  redirect(`/residences/${residenceId}`);
}

/**
 * Complete the occurrence the member saw, with its photos (uploaded first through the API's file routes),
 * cost, contractor and notes; answers with the next due date.
 */
export async function completeTask(_state: FormState, data: FormData): Promise<FormState> {
  const t = strings.taskDetail;
  const taskId = text(data, "taskId");
  const residenceId = text(data, "residenceId");
  const locale = text(data, "locale") || "en";
  const cost = parseMoney(text(data, "cost"), locale);
  if (cost === undefined) return { error: t.badCost };
  const photos = data.getAll("photos").filter((f): f is File => f instanceof File && f.size > 0);
  const photoIds: string[] = [];
  for (const photo of photos) {
    const uploaded = await uploadFile(photo, "completion_photo", residenceId);
    if (!("id" in uploaded)) {
      if (uploaded.status >= 500 || uploaded.status === 0)
        console.error(`photo upload: API answered ${uploaded.status}`);
      return { error: uploaded.status === 413 ? t.tooBig : (uploaded.error ?? t.uploadFailed) };
    }
    photoIds.push(uploaded.id);
  }
  const completedOn = text(data, "completedOn");
  const {
    data: done,
    error,
    response,
  } = await (await api()).POST("/v1/tasks/{taskId}/complete", {
    params: { path: { taskId }, header: idempotency(data) },
    body: {
      dueOn: text(data, "dueOn") || null,
      ...(completedOn ? { completedOn } : {}),
      notes: text(data, "notes").trim() || null,
      costCents: cost,
      contractorId: text(data, "contractorId") || null,
      photoIds,
    },
  });
  if (response.status === 409) return { error: strings.household.conflict };
  if (!done) return failed("complete task", response.status, error);
  revalidatePath(`/tasks/${taskId}`);
  revalidatePath(`/residences/${residenceId}`);
  // A one-off task is closed now and its forms go away with their answer: the page says it.
  if (done.task.completedAt || !done.task.dueOn) redirect(`/tasks/${taskId}?notice=closed`);
  return { message: `${t.completed} ${t.nextDue(formatDay(done.task.dueOn, locale))}` };
}

/** Skip or snooze the occurrence the member saw (its due date), so a stale page cannot move a newer one. */
export async function moveTask(_state: FormState, data: FormData): Promise<FormState> {
  const t = strings.taskDetail;
  const taskId = text(data, "taskId");
  const residenceId = text(data, "residenceId");
  const locale = text(data, "locale") || "en";
  const dueOn = text(data, "dueOn") || null;
  const client = await api();
  const params = { path: { taskId }, header: idempotency(data) };
  const skip = text(data, "act") === "skip";
  const result = skip
    ? await client.POST("/v1/tasks/{taskId}/skip", { params, body: { dueOn } })
    : await client.POST("/v1/tasks/{taskId}/snooze", { params, body: { dueOn, until: text(data, "until") } });
  if (result.response.status === 409) return { error: strings.household.conflict };
  if (!result.data) return failed(skip ? "skip task" : "snooze task", result.response.status, result.error);
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
  } = await (await api()).DELETE("/v1/tasks/{taskId}/completions/latest", {
    params: { path: { taskId } },
  });
  if (response.status === 409) return { error: problemDetail(error) ?? strings.household.conflict };
  if (!undone) return failed("undo completion", response.status, error);
  revalidatePath(`/residences/${residenceId}`);
  // The undo form goes away with the last entry of the history, and its answer with it: the page says it.
  redirect(`/tasks/${taskId}?notice=undone`);
}
