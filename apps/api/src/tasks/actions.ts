import {
  completions,
  contractors,
  type Database,
  memberships,
  type Queryable,
  type TaskCategory,
  type TaskPriority,
  tasks,
  taskTemplates,
  users,
} from "@honeydue/db";
import { and, desc, eq } from "drizzle-orm";
import { setCompletionPhotos } from "../files/service.ts";
import { conflict, invalidField, notFound } from "../http/problem.ts";
import { assertMeter, latestReading, recordReading, reprojectMeterTasks } from "../meters/actions.ts";
import { recordActivity } from "../residences/activity.ts";
import { notifyTaskAssigned, notifyTaskCompleted } from "./notifications.ts";
import {
  firstDueOn,
  isUsage,
  nextAfterCompletion,
  nextAfterSkip,
  parseRecurrence,
  type Recurrence,
  type ScheduleFields,
} from "./schedule.ts";
import { UpdateTaskBody } from "./schemas.ts";

/**
 * Fields of the PATCH body with rules of their own in `updateTask` (references checked, schedules
 * re-anchored, archiving recorded). Every other field of the body is stored as given, so a field added to
 * the body's schema is patchable without touching this file.
 */
const RULED_FIELDS = new Set(["assigneeId", "contractorId", "templateId", "recurrence", "dueOn", "archived"]);
type PlainField = Exclude<keyof typeof UpdateTaskBody.properties, "archived"> & keyof NewTask;
const PLAIN_FIELDS = Object.keys(UpdateTaskBody.properties).filter(
  (key): key is PlainField => !RULED_FIELDS.has(key),
);

/** The schedule fields of a task as they were before a completion: undo puts them back exactly. */
export interface PreviousTaskState {
  dueOn: string | null;
  scheduledOn: string | null;
  anchorOn: string | null;
  completedAt: string | null;
  /** Usage schedules: the meter total the period started at. */
  usageSinceTotal?: number | null;
}

const PROJECTED_DUE = "a usage task's due date is projected from its meter's readings";

/** Who acts, on which residence, on what local date. */
export interface ActionContext {
  userId: string;
  residenceId: string;
  /** Today in the residence's timezone. */
  today: string;
}

async function nameOf(tx: Queryable, userId: string): Promise<string> {
  const [u] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId)).limit(1);
  return u?.name ?? "Someone";
}

/** In-app notification (and push job) for a new assignee, unless they assigned themselves. */
async function tellAssignee(
  tx: Queryable,
  e: { taskId: string; taskTitle: string; residenceId: string; assigneeId: string | null; actorId: string },
) {
  if (!e.assigneeId || e.assigneeId === e.actorId) return;
  await notifyTaskAssigned(tx, { ...e, assigneeId: e.assigneeId, actorName: await nameOf(tx, e.actorId) });
}

export async function assertAssignable(db: Queryable, residenceId: string, userId: string, field: string) {
  const [m] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.residenceId, residenceId), eq(memberships.userId, userId)))
    .limit(1);
  if (!m) throw invalidField(field, "must be a member of this residence");
  if (m.role === "viewer") throw invalidField(field, "a viewer cannot be assigned tasks");
}

export async function assertContractor(
  db: Queryable,
  residenceId: string,
  contractorId: string,
  field: string,
) {
  const [c] = await db
    .select({ id: contractors.id })
    .from(contractors)
    .where(and(eq(contractors.id, contractorId), eq(contractors.residenceId, residenceId)))
    .limit(1);
  if (!c) throw invalidField(field, "must be a contractor of this residence");
}

export async function assertTemplate(db: Queryable, templateId: string, field: string) {
  const [t] = await db
    .select({ id: taskTemplates.id })
    .from(taskTemplates)
    .where(eq(taskTemplates.id, templateId))
    .limit(1);
  if (!t) throw invalidField(field, "is not a known task template");
}

export interface NewTask {
  title: string;
  notes?: string | null;
  category?: TaskCategory;
  priority?: TaskPriority;
  assigneeId?: string | null;
  dueOn?: string | null;
  recurrence?: unknown;
  estimatedCostCents?: number | null;
  contractorId?: string | null;
  templateId?: string | null;
}

/**
 * Inserts a task (validated references, a recurring task always gets a first due date) and its activity
 * entry. Runs inside the caller's transaction.
 */
export async function insertTask(tx: Queryable, ctx: ActionContext, input: NewTask): Promise<string> {
  const recurrence = parseRecurrence(input.recurrence ?? null, "body.recurrence", true);
  const usage = isUsage(recurrence) ? recurrence : null;
  if (usage) {
    await assertMeter(tx, ctx.residenceId, usage.meterId, "body.recurrence.meterId");
    if (input.dueOn) throw invalidField("body.dueOn", PROJECTED_DUE);
  }
  if (input.assigneeId) await assertAssignable(tx, ctx.residenceId, input.assigneeId, "body.assigneeId");
  if (input.contractorId)
    await assertContractor(tx, ctx.residenceId, input.contractorId, "body.contractorId");
  if (input.templateId) await assertTemplate(tx, input.templateId, "body.templateId");
  const dueOn = usage ? null : (input.dueOn ?? (recurrence ? firstDueOn(recurrence, ctx.today) : null));
  const [row] = await tx
    .insert(tasks)
    .values({
      residenceId: ctx.residenceId,
      title: input.title,
      notes: input.notes ?? null,
      category: input.category ?? "other",
      priority: input.priority ?? "normal",
      assigneeId: input.assigneeId ?? null,
      dueOn,
      scheduledOn: dueOn,
      // A usage period starts now, at the meter's latest total; a hybrid's interval counts from today.
      anchorOn: usage ? ctx.today : dueOn,
      usageSinceTotal: usage ? ((await latestReading(tx, usage.meterId))?.total ?? 0) : null,
      recurrence,
      estimatedCostCents: input.estimatedCostCents ?? null,
      contractorId: input.contractorId ?? null,
      templateId: input.templateId ?? null,
      createdBy: ctx.userId,
    })
    .returning({ id: tasks.id });
  if (usage) await reprojectMeterTasks(tx, usage.meterId, new Date(), row!.id);
  await tellAssignee(tx, {
    taskId: row!.id,
    taskTitle: input.title,
    residenceId: ctx.residenceId,
    assigneeId: input.assigneeId ?? null,
    actorId: ctx.userId,
  });
  await recordActivity(tx, {
    residenceId: ctx.residenceId,
    actorId: ctx.userId,
    action: "task.created",
    subjectType: "task",
    subjectId: row!.id,
    data: { title: input.title, dueOn },
  });
  return row!.id;
}

/** A change to a task: any field of a new task, and archiving. */
export type TaskPatch = Partial<NewTask> & { archived?: boolean };

/** The task row locked for the rest of the transaction: every schedule change goes through this. */
async function lockTask(tx: Queryable, taskId: string) {
  const [t] = await tx.select().from(tasks).where(eq(tasks.id, taskId)).for("update");
  if (!t) throw notFound("Task");
  return t;
}

export async function updateTask(
  db: Database,
  ctx: ActionContext,
  taskId: string,
  patch: TaskPatch,
  now: Date,
) {
  await db.transaction(async (tx) => {
    const t = await lockTask(tx, taskId);
    const set: Partial<typeof tasks.$inferInsert> = {};
    const changed: string[] = [];
    for (const key of PLAIN_FIELDS) {
      if (patch[key] !== undefined && patch[key] !== t[key]) {
        (set as Record<string, unknown>)[key] = patch[key];
        changed.push(key);
      }
    }
    if (patch.assigneeId !== undefined && patch.assigneeId !== t.assigneeId) {
      if (patch.assigneeId) await assertAssignable(tx, t.residenceId, patch.assigneeId, "body.assigneeId");
      set.assigneeId = patch.assigneeId;
      changed.push("assigneeId");
    }
    if (patch.contractorId !== undefined && patch.contractorId !== t.contractorId) {
      if (patch.contractorId)
        await assertContractor(tx, t.residenceId, patch.contractorId, "body.contractorId");
      set.contractorId = patch.contractorId;
      changed.push("contractorId");
    }
    if (patch.templateId !== undefined && patch.templateId !== t.templateId) {
      if (patch.templateId) await assertTemplate(tx, patch.templateId, "body.templateId");
      set.templateId = patch.templateId;
      changed.push("templateId");
    }
    let recurrence = t.recurrence as Recurrence | null;
    const wasUsage = isUsage(t.recurrence as Recurrence | null)
      ? (t.recurrence as { meterId: string })
      : null;
    if (patch.recurrence !== undefined) {
      recurrence = parseRecurrence(patch.recurrence, "body.recurrence", true);
      if (JSON.stringify(recurrence) !== JSON.stringify(t.recurrence)) {
        set.recurrence = recurrence;
        changed.push("recurrence");
        if (isUsage(recurrence)) {
          await assertMeter(tx, t.residenceId, recurrence.meterId, "body.recurrence.meterId");
          if (wasUsage?.meterId !== recurrence.meterId) {
            // A new meter (or a task that just became usage-based): the period starts now.
            set.anchorOn = ctx.today;
            set.usageSinceTotal = (await latestReading(tx, recurrence.meterId))?.total ?? 0;
          }
        } else if (wasUsage) {
          set.usageSinceTotal = null;
          set.usageProjection = null;
        }
        if (!isUsage(recurrence) && (patch.dueOn === undefined || patch.dueOn === t.dueOn)) {
          // The new schedule starts from the occurrence the task stands for now (or from its first date).
          const current = t.scheduledOn ?? t.dueOn ?? (recurrence ? firstDueOn(recurrence, ctx.today) : null);
          set.anchorOn = current;
          set.scheduledOn = current;
          if (t.dueOn === null) set.dueOn = current;
        }
      }
    }
    if (patch.dueOn !== undefined && patch.dueOn !== t.dueOn && isUsage(recurrence))
      throw invalidField("body.dueOn", PROJECTED_DUE);
    if (patch.dueOn !== undefined && patch.dueOn !== t.dueOn) {
      // A new due date re-anchors the schedule on it.
      set.dueOn = patch.dueOn;
      set.scheduledOn = patch.dueOn;
      set.anchorOn = patch.dueOn;
      changed.push("dueOn");
    }
    let archiveAction: string | undefined;
    if (patch.archived !== undefined && patch.archived !== (t.archivedAt !== null)) {
      set.archivedAt = patch.archived ? now : null;
      archiveAction = patch.archived ? "task.archived" : "task.unarchived";
    }
    if (changed.length === 0 && !archiveAction) return;
    set.updatedAt = now;
    await tx.update(tasks).set(set).where(eq(tasks.id, taskId));
    if (isUsage(recurrence) && set.recurrence !== undefined)
      await reprojectMeterTasks(tx, recurrence.meterId, now, taskId);
    if (set.assigneeId) {
      await tellAssignee(tx, {
        taskId,
        taskTitle: set.title ?? t.title,
        residenceId: t.residenceId,
        assigneeId: set.assigneeId,
        actorId: ctx.userId,
      });
    }
    if (changed.length > 0) {
      await recordActivity(tx, {
        residenceId: t.residenceId,
        actorId: ctx.userId,
        action: "task.updated",
        subjectType: "task",
        subjectId: taskId,
        data: { title: set.title ?? t.title, fields: changed },
      });
    }
    if (archiveAction) {
      await recordActivity(tx, {
        residenceId: t.residenceId,
        actorId: ctx.userId,
        action: archiveAction,
        subjectType: "task",
        subjectId: taskId,
        data: { title: set.title ?? t.title },
      });
    }
  });
}

export async function deleteTask(db: Database, ctx: ActionContext, taskId: string) {
  await db.transaction(async (tx) => {
    const t = await lockTask(tx, taskId);
    await tx.delete(tasks).where(eq(tasks.id, taskId));
    await recordActivity(tx, {
      residenceId: t.residenceId,
      actorId: ctx.userId,
      action: "task.deleted",
      subjectType: "task",
      subjectId: taskId,
      data: { title: t.title },
    });
  });
}

type LockedTask = Awaited<ReturnType<typeof lockTask>>;

/** Refuses to change the schedule of an archived or completed task, or of a due date the client did not see. */
function assertOpenOccurrence(t: LockedTask, expectedDueOn: string | null | undefined, verb: string) {
  if (t.archivedAt)
    throw conflict(`This task is archived; unarchive it to ${verb} it`, { currentDueOn: t.dueOn });
  if (t.completedAt) throw conflict("This task is already completed", { currentDueOn: t.dueOn });
  if (expectedDueOn !== undefined && expectedDueOn !== t.dueOn) {
    throw conflict(
      t.dueOn
        ? `This task is now due on ${t.dueOn}; it may have been completed or rescheduled by someone else`
        : "This task no longer has a due date",
      { currentDueOn: t.dueOn },
    );
  }
}

const scheduleOf = (t: LockedTask): ScheduleFields => ({
  recurrence: (t.recurrence ?? null) as Recurrence | null,
  dueOn: t.dueOn,
  scheduledOn: t.scheduledOn,
  anchorOn: t.anchorOn,
});

export interface CompleteInput {
  dueOn: string | null;
  completedOn?: string;
  /** Usage tasks: the meter's value when the work was done, recorded as a reading. */
  meterReading?: number;
  notes?: string | null;
  costCents?: number | null;
  contractorId?: string | null;
  photoIds?: string[];
}

/**
 * Logs a completion of the occurrence the client names and moves the task on: a one-off closes, a
 * recurring task gets its next due date. The task row is locked, so two members completing the same
 * occurrence at once produce one completion; the later one sees the new due date and gets 409.
 */
export async function completeTask(
  db: Database,
  ctx: ActionContext,
  taskId: string,
  input: CompleteInput,
  now: Date,
): Promise<string> {
  return db.transaction((tx) => recordCompletion(tx, ctx, taskId, input, now));
}

/** `completeTask` inside the caller's transaction (a hand-off submission accepted is a completion too). */
export async function recordCompletion(
  tx: Queryable,
  ctx: ActionContext,
  taskId: string,
  input: CompleteInput,
  now: Date,
): Promise<string> {
  const completedOn = input.completedOn ?? ctx.today;
  if (completedOn > ctx.today) throw invalidField("body.completedOn", "cannot be in the future");
  {
    const t = await lockTask(tx, taskId);
    assertOpenOccurrence(t, input.dueOn, "complete");
    if (input.contractorId)
      await assertContractor(tx, t.residenceId, input.contractorId, "body.contractorId");
    const previous: PreviousTaskState = {
      dueOn: t.dueOn,
      scheduledOn: t.scheduledOn,
      anchorOn: t.anchorOn,
      completedAt: null,
      ...(t.usageSinceTotal !== null ? { usageSinceTotal: Number(t.usageSinceTotal) } : {}),
    };
    const usage = isUsage(t.recurrence as Recurrence | null) ? (t.recurrence as { meterId: string }) : null;
    if (input.meterReading !== undefined && !usage)
      throw invalidField("body.meterReading", "only a task scheduled by a meter records a reading");
    const next = usage ? null : nextAfterCompletion(scheduleOf(t), completedOn);
    const [completion] = await tx
      .insert(completions)
      .values({
        taskId,
        residenceId: t.residenceId,
        completedBy: ctx.userId,
        completedOn,
        dueOn: t.dueOn,
        notes: input.notes ?? null,
        costCents: input.costCents ?? null,
        contractorId: input.contractorId ?? null,
        previousTaskState: previous,
      })
      .returning({ id: completions.id });
    if (input.photoIds?.length)
      await setCompletionPhotos(tx, {
        completionId: completion!.id,
        residenceId: t.residenceId,
        userId: ctx.userId,
        fileIds: input.photoIds,
      });
    let nextDueOn = next?.dueOn ?? null;
    if (usage) {
      // The next period starts at this completion, at the reading it was done at (or the latest one).
      const since =
        input.meterReading !== undefined
          ? await recordReading(
              tx,
              { userId: ctx.userId, residenceId: t.residenceId, meterId: usage.meterId, today: ctx.today },
              { value: input.meterReading, readOn: completedOn, completionId: completion!.id },
              { value: "body.meterReading", readOn: "body.completedOn" },
              now,
            )
          : await latestReading(tx, usage.meterId);
      await tx
        .update(tasks)
        .set({ anchorOn: completedOn, usageSinceTotal: since?.total ?? 0, updatedAt: now })
        .where(eq(tasks.id, taskId));
      await reprojectMeterTasks(tx, usage.meterId, now, taskId);
      const [after] = await tx.select({ dueOn: tasks.dueOn }).from(tasks).where(eq(tasks.id, taskId));
      nextDueOn = after?.dueOn ?? null;
    } else {
      await tx
        .update(tasks)
        .set(
          next
            ? { dueOn: next.dueOn, scheduledOn: next.scheduledOn, anchorOn: next.anchorOn, updatedAt: now }
            : { completedAt: now, updatedAt: now },
        )
        .where(eq(tasks.id, taskId));
    }
    if ([t.assigneeId, t.createdBy].some((u) => u && u !== ctx.userId)) {
      await notifyTaskCompleted(tx, {
        taskId,
        taskTitle: t.title,
        residenceId: t.residenceId,
        completionId: completion!.id,
        completedBy: ctx.userId,
        completedByName: await nameOf(tx, ctx.userId),
        assigneeId: t.assigneeId,
        createdBy: t.createdBy,
      });
    }
    await recordActivity(tx, {
      residenceId: t.residenceId,
      actorId: ctx.userId,
      action: "task.completed",
      subjectType: "task",
      subjectId: taskId,
      data: {
        title: t.title,
        completionId: completion!.id,
        dueOn: t.dueOn,
        completedOn,
        nextDueOn,
      },
    });
    return completion!.id;
  }
}

/** Removes the latest completion and puts the task's schedule back exactly as it was before it. */
export async function undoLatestCompletion(db: Database, ctx: ActionContext, taskId: string, now: Date) {
  return db.transaction(async (tx) => {
    const t = await lockTask(tx, taskId);
    const [latest] = await tx
      .select()
      .from(completions)
      .where(eq(completions.taskId, taskId))
      .orderBy(desc(completions.createdAt), desc(completions.id))
      .limit(1);
    if (!latest) throw notFound("Completion");
    const previous = latest.previousTaskState as PreviousTaskState;
    if (isUsage(t.recurrence as Recurrence | null)) {
      await undoUsageCompletion(tx, t, latest, previous, now);
    } else {
      await undoFixedCompletion(tx, t, latest, previous, now);
    }
    await recordActivity(tx, {
      residenceId: t.residenceId,
      actorId: ctx.userId,
      action: "task.completion_undone",
      subjectType: "task",
      subjectId: taskId,
      data: { title: t.title, completedOn: latest.completedOn, dueOn: previous.dueOn },
    });
    return latest;
  });
}

// Undo restores exactly what the completion changed. When the schedule has moved since (a skip, a
// snooze, an edited due date or recurrence), putting the old dates back would silently drop that
// change, so the undo is refused and says why.
async function undoFixedCompletion(
  tx: Queryable,
  t: LockedTask,
  latest: typeof completions.$inferSelect,
  previous: PreviousTaskState,
  now: Date,
) {
  const leftBy = nextAfterCompletion(
    {
      ...scheduleOf(t),
      dueOn: previous.dueOn,
      scheduledOn: previous.scheduledOn,
      anchorOn: previous.anchorOn,
    },
    latest.completedOn,
  );
  const unchanged = leftBy
    ? t.completedAt === null &&
      t.dueOn === leftBy.dueOn &&
      t.scheduledOn === leftBy.scheduledOn &&
      t.anchorOn === leftBy.anchorOn
    : t.completedAt !== null;
  if (!unchanged) {
    throw conflict(
      "The task's schedule changed after this completion (skipped, snoozed or edited); undoing it " +
        "would drop that change. Set the due date you want on the task instead.",
      { currentDueOn: t.dueOn, dueOnAfterCompletion: leftBy?.dueOn ?? null },
    );
  }
  await tx
    .update(tasks)
    .set({
      dueOn: previous.dueOn,
      scheduledOn: previous.scheduledOn,
      anchorOn: previous.anchorOn,
      completedAt: previous.completedAt ? new Date(previous.completedAt) : null,
      updatedAt: now,
    })
    .where(eq(tasks.id, t.id));
  await tx.delete(completions).where(eq(completions.id, latest.id));
}

/** Skips the current occurrence of a recurring task: the next one becomes due, nothing is logged. */
export async function skipTask(
  db: Database,
  ctx: ActionContext,
  taskId: string,
  expectedDueOn: string | null | undefined,
  now: Date,
) {
  await db.transaction(async (tx) => {
    const t = await lockTask(tx, taskId);
    assertOpenOccurrence(t, expectedDueOn, "skip");
    if (isUsage(t.recurrence as Recurrence | null)) {
      const dueOn = await restartUsagePeriod(tx, t, ctx.today, now);
      await recordActivity(tx, {
        residenceId: t.residenceId,
        actorId: ctx.userId,
        action: "task.skipped",
        subjectType: "task",
        subjectId: taskId,
        data: { title: t.title, skippedDueOn: t.dueOn, dueOn },
      });
      return;
    }
    const next = nextAfterSkip(scheduleOf(t));
    if (!next) {
      throw conflict(
        t.recurrence
          ? "This task has no due date to skip"
          : "A one-off task has no next occurrence; complete, snooze or archive it instead",
        { currentDueOn: t.dueOn },
      );
    }
    await tx
      .update(tasks)
      .set({ dueOn: next.dueOn, scheduledOn: next.scheduledOn, anchorOn: next.anchorOn, updatedAt: now })
      .where(eq(tasks.id, taskId));
    await recordActivity(tx, {
      residenceId: t.residenceId,
      actorId: ctx.userId,
      action: "task.skipped",
      subjectType: "task",
      subjectId: taskId,
      data: { title: t.title, skippedDueOn: t.dueOn, dueOn: next.dueOn },
    });
  });
}

/**
 * Moves only this occurrence: due_on becomes `until`, scheduled_on keeps the occurrence of the schedule,
 * so the one after still follows the schedule.
 */
export async function snoozeTask(
  db: Database,
  ctx: ActionContext,
  taskId: string,
  input: { until: string; dueOn?: string | null },
  now: Date,
) {
  if (input.until < ctx.today) throw invalidField("body.until", "must be today or later");
  await db.transaction(async (tx) => {
    const t = await lockTask(tx, taskId);
    assertOpenOccurrence(t, input.dueOn, "snooze");
    await tx
      .update(tasks)
      .set({
        dueOn: input.until,
        scheduledOn: t.scheduledOn ?? input.until,
        anchorOn: t.anchorOn ?? input.until,
        updatedAt: now,
      })
      .where(eq(tasks.id, taskId));
    await recordActivity(tx, {
      residenceId: t.residenceId,
      actorId: ctx.userId,
      action: "task.snoozed",
      subjectType: "task",
      subjectId: taskId,
      data: { title: t.title, from: t.dueOn, until: input.until },
    });
  });
}

/**
 * Skipping a usage task starts a new period today at the meter's latest total (nothing is logged); returns
 * the newly projected due date.
 */
async function restartUsagePeriod(tx: Queryable, t: LockedTask, today: string, now: Date) {
  const { meterId } = t.recurrence as { meterId: string };
  const latest = await latestReading(tx, meterId);
  await tx
    .update(tasks)
    .set({ anchorOn: today, usageSinceTotal: latest?.total ?? 0, updatedAt: now })
    .where(eq(tasks.id, t.id));
  await reprojectMeterTasks(tx, meterId, now, t.id);
  const [after] = await tx.select({ dueOn: tasks.dueOn }).from(tasks).where(eq(tasks.id, t.id));
  return after?.dueOn ?? null;
}

/**
 * Undoing the latest completion of a usage task puts its period back (start date and meter total) and
 * projects it again; refused when the period was restarted since (a skip or a new schedule). The reading
 * recorded with the completion stays: it is what the meter showed.
 */
async function undoUsageCompletion(
  tx: Queryable,
  t: LockedTask,
  latest: typeof completions.$inferSelect,
  previous: PreviousTaskState,
  now: Date,
) {
  if (t.anchorOn !== latest.completedOn || t.completedAt !== null) {
    throw conflict(
      "The task's schedule changed after this completion (skipped or edited); undoing it would drop that change.",
      { currentDueOn: t.dueOn },
    );
  }
  await tx
    .update(tasks)
    .set({ anchorOn: previous.anchorOn, usageSinceTotal: previous.usageSinceTotal ?? 0, updatedAt: now })
    .where(eq(tasks.id, t.id));
  await tx.delete(completions).where(eq(completions.id, latest.id));
  await reprojectMeterTasks(tx, (t.recurrence as { meterId: string }).meterId, now, t.id);
}
