import "server-only";
import type { ApiClient } from "@honeydue/api-client";
import { TASK_CATEGORIES, TASK_PRIORITIES } from "@honeydue/domain/templates-catalog";
import { strings } from "../strings.ts";
import { idempotencyHeader, text } from "./action-kit.ts";
import { parseMoney } from "./money.ts";
import {
  AFTER_UNITS,
  DEFAULT_FIELDS,
  REPEAT_KINDS,
  type RepeatFields,
  type RepeatKind,
  recurrenceFromFields,
  UNITS,
  USAGE_UNITS,
} from "./recurrence.ts";
import { uploadFile } from "./uploads.ts";

// The task writes a member can make offline (create, complete, skip, snooze), read from the forms' own fields.
// The server actions (src/actions/tasks.ts) and the offline queue's replay route (app/api/queue) both call
// these, so a write replayed from the queue is exactly the write the form would have made (decision 0019).

/** What the API answered (status 0: it could not be reached), or `invalid`: the form itself was wrong. */
export type WriteResult<T> =
  | { invalid: string; status?: undefined; data?: undefined; error?: undefined }
  | { invalid?: undefined; status: number; data?: T; error?: unknown };

const invalid = (words: string): WriteResult<never> => ({ invalid: words });
const answered = <T>(status: number, data: T | undefined, error?: unknown): WriteResult<T> => ({
  status,
  data,
  error,
});

function oneOf<T extends string>(value: string, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
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
    afterUnit: oneOf(text(data, "afterUnit"), AFTER_UNITS, "day"),
    rrule: text(data, "rrule"),
    meterId: text(data, "meterId"),
    every: text(data, "every"),
    hybrid: text(data, "hybrid") === "on",
    usageUnit: oneOf(text(data, "usageUnit"), USAGE_UNITS, "month"),
  };
}

/** The task form's fields as the API's task body (without the due date), or what is wrong with them. */
export function taskBody(data: FormData) {
  const schedule = recurrenceFromFields(repeatFields(data));
  if ("error" in schedule) return { invalid: schedule.error };
  const estimate = parseMoney(text(data, "estimatedCost"), text(data, "locale") || "en");
  if (estimate === undefined) return { invalid: strings.taskDetail.badCost };
  return {
    body: {
      title: text(data, "title").trim(),
      notes: text(data, "notes").trim() || null,
      category: oneOf(text(data, "category"), TASK_CATEGORIES, "other"),
      priority: oneOf(text(data, "priority"), TASK_PRIORITIES, "normal"),
      assigneeId: text(data, "assigneeId") || null,
      contractorId: text(data, "contractorId") || null,
      estimatedCostCents: estimate,
      recurrence: schedule.recurrence,
    },
  };
}

/**
 * The due date typed in the form, or null: none typed, or a schedule by use, whose due date the API projects
 * from the meter's readings (and refuses to be given).
 */
export function typedDueOn(data: FormData, body: { recurrence: unknown }): string | null {
  if ((body.recurrence as { kind?: string } | null)?.kind === "usage") return null;
  return text(data, "dueOn") || null;
}

export async function createTask(client: ApiClient, data: FormData, key: string) {
  const parsed = taskBody(data);
  if (!parsed.body) return invalid(parsed.invalid);
  const dueOn = typedDueOn(data, parsed.body);
  const {
    data: task,
    error,
    response,
  } = await client.POST("/v1/residences/{residenceId}/tasks", {
    params: { path: { residenceId: text(data, "residenceId") }, header: idempotencyHeader(key) },
    body: { ...parsed.body, ...(dueOn ? { dueOn } : {}) },
  });
  return answered(response.status, task, error);
}

/**
 * Complete the occurrence the member saw (its due date), with its photos (uploaded first through the API's
 * file routes), cost, contractor and notes.
 */
export async function completeTask(client: ApiClient, data: FormData, key: string) {
  const t = strings.taskDetail;
  const residenceId = text(data, "residenceId");
  const cost = parseMoney(text(data, "cost"), text(data, "locale") || "en");
  if (cost === undefined) return invalid(t.badCost);
  const photos = data.getAll("photos").filter((f): f is File => f instanceof File && f.size > 0);
  const photoIds: string[] = [];
  for (const photo of photos) {
    const uploaded = await uploadFile(photo, "completion_photo", residenceId);
    if (!("id" in uploaded)) {
      if (uploaded.status >= 500 || uploaded.status === 0)
        console.error(`photo upload: API answered ${uploaded.status}`);
      if (uploaded.status === 0 || uploaded.status >= 500) return answered(uploaded.status, undefined);
      return invalid(uploaded.status === 413 ? t.tooBig : (uploaded.error ?? t.uploadFailed));
    }
    photoIds.push(uploaded.id);
  }
  const completedOn = text(data, "completedOn");
  const {
    data: done,
    error,
    response,
  } = await client.POST("/v1/tasks/{taskId}/complete", {
    params: { path: { taskId: text(data, "taskId") }, header: idempotencyHeader(key) },
    body: {
      dueOn: text(data, "dueOn") || null,
      ...(completedOn ? { completedOn } : {}),
      notes: text(data, "notes").trim() || null,
      costCents: cost,
      contractorId: text(data, "contractorId") || null,
      photoIds,
    },
  });
  return answered(response.status, done, error);
}

/** Skip or snooze the occurrence the member saw (its due date), so a stale page cannot move a newer one. */
export async function moveTask(client: ApiClient, data: FormData, key: string) {
  const dueOn = text(data, "dueOn") || null;
  const params = { path: { taskId: text(data, "taskId") }, header: idempotencyHeader(key) };
  const result =
    text(data, "act") === "skip"
      ? await client.POST("/v1/tasks/{taskId}/skip", { params, body: { dueOn } })
      : await client.POST("/v1/tasks/{taskId}/snooze", {
          params,
          body: { dueOn, until: text(data, "until") },
        });
  return answered(result.response.status, result.data, result.error);
}
