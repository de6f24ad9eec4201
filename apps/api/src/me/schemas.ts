import Type from "typebox";
import { Locale, Name, Timezone } from "../accounts/schemas.ts";
import { Nullable, Timestamp, Uuid } from "../http/schemas.ts";

export const UpdateMeBody = Type.Object(
  {
    name: Type.Optional(Name),
    timezone: Type.Optional(Timezone),
    locale: Type.Optional(Locale),
    dueSoonDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 60, description: "How many days ahead a task counts as due soon" }),
    ),
    notifications: Type.Optional(
      Type.Object(
        {
          digestEnabled: Type.Optional(Type.Boolean()),
          digestHour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23 })),
          pushEnabled: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: "Only the fields given change" },
);

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.String({
      minLength: 8,
      maxLength: 128,
      description: "8 to 128 characters as typed; not among the 3,000 most common passwords",
    }),
  },
  { additionalProperties: false },
);

export const Session = Type.Object({
  id: Uuid,
  deviceName: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  createdAt: Timestamp,
  lastUsedAt: Timestamp,
  expiresAt: Nullable(Timestamp),
  current: Type.Boolean({ description: "True for the session of the access token making this request" }),
});

export const SessionList = Type.Object({ items: Type.Array(Session) });
export const SessionParams = Type.Object({ sessionId: Uuid });
