import { HANDOVER_KEEP } from "@honeydue/db";
import Type from "typebox";
import { Nullable, Timestamp, Uuid } from "../http/schemas.ts";

export const Keep = Type.Array(Type.Enum([...HANDOVER_KEEP]), {
  maxItems: HANDOVER_KEEP.length,
  description:
    "What the seller's household keeps a copy of, in a new residence of its own: tasks, log (the completions, " +
    "with dates, costs and notes), documents, contractors. Photos and files stay with the home.",
});

/** An offer, as the seller's owners and the addressee see it (handovers/actions.ts `toHandover`). */
export const Handover = Type.Object({
  id: Uuid,
  residenceId: Uuid,
  residenceName: Type.String(),
  address: Nullable(Type.String()),
  email: Type.String(),
  keep: Keep,
  message: Nullable(Type.String()),
  state: Type.Enum(["open", "expired", "accepted", "declined", "revoked"]),
  expiresAt: Timestamp,
  createdBy: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  createdAt: Timestamp,
  acceptedAt: Nullable(Timestamp),
});
