import Type from "typebox";
import { Email, Nullable, Timestamp, Uuid } from "../http/schemas.ts";
import { PASSWORD_MAX, PASSWORD_MIN } from "./passwords.ts";

export const NewPassword = Type.String({
  minLength: PASSWORD_MIN,
  maxLength: PASSWORD_MAX,
  description:
    "8 to 128 characters, used exactly as typed (no trimming); refused when among the 3,000 most common passwords",
});
/** A password being checked, not set: only its length is bounded. */
export const GivenPassword = Type.String({ minLength: 1, maxLength: PASSWORD_MAX });
export const OpaqueToken = Type.String({ minLength: 16, maxLength: 128, pattern: "^[A-Za-z0-9_-]+$" });
export const Timezone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: "IANA time zone, e.g. Europe/Berlin",
  examples: ["America/New_York"],
});
export const Locale = Type.String({
  minLength: 2,
  maxLength: 35,
  pattern: "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
  description: "BCP 47 language tag, e.g. en or pt-BR",
});
/** No control characters (PostgreSQL text cannot even hold NUL). */
const PRINTABLE = "^[^\\u0000-\\u001f\\u007f]*$";
export const DeviceName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: PRINTABLE,
  description: 'e.g. "Anna\'s iPhone"',
});
export const Name = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: PRINTABLE,
  description: "Display name",
});

export const NotificationPreferences = Type.Object({
  digestEnabled: Type.Boolean({ description: "Daily digest email on/off" }),
  digestHour: Type.Integer({ minimum: 0, maximum: 23, description: "Local hour (0-23) of the daily digest" }),
  pushEnabled: Type.Boolean({ description: "Push notifications on/off" }),
});

export const User = Type.Object(
  {
    id: Uuid,
    email: Type.String(),
    name: Type.String(),
    emailVerified: Type.Boolean(),
    timezone: Type.String(),
    locale: Type.String(),
    dueSoonDays: Type.Integer({ description: "How many days ahead a task counts as due soon" }),
    notifications: NotificationPreferences,
    avatarFileId: Nullable(Uuid),
    createdAt: Timestamp,
  },
  { $id: "User" },
);

export const TokenPair = Type.Object({
  accessToken: Type.String({ description: "Bearer token for API calls, valid `expiresIn` seconds" }),
  refreshToken: Type.String({
    description: "Opaque, single use: exchange it at /v1/auth/refresh for a new pair before it expires",
  }),
  expiresIn: Type.Integer({ description: "Seconds until the access token expires (at most 900)" }),
});

export const AuthResult = Type.Object({
  user: Type.Ref("User"),
  ...TokenPair.properties,
});

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: NewPassword,
    name: Name,
    timezone: Type.Optional(Timezone),
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  { email: Email, password: GivenPassword, deviceName: Type.Optional(DeviceName) },
  { additionalProperties: false },
);

export const RefreshBody = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);

// One object rather than a union: the validator strips unknown properties, which does not mix with anyOf.
export const VerifyEmailBody = Type.Object(
  {
    token: Type.Optional(
      Type.String({
        minLength: 16,
        maxLength: 128,
        pattern: "^[A-Za-z0-9_-]+$",
        description: "The token of the emailed link (no sign-in needed)",
      }),
    ),
    code: Type.Optional(
      Type.String({
        pattern: "^[0-9]{6}$",
        description: "The emailed 6-digit code: with `email`, or with a bearer token of the user to verify",
      }),
    ),
    email: Type.Optional(
      Type.String({
        format: "email",
        maxLength: 254,
        description: "The address the code was sent to (with `code`, when not signed in)",
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      "Exactly one of `token` (public) or `code`; a code goes with `email` (public) or a bearer token",
  },
);

export const VerifyEmailResult = Type.Object({ emailVerified: Type.Literal(true) });

export const Accepted = Type.Object({
  status: Type.Literal("accepted"),
  message: Type.String(),
});

export const ForgotPasswordBody = Type.Object({ email: Email }, { additionalProperties: false });
export const ResetPasswordBody = Type.Object(
  { token: OpaqueToken, password: NewPassword },
  { additionalProperties: false },
);
