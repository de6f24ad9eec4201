import assert from "node:assert/strict";
import { test } from "node:test";
import Type from "typebox";
import { Nullable, Page } from "../src/http/schemas.ts";
import { withNullableTypes } from "../src/http/serialization-schema.ts";
import { serializerFactory } from "../src/http/validation.ts";
import { Task } from "../src/tasks/schemas.ts";

type Serialize = (data: unknown) => string;
const serializerFor = (schema: unknown) =>
  (serializerFactory({ compileOnFirstUse: false })({}, {}) as (route: unknown) => Serialize)({
    schema,
    method: "GET",
    url: "/test",
    httpStatus: "200",
  });

const base = {
  id: "0b1c2d3e-4f5a-4b6c-9d7e-1f2a3b4c5d6e",
  residenceId: "1b1c2d3e-4f5a-4b6c-9d7e-1f2a3b4c5d6e",
  title: 'Replace the furnace filter "now" ✓',
  notes: null,
  category: "hvac",
  priority: "normal",
  state: "overdue",
  dueOn: null,
  scheduledOn: null,
  recurrence: null,
  recurrenceText: "Does not repeat",
  usage: null,
  assigneeId: null,
  assignee: null,
  estimatedCostCents: null,
  contractorId: null,
  contractor: null,
  templateId: null,
  lastCompletedOn: null,
  completedAt: null,
  archivedAt: null,
  createdBy: null,
  createdAt: "2026-12-01T10:48:03.123Z",
  updatedAt: "2026-12-01T10:48:03.123Z",
};
const full = {
  ...base,
  notes: "Size 16x25x1",
  dueOn: "2026-12-01",
  scheduledOn: "2026-11-30",
  recurrence: { kind: "usage", interval: 90, unit: "day", meterId: base.id, every: 300 },
  recurrenceText: "Every 300 hours or 90 days",
  usage: {
    meterId: base.id,
    meterName: "Furnace hours",
    unit: "hours",
    used: 120.5,
    remaining: 179.5,
    dueBy: "usage",
    usageDueOn: "2027-01-02",
    intervalDueOn: null,
    rate: { perDay: 4.25, from: "2026-10-01", to: "2026-11-29", readings: 3 },
    latestReadingOn: "2026-11-29",
    basis: "at 4.3 hours a day",
  },
  assigneeId: base.id,
  assignee: { id: base.id, name: "Sam" },
  estimatedCostCents: 12_345,
  contractorId: base.id,
  contractor: { id: base.id, name: "Pat" },
  templateId: base.id,
  lastCompletedOn: "2026-09-01",
  completedAt: "2026-12-01T10:48:03.000Z",
  archivedAt: "2026-12-01T10:48:03.999Z",
  createdBy: base.id,
};

test("nullable fields reach the serializer as type arrays, not anyOf branches it validates per value", () => {
  const rewritten = JSON.stringify(withNullableTypes(Task));
  for (const field of [
    "notes",
    "dueOn",
    "assigneeId",
    "estimatedCostCents",
    "completedAt",
    "usage",
    "assignee",
  ]) {
    const schema = (
      withNullableTypes(Task) as { properties: Record<string, { type?: unknown; anyOf?: unknown }> }
    ).properties[field]!;
    assert.ok(
      Array.isArray(schema.type) && schema.anyOf === undefined,
      `${field}: ${JSON.stringify(schema)}`,
    );
  }
  assert.ok(rewritten.includes('"format":"date"'), "formats and patterns are kept");
  // What the route declares is not changed (validation and OpenAPI read it).
  assert.ok(JSON.stringify(Task).includes('"anyOf"'));
  // A union of two non-null types, or an enum or null, is left to the serializer as declared.
  const union = Type.Union([Type.String(), Type.Integer()]);
  assert.deepEqual(withNullableTypes(union), JSON.parse(JSON.stringify(union)));
  const enumOrNull = Nullable(Type.Enum(["a", "b"]));
  assert.ok("anyOf" in (withNullableTypes(enumOrNull) as object));
});

test("the serializer writes exactly what JSON.stringify writes, nulls and values alike", () => {
  const serialize = serializerFor(Page(Task));
  for (const page of [
    { items: [base, full], nextCursor: null },
    { items: [full], nextCursor: "abc" },
    { items: [], nextCursor: null },
  ]) {
    const got = serialize(page);
    const want = JSON.stringify(page);
    assert.equal(got, want);
  }
  // Dates still serialise as the ISO strings of the declared date-time format.
  const withDate = {
    items: [{ ...full, createdAt: new Date("2026-12-01T10:48:03.123Z") }],
    nextCursor: null,
  };
  assert.equal(JSON.parse(serialize(withDate)).items[0].createdAt, "2026-12-01T10:48:03.123Z");
});
