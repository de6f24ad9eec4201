import { TASK_CATEGORIES } from "@honeydue/db";
import Type from "typebox";
import { Cents, Cursor, Email, Limit, LocalDate, Nullable, Page, Timestamp, Uuid } from "../http/schemas.ts";

const Trade = Type.Enum(TASK_CATEGORIES, { description: "A task category this contractor works in" });

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Phone = Type.String({
  minLength: 3,
  maxLength: 40,
  pattern: "^\\+?[0-9][0-9 ().\\-/]*( ?(x|ext\\.?) ?[0-9]{1,6})?$",
  description: "Digits with optional +, spaces, dots, dashes, brackets and an extension (x123)",
});
const Website = Type.String({
  minLength: 4,
  maxLength: 500,
  description: "An http(s) URL; a bare host such as acme.example is stored as https://acme.example",
});
const Notes = Type.String({ maxLength: 10_000 });
/**
 * A nullable 1–5 as one schema with a type list: as a union, Ajv's type coercion would turn a 0 into null
 * through the null branch instead of refusing it.
 */
const NullableRating = Type.Unsafe<number | null>({ type: ["integer", "null"], minimum: 1, maximum: 5 });

export const ContractorBody = Type.Object(
  {
    name: Name,
    company: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    trades: Type.Optional(Type.Array(Trade, { maxItems: TASK_CATEGORIES.length, uniqueItems: true })),
    phone: Type.Optional(Nullable(Phone)),
    email: Type.Optional(Nullable(Email)),
    website: Type.Optional(Nullable(Website)),
    notes: Type.Optional(Nullable(Notes)),
    rating: Type.Optional(NullableRating),
    favorite: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** The same fields, each optional: a PATCH changes only what it names. */
export const ContractorPatch = Type.Partial(ContractorBody, { additionalProperties: false });

export const Contractor = Type.Object({
  id: Uuid,
  residenceId: Uuid,
  name: Type.String(),
  company: Nullable(Type.String()),
  trades: Type.Array(Type.String()),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  website: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  rating: Nullable(Type.Integer()),
  favorite: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const ContractorJob = Type.Object({
  completionId: Uuid,
  taskId: Uuid,
  taskTitle: Type.String(),
  completedOn: LocalDate,
  costCents: Nullable(Cents),
  notes: Nullable(Type.String()),
});

export const ContractorDetail = Type.Object({
  ...Contractor.properties,
  jobs: Type.Array(ContractorJob, {
    description: "The jobs this contractor did for the residence, newest first (at most 100)",
  }),
  jobCount: Type.Integer({ description: "How many jobs in all" }),
  totalCostCents: Cents,
});

export const ContractorJobs = Type.Object({
  items: Type.Array(ContractorJob, { description: "Newest first (at most 100)" }),
  jobCount: Type.Integer({ description: "How many jobs in all" }),
  totalCostCents: Cents,
});

export const ContractorPage = Page(Contractor);

export const ContractorListQuery = Type.Object({
  trade: Type.Optional(Trade),
  favorite: Type.Optional(Type.Boolean()),
  q: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: "Matches name, company, email or notes" }),
  ),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});

export const ResidenceParams = Type.Object({ residenceId: Uuid });
export const ContractorParams = Type.Object({ contractorId: Uuid });
