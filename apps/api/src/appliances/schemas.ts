import { APPLIANCE_KINDS } from "@honeydue/db";
import Type from "typebox";
import { Cents, Cursor, Limit, LocalDate, Nullable, Page, Timestamp, Uuid } from "../http/schemas.ts";

export const Kind = Type.Enum(APPLIANCE_KINDS, { description: "What kind of appliance or system" });

const Text = (maxLength: number) => Type.String({ maxLength });
const Ids = (what: string) =>
  Type.Array(Uuid, {
    maxItems: 100,
    uniqueItems: true,
    description: `${what} of the same residence linked to this appliance; a PATCH replaces the whole list`,
  });
/** As in contractors: one schema with a type list, so Ajv's coercion cannot turn a 0 into null. */
const NullableLifespan = Type.Unsafe<number | null>({
  type: ["integer", "null"],
  minimum: 1,
  maximum: 200,
  description: "Expected service life in years; null plans with the typical life of its kind",
});

export const ApplianceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Type.Optional(Kind),
    brand: Type.Optional(Nullable(Text(200))),
    model: Type.Optional(Nullable(Text(200))),
    serialNumber: Type.Optional(Nullable(Text(200))),
    purchasedOn: Type.Optional(Nullable(LocalDate)),
    installedOn: Type.Optional(Nullable(LocalDate)),
    location: Type.Optional(Nullable(Text(200))),
    notes: Type.Optional(Nullable(Text(10_000))),
    lifespanYears: Type.Optional(NullableLifespan),
    replacementCostCents: Type.Optional(Nullable(Cents)),
    taskIds: Type.Optional(Ids("Tasks")),
    documentIds: Type.Optional(Ids("Documents (manual, warranty, receipt...)")),
    contractorIds: Type.Optional(Ids("Contractors")),
  },
  { additionalProperties: false },
);

/** The same fields, each optional: a PATCH changes only what it names. */
export const AppliancePatch = Type.Partial(ApplianceBody, { additionalProperties: false });

export const Recall = Type.Object({
  source: Type.String({ description: "The recall source, e.g. `cpsc`" }),
  recallId: Type.String(),
  title: Type.String(),
  remedy: Nullable(Type.String()),
  url: Nullable(Type.String()),
  recalledOn: Nullable(LocalDate),
  matchedAt: Timestamp,
});

export const Appliance = Type.Object({
  id: Uuid,
  residenceId: Uuid,
  name: Type.String(),
  kind: Kind,
  brand: Nullable(Type.String()),
  model: Nullable(Type.String()),
  serialNumber: Nullable(Type.String()),
  purchasedOn: Nullable(LocalDate),
  installedOn: Nullable(LocalDate),
  location: Nullable(Type.String()),
  photoFileId: Nullable(Uuid),
  notes: Nullable(Type.String()),
  lifespanYears: Nullable(Type.Integer({ description: "As given by the household" })),
  expectedLifespanYears: Nullable(
    Type.Integer({
      description: "The lifespan planned with: the household's, else the typical one of its kind",
    }),
  ),
  endOfLifeOn: Nullable(
    Type.String({
      format: "date",
      description: "Installed (else purchased) date + expected lifespan; null when either is unknown",
    }),
  ),
  replacementCostCents: Nullable(Cents),
  taskIds: Type.Array(Uuid),
  documentIds: Type.Array(Uuid),
  contractorIds: Type.Array(Uuid),
  recalls: Type.Array(Recall, { description: "Recalls matched to this appliance, newest first" }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const AppliancePage = Page(Appliance);

export const ApplianceListQuery = Type.Object({
  kind: Type.Optional(Kind),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: "Matches name, brand, model, serial, location or notes",
    }),
  ),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});

export const ServiceEntry = Type.Object({
  completionId: Uuid,
  taskId: Uuid,
  taskTitle: Type.String(),
  completedOn: LocalDate,
  costCents: Nullable(Cents),
  notes: Nullable(Type.String()),
  contractorId: Nullable(Uuid),
  contractorName: Nullable(Type.String()),
});

export const ServiceHistory = Type.Object({
  items: Type.Array(ServiceEntry, {
    description: "Completions of the appliance's tasks, newest first (at most 200)",
  }),
  serviceCount: Type.Integer({ description: "How many completions in all" }),
  totalCostCents: Cents,
});

export const SuggestedTask = Type.Object({
  templateId: Uuid,
  slug: Type.String(),
  title: Type.String({ description: "The template's title followed by the appliance's name" }),
  category: Type.String(),
  recurrenceText: Type.String(),
  firstDueOn: Nullable(LocalDate),
  alreadyLinked: Type.Boolean({
    description: "A task from this template is already linked to this appliance",
  }),
});

export const SuggestedTasks = Type.Object({ items: Type.Array(SuggestedTask) });

export const FromTemplatesBody = Type.Object(
  {
    templateIds: Type.Array(Uuid, {
      minItems: 1,
      maxItems: 20,
      uniqueItems: true,
      description: "Templates among the appliance's suggestions",
    }),
  },
  { additionalProperties: false },
);

export const ReplacementItem = Type.Object({
  applianceId: Uuid,
  residenceId: Uuid,
  name: Type.String(),
  kind: Kind,
  ageYears: Nullable(Type.Integer()),
  expectedLifespanYears: Nullable(Type.Integer()),
  endOfLifeOn: Nullable(Type.String({ format: "date" })),
  replacementCostCents: Nullable(Cents),
  currency: Type.String({
    pattern: "^[A-Z]{3}$",
    description: "The residence's currency (ISO 4217) of the cost",
  }),
  status: Type.Enum(["past_end_of_life", "nearing_end_of_life", "ok", "unknown"]),
});

export const CostTotal = Type.Object({
  currency: Type.String({ pattern: "^[A-Z]{3}$", description: "ISO 4217 currency code" }),
  costCents: Cents,
});

export const ReplacementPlan = Type.Object({
  items: Type.Array(ReplacementItem, {
    description: "Appliances past or within two years of their expected end of life, soonest first",
  }),
  totalCostCents: Cents,
  totals: Type.Array(CostTotal, {
    description: "The estimated cost per currency (one entry for a residence; none when nothing is planned)",
  }),
});

export const ResidenceRecall = Type.Object({
  applianceId: Uuid,
  applianceName: Type.String(),
  kind: Kind,
  brand: Nullable(Type.String()),
  model: Nullable(Type.String()),
  recall: Recall,
});

export const ResidenceRecalls = Type.Object({
  items: Type.Array(ResidenceRecall, {
    description: "Recalls matched to the residence's appliances, newest match first (at most 500)",
  }),
});

export const ResidenceParams = Type.Object({ residenceId: Uuid });
export const ApplianceParams = Type.Object({ applianceId: Uuid });
