import { MAX_METER_VALUE, METER_UNITS, READING_KINDS } from "@honeydue/domain";
import Type from "typebox";
import { LocalDate, Nullable, Timestamp, Uuid } from "../http/schemas.ts";

const Name = Type.String({ minLength: 1, maxLength: 200, pattern: "^[^\\u0000]*$" });
const Value = Type.Number({
  minimum: 0,
  maximum: MAX_METER_VALUE,
  multipleOf: 0.01,
  description: "What the meter shows, with at most two decimals",
});
/** A date a client sends: a real calendar date in the years 1900–2199. */
const InputDate = Type.String({
  pattern: "^(19|20|21)\\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$",
  format: "date",
  description: "Default: today in the residence",
});

export const MeterUnit = Type.Enum(METER_UNITS);
export const ReadingKind = Type.Enum(READING_KINDS, {
  description:
    "reading: the meter went up (or stayed); reset: the meter was set back (e.g. a trip counter); replaced: a new meter. A reset or replacement may go down and adds no use",
});

export const MeterBody = Type.Object(
  {
    name: Name,
    unit: MeterUnit,
    applianceId: Type.Optional(Nullable(Uuid)),
    contractorId: Type.Optional(Nullable(Uuid)),
    documentId: Type.Optional(Nullable(Uuid)),
    initialReading: Type.Optional(Value),
  },
  { additionalProperties: false },
);

export const MeterPatch = Type.Object(
  {
    name: Type.Optional(Name),
    applianceId: Type.Optional(Nullable(Uuid)),
    contractorId: Type.Optional(Nullable(Uuid)),
    documentId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false, description: "Only the fields given change (the unit cannot)" },
);

export const ReadingBody = Type.Object(
  {
    value: Value,
    readOn: Type.Optional(InputDate),
    kind: Type.Optional(ReadingKind),
    note: Type.Optional(Nullable(Type.String({ maxLength: 1000, pattern: "^[^\\u0000]*$" }))),
  },
  { additionalProperties: false },
);

export const Reading = Type.Object({
  id: Uuid,
  meterId: Uuid,
  readOn: LocalDate,
  value: Type.Number(),
  total: Type.Number({ description: "Use counted since the meter was added (keeps going up across resets)" }),
  kind: ReadingKind,
  note: Nullable(Type.String()),
  completionId: Nullable(Uuid),
  recordedBy: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  createdAt: Timestamp,
});

export const Meter = Type.Object({
  id: Uuid,
  residenceId: Uuid,
  name: Type.String(),
  unit: MeterUnit,
  applianceId: Nullable(Uuid),
  contractorId: Nullable(Uuid),
  documentId: Nullable(Uuid),
  latestReading: Nullable(Reading),
  rate: Nullable(
    Type.Object({
      perDay: Type.Number({ description: "Units a day, from the readings between `from` and `to`" }),
      from: LocalDate,
      to: LocalDate,
      readings: Type.Integer(),
    }),
  ),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const MeterList = Type.Object({ items: Type.Array(Meter) });
export const ReadingList = Type.Object({ items: Type.Array(Reading) });
export const ReadingCreated = Type.Object({
  reading: Reading,
  meter: Meter,
  reprojectedTaskIds: Type.Array(Uuid, {
    description: "The usage tasks of this meter whose due date was projected again",
  }),
});

export const ResidenceParams = Type.Object({ residenceId: Uuid });
export const MeterParams = Type.Object({ meterId: Uuid });
