import { TASK_CATEGORIES, TASK_PRIORITIES } from "@honeydue/db";
import { DUE_STATES } from "@honeydue/domain";
import Type from "typebox";
import { Cents, Cursor, Limit, LocalDate, Nullable, Page, Timestamp, Uuid } from "../http/schemas.ts";

/** A YYYY-MM-DD date with its own description. */
const dateField = (description: string) =>
  Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", format: "date", description });

/** A date a client sends: a real calendar date in the years 1900–2199. */
const inputDate = (description = "A calendar date, YYYY-MM-DD (1900–2199)") =>
  Type.String({
    pattern: "^(19|20|21)\\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$",
    format: "date",
    description,
  });

/** Text without NUL characters (PostgreSQL text cannot hold them). */
const text = (options: { minLength?: number; maxLength: number; description?: string }) =>
  Type.String({ ...options, pattern: "^[^\\u0000]*$" });

export const Category = Type.Enum(TASK_CATEGORIES);
export const Priority = Type.Enum(TASK_PRIORITIES);
export const State = Type.Enum(DUE_STATES);

/**
 * One object shape for every kind of schedule, so validation errors name the field:
 * `{kind:"fixed", interval, unit}`, `{kind:"fixed", rrule}` or `{kind:"afterCompletion", interval, unit}`.
 * Which combinations are valid is checked by the domain's `validateRecurrence`.
 */
export const Recurrence = Type.Object(
  {
    kind: Type.Enum(["fixed", "afterCompletion", "usage"], {
      description:
        "fixed: a calendar schedule (the next due date follows the schedule); afterCompletion: next due = completion date + interval; " +
        "usage: every `every` units of meter `meterId`, and with interval+unit also every interval, whichever comes first (the due date is projected from the meter's readings)",
    }),
    interval: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    unit: Type.Optional(Type.Enum(["day", "week", "month", "year"])),
    meterId: Type.Optional(Uuid),
    every: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000_000, description: "usage: units of the meter" }),
    ),
    rrule: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description: "An RFC 5545 RRULE for fixed schedules, e.g. FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1",
      }),
    ),
  },
  {
    description: "null for a one-off task",
    examples: [
      { kind: "fixed", interval: 3, unit: "month" },
      { kind: "fixed", rrule: "FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1" },
      { kind: "afterCompletion", interval: 90, unit: "day" },
      {
        kind: "usage",
        meterId: "0b1c2d3e-4f5a-4b6c-9d7e-1f2a3b4c5d6e",
        every: 300,
        interval: 90,
        unit: "day",
      },
    ],
  },
);

const Person = Type.Object({ id: Uuid, name: Type.String() });
const ContractorRef = Type.Object({ id: Uuid, name: Type.String() });

export const Task = Type.Object({
  id: Uuid,
  residenceId: Uuid,
  title: Type.String(),
  notes: Nullable(Type.String()),
  category: Category,
  priority: Priority,
  state: State,
  dueOn: Nullable(LocalDate),
  scheduledOn: Nullable(dateField("The occurrence of the schedule this due date stands for")),
  recurrence: Nullable(Recurrence),
  recurrenceText: Type.String({ description: "The schedule in words, e.g. 'every 3 months'" }),
  usage: Nullable(
    Type.Object(
      {
        meterId: Uuid,
        meterName: Type.String(),
        unit: Type.String(),
        used: Type.Number({ description: "Use since the task was last done (or added)" }),
        remaining: Type.Number({ description: "Use left before it is due by use" }),
        dueBy: Type.Enum(["usage", "interval", "reached", "unknown"], {
          description:
            "What the due date comes from: the projected use, the interval (a hybrid's calendar side), use already reached, or unknown (too few readings)",
        }),
        usageDueOn: Nullable(LocalDate),
        intervalDueOn: Nullable(LocalDate),
        rate: Nullable(
          Type.Object({ perDay: Type.Number(), from: LocalDate, to: LocalDate, readings: Type.Integer() }),
        ),
        latestReadingOn: Nullable(LocalDate),
        basis: Type.String({ description: "The projection's basis in words" }),
      },
      { description: "For usage schedules: the projection behind dueOn" },
    ),
  ),
  assigneeId: Nullable(Uuid),
  assignee: Nullable(Person),
  estimatedCostCents: Nullable(Cents),
  contractorId: Nullable(Uuid),
  contractor: Nullable(ContractorRef),
  templateId: Nullable(Uuid),
  lastCompletedOn: Nullable(LocalDate),
  completedAt: Nullable(Timestamp),
  archivedAt: Nullable(Timestamp),
  createdBy: Nullable(Uuid),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const Title = text({ minLength: 1, maxLength: 200 });
const Notes = text({ maxLength: 10_000 });

export const CreateTaskBody = Type.Object({
  title: Title,
  notes: Type.Optional(Nullable(Notes)),
  category: Type.Optional(Category),
  priority: Type.Optional(Priority),
  assigneeId: Type.Optional(Nullable(Uuid)),
  dueOn: Type.Optional(Nullable(inputDate())),
  recurrence: Type.Optional(Nullable(Recurrence)),
  estimatedCostCents: Type.Optional(Nullable(Cents)),
  contractorId: Type.Optional(Nullable(Uuid)),
  templateId: Type.Optional(Nullable(Uuid)),
});

/** Any field of a new task (each optional), and archiving. */
export const UpdateTaskBody = Type.Object(
  {
    ...Type.Partial(CreateTaskBody).properties,
    dueOn: Type.Optional(
      Nullable(inputDate("Setting a due date re-anchors a recurring task's schedule on it")),
    ),
    archived: Type.Optional(Type.Boolean()),
  },
  { minProperties: 1 },
);

export const TaskListQuery = Type.Object({
  state: Type.Optional(
    Type.Array(State, {
      description:
        "One or more states (repeat the parameter or separate with commas). Default: the open states (overdue, dueToday, dueSoon, upcoming, unscheduled)",
    }),
  ),
  assigneeId: Type.Optional(Uuid),
  category: Type.Optional(Category),
  priority: Type.Optional(Priority),
  q: Type.Optional(text({ minLength: 1, maxLength: 200, description: "Text in title or notes" })),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});

export const TaskPage = Page(Task);

export const Completion = Type.Object({
  id: Uuid,
  taskId: Uuid,
  residenceId: Uuid,
  completedOn: LocalDate,
  dueOn: Nullable(dateField("The occurrence this completion closed")),
  notes: Nullable(Type.String()),
  costCents: Nullable(Cents),
  contractorId: Nullable(Uuid),
  completedById: Nullable(Uuid),
  completedBy: Nullable(Person),
  photoIds: Type.Array(Uuid, { description: "Photo files, in order: GET /v1/files/{id}" }),
  createdAt: Timestamp,
});

export const CompleteBody = Type.Object({
  dueOn: Nullable(
    dateField(
      "The due date being completed, as the client saw it (null for an unscheduled task). If the task has moved on, the answer is 409 with the current dueOn.",
    ),
  ),
  completedOn: Type.Optional(inputDate("Default: today in the residence")),
  meterReading: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 1_000_000_000,
      multipleOf: 0.01,
      description: "Usage tasks: what the meter showed when the work was done (recorded as a reading)",
    }),
  ),
  notes: Type.Optional(Nullable(Notes)),
  costCents: Type.Optional(Nullable(Cents)),
  contractorId: Type.Optional(Nullable(Uuid)),
  photoIds: Type.Optional(
    Type.Array(Uuid, {
      maxItems: 20,
      uniqueItems: true,
      description: "Uploads with purpose `completion_photo` (POST /v1/uploads), attached in this order",
    }),
  ),
});

export const CompletionAndTask = Type.Object({ completion: Completion, task: Task });
export const CompletionPage = Page(Completion);
export const CompletionListQuery = Type.Object({
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});

export const SkipBody = Type.Object({
  dueOn: Type.Optional(Nullable(dateField("Optional guard: the due date being skipped"))),
});

export const SnoozeBody = Type.Object({
  until: inputDate("The new due date of this occurrence only"),
  dueOn: Type.Optional(Nullable(dateField("Optional guard: the due date being snoozed"))),
});

export const ResidenceParams = Type.Object({ residenceId: Uuid });
export const TaskParams = Type.Object({ taskId: Uuid });
