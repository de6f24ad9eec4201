import Type, { type Static } from "typebox";
import { Appliance, ReplacementPlan } from "../appliances/schemas.ts";
import { Contractor } from "../contractors/schemas.ts";
import { Device } from "../devices/routes.ts";
import { Document } from "../documents/schemas.ts";
import { FileSchema } from "../files/schemas.ts";
import { HandoffLink } from "../handoff/schemas.ts";
import { Handover } from "../handovers/schemas.ts";
import { Nullable, Timestamp, Uuid } from "../http/schemas.ts";
import { Meter, Reading } from "../meters/schemas.ts";
import { Notification } from "../notifications/presenter.ts";
import { ReportLink } from "../reports/presenter.ts";
import { ActivitySchema, MemberSchema, ResidenceSchema } from "../residences/schemas.ts";
import { Completion, Task } from "../tasks/schemas.ts";
import { Session } from "./schemas.ts";

/**
 * The JSON export's schema, made of the schemas the resource routes answer with: each record in the export
 * is what its own GET answers (and is serialised through the same schema), so a field added to a presenter
 * and its schema reaches the export with no change here. Only what the export adds is declared below.
 */

export const EXPORT_VERSION = 2;

/** A member as in the member list, without the email address: other people's addresses are theirs. */
const { email: _email, ...memberFields } = MemberSchema.properties;
const ExportedMember = Type.Object(memberFields);

const ExportedMeter = Type.Object({
  ...Meter.properties,
  readings: Type.Array(Reading, { description: "Every reading of the meter, oldest first" }),
});

const ExportedResidence = Type.Object({
  ...ResidenceSchema.properties,
  members: Type.Array(ExportedMember),
  tasks: Type.Array(Task),
  completions: Type.Array(Completion, { description: "By completion date, then by when it was logged" }),
  contractors: Type.Array(Contractor),
  documents: Type.Array(Document),
  appliances: Type.Array(Appliance),
  meters: Type.Array(ExportedMeter),
  handoffLinks: Type.Array(HandoffLink, {
    description:
      "Contractor hand-off links, newest first, with what was sent through them and the decision (never the link's secret)",
  }),
  replacementPlan: ReplacementPlan,
  reportLinks: Type.Array(ReportLink, {
    description: "The home history report's share links (never their token)",
  }),
  handovers: Type.Array(Handover, {
    description:
      "Offers to hand the residence over, newest first: in an owner's export only, as the owners' list",
  }),
});

const ExportedSession = Type.Object({
  ...Session.properties,
  revokedAt: Nullable(Timestamp),
  revokedReason: Nullable(Type.String()),
});

const ExportedActivity = Type.Object({
  ...ActivitySchema.properties,
  residenceId: Uuid,
});

/** A calendar feed, without its secret URL. */
const ExportedCalendarFeed = Type.Object({
  id: Uuid,
  createdAt: Timestamp,
  revokedAt: Nullable(Timestamp),
});

const ExportedEmail = Type.Object({
  template: Type.String(),
  subject: Type.String(),
  toAddress: Type.String(),
  status: Type.Enum(["sending", "sent", "failed", "skipped"]),
  createdAt: Timestamp,
  sentAt: Nullable(Timestamp),
});

const ExportedFile = Type.Object({
  ...FileSchema.properties,
  sha256: Nullable(Type.String({ description: "Hex SHA-256 of the stored bytes" })),
  uploadedByMe: Type.Boolean(),
});

export const ExportDocument = Type.Object(
  {
    format: Type.Literal("honeydue-export"),
    version: Type.Literal(EXPORT_VERSION),
    exportedAt: Timestamp,
    profile: Type.Ref("User"),
    residences: Type.Array(ExportedResidence, {
      description:
        "Every residence I belong to as its GET answers it, with its members (no email addresses), tasks, completions, contractors, documents, appliances, meters, contractor hand-off links, replacement plan, report share links and (owners) hand-over offers",
    }),
    sessions: Type.Array(ExportedSession, { description: "Every session, ended ones too" }),
    activity: Type.Array(ExportedActivity, { description: "What I did, oldest first" }),
    devices: Type.Array(Device, { description: "Push devices, without their push tokens" }),
    notifications: Type.Array(Notification),
    calendarFeeds: Type.Array(ExportedCalendarFeed),
    emails: Type.Array(ExportedEmail, { description: "The emails sent to me" }),
    files: Type.Array(ExportedFile, {
      description: "Files of my residences and my avatar: metadata and `url` to download each with my token",
    }),
  },
  { description: "application/json attachment" },
);
export type ExportDocument = Static<typeof ExportDocument>;
