import { PROPERTY_TYPES, ROLES } from "@honeydue/db";
import Type from "typebox";
import { Nullable, Timestamp, Uuid } from "../http/schemas.ts";

export const RoleSchema = Type.Enum([...ROLES], {
  description:
    "owner: everything incl. members and deletion; member: tasks, contractors, documents; viewer: read-only",
});
export const PropertyTypeSchema = Type.Enum([...PROPERTY_TYPES]);
export const FloorAreaUnitSchema = Type.Enum(["sqft", "sqm"]);

export const ResidenceIdParams = Type.Object({ residenceId: Uuid });
export const MemberParams = Type.Object({ residenceId: Uuid, userId: Uuid });

const text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

/** The editable details of a residence. Every field but `name` may be null to clear it. */
const residenceFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  addressLine1: Nullable(text(200)),
  addressLine2: Nullable(text(200)),
  city: Nullable(text(100)),
  region: Nullable(text(100)),
  postalCode: Nullable(text(20)),
  country: Nullable(
    Type.String({ pattern: "^[A-Z]{2}$", description: "ISO 3166-1 alpha-2 country code, e.g. US" }),
  ),
  propertyType: PropertyTypeSchema,
  yearBuilt: Nullable(Type.Integer({ minimum: 1000, maximum: 2100 })),
  floorArea: Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 99_999_999 })),
  floorAreaUnit: FloorAreaUnitSchema,
  timezone: Type.String({
    minLength: 1,
    maxLength: 64,
    description: "IANA time zone, e.g. America/Los_Angeles; due dates are computed in it",
  }),
  currency: Type.String({ pattern: "^[A-Z]{3}$", description: "ISO 4217 currency code of costs, e.g. USD" }),
};

/** Every editable field as optional: a PATCH changes only what it names. */
const optionalResidenceFields = Type.Partial(Type.Object(residenceFields)).properties;

export const CreateResidenceBody = Type.Object(
  {
    ...optionalResidenceFields,
    name: residenceFields.name,
    timezone: Type.Optional({
      ...residenceFields.timezone,
      description: "IANA time zone; defaults to the creator's time zone",
    }),
  },
  { additionalProperties: false },
);

export const UpdateResidenceBody = Type.Object(
  {
    ...optionalResidenceFields,
    photoFileId: Type.Optional(
      Type.Union([Uuid, Type.Null()], {
        description: "An upload with purpose `residence_photo` of this residence; null removes the photo",
      }),
    ),
  },
  { additionalProperties: false },
);

export const ResidenceSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  addressLine1: Nullable(Type.String()),
  addressLine2: Nullable(Type.String()),
  city: Nullable(Type.String()),
  region: Nullable(Type.String()),
  postalCode: Nullable(Type.String()),
  country: Nullable(Type.String()),
  propertyType: PropertyTypeSchema,
  yearBuilt: Nullable(Type.Integer()),
  floorArea: Nullable(Type.Number()),
  floorAreaUnit: FloorAreaUnitSchema,
  photoFileId: Nullable(Uuid),
  timezone: Type.String(),
  currency: Type.String(),
  role: { ...RoleSchema, description: "The caller's role in this residence" },
  memberCount: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const MemberSchema = Type.Object({
  userId: Uuid,
  residenceId: Uuid,
  name: Type.String(),
  email: Type.String(),
  avatarFileId: Nullable({ ...Uuid, description: "The member's avatar: GET /v1/files/{fileId}" }),
  role: RoleSchema,
  joinedAt: Timestamp,
});

export const UpdateMemberBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });

export const ActivitySchema = Type.Object({
  id: Type.String({ description: "Entries are ordered by id, newest first" }),
  action: Type.String({ description: "e.g. residence.updated, member.joined, task.completed" }),
  subjectType: Type.String(),
  subjectId: Nullable(Uuid),
  data: Type.Record(Type.String(), Type.Unknown()),
  actor: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  createdAt: Timestamp,
});
