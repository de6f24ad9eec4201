import Type from "typebox";
import { Cents, Email, LocalDate, Nullable, Timestamp, Uuid } from "../http/schemas.ts";
import { Completion } from "../tasks/schemas.ts";

export const HANDOFF_DEFAULT_DAYS = 14;
export const HANDOFF_MAX_DAYS = 60;

export const HandoffTokenParams = Type.Object({
  token: Type.String({ minLength: 20, maxLength: 100, description: "The secret of the hand-off link" }),
});
export const HandoffLinkParams = Type.Object({ handoffLinkId: Uuid });

export const HandoffState = Type.Enum(["open", "expired", "revoked", "proposed", "accepted", "rejected"], {
  description:
    "open: waiting for the contractor; proposed: the contractor marked the work done and a member decides; " +
    "accepted/rejected: decided; expired/revoked: the link stopped working before anything was sent",
});

const Person = Type.Object({ id: Uuid, name: Type.String() });

export const HandoffSubmission = Type.Object({
  submittedAt: Timestamp,
  contractorName: Type.String(),
  contractorCompany: Nullable(Type.String()),
  contractorEmail: Nullable(Type.String()),
  contractorPhone: Nullable(Type.String()),
  completedOn: LocalDate,
  amountCents: Nullable(Type.Integer()),
  note: Nullable(Type.String()),
  invoiceFileId: Nullable(Uuid),
  photoIds: Type.Array(Uuid),
});

export const HandoffLink = Type.Object({
  id: Uuid,
  residenceId: Uuid,
  taskId: Uuid,
  taskTitle: Type.String(),
  contractorId: Nullable(Uuid),
  showAddress: Type.Boolean(),
  state: HandoffState,
  expiresAt: Timestamp,
  revokedAt: Nullable(Timestamp),
  createdBy: Nullable(Person),
  createdAt: Timestamp,
  submission: Nullable(HandoffSubmission),
  decision: Nullable(
    Type.Object({
      decision: Type.Enum(["accepted", "rejected"]),
      decidedAt: Timestamp,
      decidedBy: Nullable(Person),
      reason: Nullable(Type.String()),
      completionId: Nullable(Uuid),
      invoiceDocumentId: Nullable(Uuid),
    }),
  ),
});

export const HandoffLinkCreated = Type.Object({
  ...HandoffLink.properties,
  token: Type.String({ description: "The link's secret: shown once, stored only as a hash" }),
  url: Type.String({ description: "The page to send the contractor (PUBLIC_WEB_URL/handoff/{token})" }),
});

export const CreateHandoffBody = Type.Object(
  {
    showAddress: Type.Optional(
      Type.Boolean({ description: "Show the residence's address line to the contractor (default false)" }),
    ),
    expiresInDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: HANDOFF_MAX_DAYS, default: HANDOFF_DEFAULT_DAYS }),
    ),
    contractorId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);

export const AcceptHandoffBody = Type.Object(
  {
    contractorId: Type.Optional(
      Nullable(
        Type.String({
          format: "uuid",
          description:
            "The contractor of the completion; default the link's, else a new contractor made from what the contractor entered",
        }),
      ),
    ),
  },
  { additionalProperties: false },
);
export const RejectHandoffBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export const HandoffAccepted = Type.Object({ link: HandoffLink, completion: Completion });

export const HandoffLinkList = Type.Object({ items: Type.Array(HandoffLink) });
export const HandoffListQuery = Type.Object(
  { state: Type.Optional(HandoffState) },
  { additionalProperties: false },
);

// What the contractor sees: that task alone.
export const ContractorFile = Type.Object({
  id: Uuid,
  kind: Type.Enum(["invoice", "photo"]),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  filename: Nullable(Type.String()),
});
export const ContractorView = Type.Object({
  task: Type.Object({ title: Type.String(), notes: Nullable(Type.String()) }),
  address: Nullable(Type.String({ description: "Only when the member chose to show it" })),
  currency: Type.String({ description: "The currency of the amount (ISO 4217), the household's" }),
  state: Type.Enum(["open", "submitted"]),
  expiresAt: Timestamp,
  files: Type.Array(ContractorFile),
  maxPhotos: Type.Integer(),
});

export const SubmitHandoffBody = Type.Object(
  {
    contractorName: Type.String({ minLength: 1, maxLength: 200 }),
    company: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Email),
    phone: Type.Optional(Type.String({ maxLength: 50 })),
    completedOn: Type.Optional(LocalDate),
    amountCents: Type.Optional(Cents),
    note: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
