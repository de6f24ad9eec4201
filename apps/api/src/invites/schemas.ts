import Type from "typebox";
import { Email, Nullable, Timestamp, Uuid } from "../http/schemas.ts";
import { RoleSchema } from "../residences/schemas.ts";

export const CreateInviteBody = Type.Object(
  {
    email: Email,
    role: Type.Optional({ ...RoleSchema, default: "member" }),
  },
  { additionalProperties: false },
);

export const InviteSchema = Type.Object({
  id: Uuid,
  email: Type.String(),
  role: RoleSchema,
  invitedBy: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  expiresAt: Timestamp,
  createdAt: Timestamp,
});

export const InviteParams = Type.Object({ residenceId: Uuid, inviteId: Uuid });

export const InviteTokenParams = Type.Object({
  token: Type.String({
    minLength: 1,
    maxLength: 128,
    description: "The secret token from the invitation link",
  }),
});

/** What the "accept invite" page shows before the invitee signs in. */
export const InvitePreviewSchema = Type.Object({
  residenceName: Type.String(),
  inviterName: Nullable(Type.String()),
  email: Type.String(),
  role: RoleSchema,
  expiresAt: Timestamp,
});

export const ShareCodeRole = Type.Enum(["member", "viewer"]);

export const CreateShareCodeBody = Type.Object(
  { role: Type.Optional({ ...ShareCodeRole, default: "member" }) },
  { additionalProperties: false },
);

export const ShareCodeSchema = Type.Object({
  code: Type.String({ description: "8 characters from an alphabet without look-alikes (no 0/O, 1/I/L)" }),
  role: ShareCodeRole,
  expiresAt: Timestamp,
  createdAt: Timestamp,
});

export const ShareCodeParams = Type.Object({
  code: Type.String({
    minLength: 1,
    maxLength: 32,
    description: "The share code; case, spaces and dashes do not matter",
  }),
});
