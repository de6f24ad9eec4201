import { DOCUMENT_KINDS } from "@honeydue/db";
import Type from "typebox";
import { Cents, Cursor, Limit, LocalDate, Nullable, Page, Timestamp, Uuid } from "../http/schemas.ts";

export const Kind = Type.Enum(DOCUMENT_KINDS);

const Title = Type.String({ minLength: 1, maxLength: 300 });
const Notes = Type.String({ maxLength: 10_000 });
/** The document's file: an upload (POST /v1/uploads, purpose `document`) of this residence, attached by id. */
const FileIdPlaceholder = Type.Union([Uuid, Type.Null()], {
  description: "An upload with purpose `document` of this residence; null removes the file (it is deleted)",
});

export const DocumentBody = Type.Object(
  {
    title: Title,
    kind: Type.Optional(Kind),
    purchaseOn: Type.Optional(Nullable(LocalDate)),
    expiresOn: Type.Optional(Nullable(LocalDate)),
    amountCents: Type.Optional(Nullable(Cents)),
    notes: Type.Optional(Nullable(Notes)),
    taskId: Type.Optional(Nullable(Uuid)),
    contractorId: Type.Optional(Nullable(Uuid)),
    fileId: Type.Optional(FileIdPlaceholder),
  },
  { additionalProperties: false },
);

/** The same fields, each optional: a PATCH changes only what it names. */
export const DocumentPatch = Type.Partial(DocumentBody, { additionalProperties: false });

const Ref = Type.Object({ id: Uuid, name: Type.String() });

export const Document = Type.Object({
  id: Uuid,
  residenceId: Uuid,
  title: Type.String(),
  kind: Kind,
  fileId: Nullable(Uuid),
  purchaseOn: Nullable(LocalDate),
  expiresOn: Nullable(LocalDate),
  amountCents: Nullable(Cents),
  notes: Nullable(Type.String()),
  taskId: Nullable(Uuid),
  task: Nullable(Type.Object({ id: Uuid, title: Type.String() })),
  contractorId: Nullable(Uuid),
  contractor: Nullable(Ref),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const DocumentPage = Page(Document);

export const DocumentListQuery = Type.Object({
  kind: Type.Optional(Kind),
  expiringWithinDays: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 3650,
      description:
        "Only documents whose expiry date is between today (in the residence's timezone) and today + N days, soonest first",
    }),
  ),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Matches title or notes" })),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});

export const ResidenceParams = Type.Object({ residenceId: Uuid });
export const DocumentParams = Type.Object({ documentId: Uuid });
