import { completions, type Database, tasks, users } from "@honeydue/db";
import { and, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import { selectCompletions, toCompletion } from "../completions/presenter.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, type Principal, prefetchedMembership, principal } from "../http/auth.ts";
import { invalidField, notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { decodeCursor, encodeCursor, NoContent } from "../http/schemas.ts";
import { checkedMembership, requireMembership } from "../residences/access.ts";
import { containsPattern } from "../search/text.ts";
import { boundsFor, requireTaskAccess } from "./access.ts";
import {
  type ActionContext,
  completeTask,
  deleteTask,
  insertTask,
  skipTask,
  snoozeTask,
  undoLatestCompletion,
  updateTask,
} from "./actions.ts";
import { loadTask, prepareOpenTasksPage, selectTasks, toTask } from "./presenter.ts";
import { afterCursor, isTaskCursor, OPEN_STATES, statesCondition } from "./queries.ts";
import {
  CompleteBody,
  CompletionAndTask,
  CompletionListQuery,
  CompletionPage,
  CreateTaskBody,
  ResidenceParams,
  SkipBody,
  SnoozeBody,
  Task,
  TaskListQuery,
  TaskPage,
  TaskParams,
  UpdateTaskBody,
} from "./schemas.ts";

export interface TaskRouteDeps {
  db: Database;
  auth: AuthGuard;
  /** The current instant (injectable for tests). */
  now: () => Date;
  /** Kicks the job runner after a commit that wrote outbox rows (assignment and completion pushes). */
  notifyOutbox: () => void;
}

const tags = ["tasks"];

export function registerTaskRoutes(app: App, deps: TaskRouteDeps) {
  const { db, auth } = deps;
  // The list's hot path (the default view's first page): its statement prepared once. Reads outside any
  // write transaction, so it is prepared on the database itself; the membership comes with the session.
  const openTasksPage = prepareOpenTasksPage(db);

  /** The task as the caller sees it now (state in the residence's local date, the caller's horizon). */
  async function taskFor(taskId: string, timezone: string, who: { dueSoonDays: number }) {
    const task = await loadTask(db, taskId, boundsFor(timezone, who, deps.now()));
    if (!task) throw notFound("Task");
    return task;
  }

  /**
   * A member's write to a task: its residence's access (viewers get 403) and who acts on what local date.
   * Actions take real time for timestamps as well (`new Date()`); only dates follow the injectable clock.
   */
  async function memberWrite(taskId: string, who: Principal) {
    const access = await requireTaskAccess(db, taskId, who.userId, "member");
    const { today } = boundsFor(access.timezone, who, deps.now());
    const actor: ActionContext = { userId: who.userId, residenceId: access.residenceId, today };
    return { access, actor };
  }

  app.get(
    "/v1/residences/:residenceId/tasks",
    {
      onRequest: auth.requiredWithResidence,
      // state=overdue,dueToday is the same as state=overdue&state=dueToday
      preValidation: async (request) => {
        const query = request.query as { state?: string | string[] };
        if (query.state !== undefined)
          query.state = [query.state]
            .flat()
            .flatMap((s) => String(s).split(","))
            .filter((s) => s !== "");
      },
      schema: {
        tags,
        summary: "List a residence's tasks by due date (nulls last), filtered, with keyset cursors",
        ...bearer,
        params: ResidenceParams,
        querystring: TaskListQuery,
        response: { 200: TaskPage, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const who = principal(request);
      const { residenceId } = request.params;
      const access = checkedMembership(
        prefetchedMembership(request, residenceId, who.userId),
        residenceId,
        "viewer",
      );
      const q = request.query;
      const b = boundsFor(access.timezone, who, deps.now());
      const cursor = decodeCursor(q.cursor, isTaskCursor);
      if (q.cursor !== undefined && !cursor)
        throw invalidField("query.cursor", "is not a cursor of this list");
      const limit = q.limit ?? 50;
      const defaultView =
        !q.state?.length && !q.cursor && !q.assigneeId && !q.category && !q.priority && !q.q;
      const conditions: SQL[] = [
        eq(tasks.residenceId, residenceId),
        statesCondition(q.state?.length ? q.state : OPEN_STATES, b),
      ];
      if (q.assigneeId) conditions.push(eq(tasks.assigneeId, q.assigneeId));
      if (q.category) conditions.push(eq(tasks.category, q.category));
      if (q.priority) conditions.push(eq(tasks.priority, q.priority));
      if (q.q)
        conditions.push(
          or(ilike(tasks.title, containsPattern(q.q)), ilike(tasks.notes, containsPattern(q.q)))!,
        );
      if (cursor) conditions.push(afterCursor(cursor));
      const rows = defaultView
        ? await openTasksPage({ residenceId, today: b.today, soonEnd: b.soonEnd, limit: limit + 1 })
        : await selectTasks(db, b, and(...conditions), limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toTask),
        nextCursor: rows.length > limit && last ? encodeCursor({ d: last.dueOn, i: last.id }) : null,
      };
    },
  );

  app.post(
    "/v1/residences/:residenceId/tasks",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "Create a task (members and owners)",
        ...bearer,
        params: ResidenceParams,
        body: CreateTaskBody,
        response: { 201: Task, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const who = principal(request);
      const { residenceId } = request.params;
      const access = await requireMembership(db, residenceId, who.userId, "member");
      const b = boundsFor(access.timezone, who, deps.now());
      const id = await db.transaction((tx) =>
        insertTask(tx, { userId: who.userId, residenceId, today: b.today }, request.body),
      );
      deps.notifyOutbox();
      return reply.status(201).send(await taskFor(id, access.timezone, who));
    },
  );

  app.get(
    "/v1/tasks/:taskId",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "One task with its due state",
        ...bearer,
        params: TaskParams,
        response: { 200: Task, ...problems(401, 404) },
      },
    },
    async (request) => {
      const who = principal(request);
      const access = await requireTaskAccess(db, request.params.taskId, who.userId, "viewer");
      return taskFor(request.params.taskId, access.timezone, who);
    },
  );

  app.patch(
    "/v1/tasks/:taskId",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "Change a task; a new dueOn re-anchors its schedule, archived:true archives it",
        ...bearer,
        params: TaskParams,
        body: UpdateTaskBody,
        response: { 200: Task, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const who = principal(request);
      const { taskId } = request.params;
      const { access, actor } = await memberWrite(taskId, who);
      await updateTask(db, actor, taskId, request.body, new Date());
      deps.notifyOutbox();
      return taskFor(taskId, access.timezone, who);
    },
  );

  app.delete(
    "/v1/tasks/:taskId",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "Delete a task and its maintenance log",
        ...bearer,
        params: TaskParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const who = principal(request);
      const { taskId } = request.params;
      const { actor } = await memberWrite(taskId, who);
      await deleteTask(db, actor, taskId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/v1/tasks/:taskId/complete",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "Complete the current occurrence: logs a completion and moves the task to its next due date",
        description:
          "The body names the due date being completed. When two members complete the same occurrence at " +
          "once, one completion is written; the other gets 409 with `currentDueOn`.",
        ...bearer,
        params: TaskParams,
        body: CompleteBody,
        response: { 201: CompletionAndTask, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const who = principal(request);
      const { taskId } = request.params;
      const { access, actor } = await memberWrite(taskId, who);
      const completionId = await completeTask(db, actor, taskId, request.body, new Date());
      deps.notifyOutbox();
      const [completion] = await selectCompletions(db, eq(completions.id, completionId), 1);
      return reply
        .status(201)
        .send({ completion: toCompletion(completion!), task: await taskFor(taskId, access.timezone, who) });
    },
  );

  app.get(
    "/v1/tasks/:taskId/completions",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "The task's maintenance log, newest first",
        ...bearer,
        params: TaskParams,
        querystring: CompletionListQuery,
        response: { 200: CompletionPage, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const who = principal(request);
      const { taskId } = request.params;
      await requireTaskAccess(db, taskId, who.userId, "viewer");
      const limit = request.query.limit ?? 50;
      const cursor = decodeCursor(request.query.cursor, isCompletionCursor);
      if (request.query.cursor !== undefined && !cursor)
        throw invalidField("query.cursor", "is not a cursor of this list");
      const where = cursor
        ? and(
            eq(completions.taskId, taskId),
            sql`(${completions.createdAt}, ${completions.id}) < (${cursor.t}::timestamptz, ${cursor.i}::uuid)`,
          )
        : eq(completions.taskId, taskId);
      const rows = await selectCompletions(db, where, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toCompletion),
        nextCursor: rows.length > limit && last ? encodeCursor({ t: last.createdAtText, i: last.id }) : null,
      };
    },
  );

  app.delete(
    "/v1/tasks/:taskId/completions/latest",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "Undo the latest completion: removes it and restores the task's previous due date and state",
        description:
          "Restores exactly what the completion changed. When the task's schedule moved after it (a skip, a " +
          "snooze, an edited due date or recurrence), the undo would drop that change: 409, with the task's " +
          "current due date and the one the completion left in the problem.",
        ...bearer,
        params: TaskParams,
        response: { 200: CompletionAndTask, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const who = principal(request);
      const { taskId } = request.params;
      const { access, actor } = await memberWrite(taskId, who);
      const removed = await undoLatestCompletion(db, actor, taskId, new Date());
      const [by] = removed.completedBy
        ? await db.select({ name: users.name }).from(users).where(eq(users.id, removed.completedBy))
        : [];
      const completion = toCompletion({
        ...removed,
        completedById: removed.completedBy,
        completedByName: by?.name ?? null,
        photoIds: [], // deleted with the completion
        createdAtText: "",
      });
      return { completion, task: await taskFor(taskId, access.timezone, who) };
    },
  );

  app.post(
    "/v1/tasks/:taskId/skip",
    {
      onRequest: auth.required,
      // The body is optional: a bare POST skips whatever occurrence is current.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags,
        summary: "Skip the current occurrence of a recurring task (no log entry)",
        ...bearer,
        params: TaskParams,
        body: SkipBody,
        response: { 200: Task, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const who = principal(request);
      const { taskId } = request.params;
      const { access, actor } = await memberWrite(taskId, who);
      await skipTask(db, actor, taskId, request.body.dueOn, new Date());
      return taskFor(taskId, access.timezone, who);
    },
  );

  app.post(
    "/v1/tasks/:taskId/snooze",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "Give this occurrence a new due date; the schedule after it is unchanged",
        ...bearer,
        params: TaskParams,
        body: SnoozeBody,
        response: { 200: Task, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const who = principal(request);
      const { taskId } = request.params;
      const { access, actor } = await memberWrite(taskId, who);
      await snoozeTask(db, actor, taskId, request.body, new Date());
      return taskFor(taskId, access.timezone, who);
    },
  );
}

interface CompletionCursor {
  t: string;
  i: string;
}
const isCompletionCursor = (v: unknown): v is CompletionCursor => {
  const c = v as CompletionCursor;
  return (
    typeof c === "object" &&
    c !== null &&
    typeof c.t === "string" &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(c.t) &&
    !Number.isNaN(Date.parse(`${c.t.slice(0, 23)}Z`)) &&
    typeof c.i === "string" &&
    /^[0-9a-f-]{36}$/i.test(c.i)
  );
};
