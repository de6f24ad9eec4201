import Type from "typebox";
import { define } from "../../runtime/definition.ts";

export const PushSendPayload = Type.Object({
  userId: Type.String({ minLength: 1 }),
  /** e.g. "task.due_today", "task.assigned", "task.completed" */
  kind: Type.String({ minLength: 1, maxLength: 64 }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  body: Type.String({ maxLength: 1000 }),
  data: Type.Optional(Type.Record(Type.String(), Type.String())),
});

/** The push group: a message to every device of a user (written by `notify`, notify.ts). */
export const PUSH_JOBS = {
  "push.send": define({ queue: "push", payload: PushSendPayload, attempts: 5, timeoutMs: 30_000 }),
} as const;
