import { ESCALATION_NOTIFY, MAX_ESCALATION_DAYS, MAX_ESCALATION_STEPS } from "@honeydue/domain";
import Type from "typebox";
import { Nullable, Timestamp, Uuid } from "../http/schemas.ts";

const Days = Nullable(
  Type.Integer({
    minimum: 1,
    maximum: MAX_ESCALATION_DAYS,
    description: "Days overdue before this step for tasks of this priority; null: not for this priority",
  }),
);

export const EscalationStep = Type.Object(
  {
    notify: Type.Enum([...ESCALATION_NOTIFY], {
      description:
        "assignee: remind the task's assignee again; owners: tell every owner (but the assignee); member: tell memberId",
    }),
    memberId: Type.Optional(Uuid),
    afterDays: Type.Object(
      { low: Days, normal: Days, high: Days, urgent: Days },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const EscalationPolicyBody = Type.Object(
  {
    enabled: Type.Boolean(),
    steps: Type.Array(EscalationStep, { maxItems: MAX_ESCALATION_STEPS }),
  },
  { additionalProperties: false },
);

export const EscalationPolicy = Type.Object({
  residenceId: Uuid,
  enabled: Type.Boolean(),
  steps: Type.Array(EscalationStep),
  updatedBy: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  updatedAt: Nullable(Timestamp),
});

export const ResidenceParams = Type.Object({ residenceId: Uuid });
