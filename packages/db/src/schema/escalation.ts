import type { EscalationStepRule } from "@honeydue/domain/escalation";
import {
  boolean,
  date,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, users } from "./accounts.ts";
import { residences, tasks } from "./households.ts";

/** Escalation of overdue tasks (migration 0160, decision record 0015). */

export const escalationPolicies = pgTable("escalation_policies", {
  residenceId: uuid()
    .primaryKey()
    .references(() => residences.id, { onDelete: "cascade" }),
  enabled: boolean().notNull().default(false),
  steps: jsonb().$type<EscalationStepRule[]>().notNull().default([]),
  updatedBy: uuid().references(() => users.id, { onDelete: "set null" }),
  updatedAt: createdAt(),
});

export const taskEscalationCycles = pgTable("task_escalation_cycles", {
  taskId: uuid()
    .primaryKey()
    .references(() => tasks.id, { onDelete: "cascade" }),
  dueOn: date({ mode: "string" }).notNull(),
  assigneeId: uuid(),
  startedOn: date({ mode: "string" }).notNull(),
  updatedAt: createdAt(),
});

export const taskEscalations = pgTable(
  "task_escalations",
  {
    taskId: uuid()
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    dueOn: date({ mode: "string" }).notNull(),
    assigneeKey: text().notNull(),
    step: smallint().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    daysOverdue: integer().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.dueOn, t.assigneeKey, t.step, t.userId] })],
);
