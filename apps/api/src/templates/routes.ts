import { type Database, PROPERTY_TYPES, type PropertyType, tasks, taskTemplates } from "@honeydue/db";
import { spreadFirstDueDates, type TaskPriority } from "@honeydue/domain";
import { and, asc, inArray, isNull, type SQL, sql } from "drizzle-orm";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { invalidField } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { Uuid } from "../http/schemas.ts";
import { requireMembership } from "../residences/access.ts";
import { boundsFor } from "../tasks/access.ts";
import { insertTask } from "../tasks/actions.ts";
import { selectTasks, toTask } from "../tasks/presenter.ts";
import { describeSchedule, parseRecurrence, type Recurrence as RecurrenceType } from "../tasks/schedule.ts";
import { Category, Priority, Recurrence, ResidenceParams, Task } from "../tasks/schemas.ts";

export interface TemplateRouteDeps {
  db: Database;
  auth: AuthGuard;
  now: () => Date;
}

const PropertyTypeSchema = Type.Enum([...PROPERTY_TYPES]);

const TaskTemplate = Type.Object({
  id: Uuid,
  slug: Type.String(),
  title: Type.String(),
  howTo: Type.String(),
  category: Category,
  priority: Priority,
  recurrence: Type.Union([Recurrence, Type.Null()]),
  recurrenceText: Type.String(),
  propertyTypes: Type.Array(PropertyTypeSchema),
  starter: Type.Boolean({
    description: "Part of the starter set offered to a new residence of the requested property type",
  }),
});

const TemplateQuery = Type.Object({
  propertyType: Type.Optional(
    Type.Enum([...PROPERTY_TYPES], { description: "Only templates for this property type" }),
  ),
});

const FromTemplatesBody = Type.Object({
  templateIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true }),
});

const tags = ["templates"];
/** The order in which templates added together get their first due dates: the most urgent first. */
const URGENCY: readonly TaskPriority[] = ["urgent", "high", "normal", "low"];

export function registerTemplateRoutes(app: App, deps: TemplateRouteDeps) {
  const { db, auth } = deps;

  app.get(
    "/v1/task-templates",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "The template catalog of common home-maintenance jobs (starter set first)",
        ...bearer,
        querystring: TemplateQuery,
        response: { 200: Type.Object({ items: Type.Array(TaskTemplate) }), ...problems(400, 401) },
      },
    },
    async (request) => {
      const propertyType = request.query.propertyType as PropertyType | undefined;
      const conditions: SQL[] = [isNull(taskTemplates.retiredAt)];
      if (propertyType) conditions.push(sql`${propertyType} = ANY(${taskTemplates.propertyTypes})`);
      const rows = await db
        .select()
        .from(taskTemplates)
        .where(and(...conditions))
        .orderBy(sql`${taskTemplates.starter} DESC`, asc(taskTemplates.category), asc(taskTemplates.title));
      return {
        items: rows.map((t) => {
          const recurrence = (t.recurrence ?? null) as RecurrenceType | null;
          return {
            id: t.id,
            slug: t.slug,
            title: t.title,
            howTo: t.howTo,
            category: t.category,
            priority: t.priority,
            recurrence,
            recurrenceText: describeSchedule(recurrence),
            propertyTypes: t.propertyTypes,
            starter: t.starter && (!propertyType || t.propertyTypes.includes(propertyType)),
          };
        }),
      };
    },
  );

  app.post(
    "/v1/residences/:residenceId/tasks/from-templates",
    {
      onRequest: auth.required,
      schema: {
        tags,
        summary: "Add tasks from templates, each with a first due date in the residence's local calendar",
        description:
          "First due dates are spread so that a starter set is not all due today: a seasonal schedule starts " +
          "at its season (its first occurrence on or after today); an interval schedule gets a first date " +
          "within its first period (at most a year), and a one-off within two weeks, spread over that window " +
          "with the most urgent templates first — the most urgent is due today.",
        ...bearer,
        params: ResidenceParams,
        body: FromTemplatesBody,
        response: { 201: Type.Object({ items: Type.Array(Task) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const who = principal(request);
      const { residenceId } = request.params;
      const access = await requireMembership(db, residenceId, who.userId, "member");
      const b = boundsFor(access.timezone, who, deps.now());
      const { templateIds } = request.body;
      const found = await db
        .select()
        .from(taskTemplates)
        .where(and(inArray(taskTemplates.id, templateIds), isNull(taskTemplates.retiredAt)));
      const byId = new Map(found.map((t) => [t.id, t]));
      const missing = templateIds.filter((id) => !byId.has(id));
      if (missing.length)
        throw invalidField("body.templateIds", `unknown or retired templates: ${missing.join(", ")}`);
      const recurrences = new Map(
        templateIds.map((id) => [
          id,
          parseRecurrence(byId.get(id)!.recurrence ?? null, "template.recurrence"),
        ]),
      );
      // The most urgent first, in the order given within a priority.
      const byUrgency = [...templateIds].sort(
        (x, y) => URGENCY.indexOf(byId.get(x)!.priority) - URGENCY.indexOf(byId.get(y)!.priority),
      );
      const firstDue = new Map(
        spreadFirstDueDates(
          byUrgency.map((id) => recurrences.get(id)!),
          b.today,
        ).map((dueOn, i) => [byUrgency[i]!, dueOn]),
      );
      const ids = await db.transaction(async (tx) => {
        const created: string[] = [];
        for (const id of templateIds) {
          const t = byId.get(id)!;
          const recurrence = recurrences.get(id)!;
          created.push(
            await insertTask(
              tx,
              { userId: who.userId, residenceId, today: b.today },
              {
                title: t.title,
                notes: t.howTo || null,
                category: t.category,
                priority: t.priority,
                recurrence,
                dueOn: firstDue.get(id)!,
                templateId: t.id,
              },
            ),
          );
        }
        return created;
      });
      const rows = await selectTasks(db, b, inArray(tasks.id, ids));
      const order = new Map(ids.map((id, i) => [id, i]));
      rows.sort((x, y) => order.get(x.id)! - order.get(y.id)!);
      return reply.status(201).send({ items: rows.map(toTask) });
    },
  );
}
