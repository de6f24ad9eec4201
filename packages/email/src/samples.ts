import { deriveKeyRing } from "@honeydue/config";
import type { TEMPLATES } from "./templates/index.ts";
import { unsubscribeUrl } from "./unsubscribe.ts";

const USER = "5f8a2c1e-3b7d-4e9a-8c6f-1d2e3f4a5b6c";
const unsubscribe = unsubscribeUrl(
  "https://api.honeydue.example",
  deriveKeyRing({ current: "preview-secret-preview-secret-0000" })["unsubscribe-link"],
  USER,
);

/** Example data of each template, for previews and for the test that renders them all. */
const SAMPLES = {
  "verify-email": { name: "Dana", code: "482913", token: "sample-verification-token" },
  "reset-password": { name: "Dana", token: "sample-reset-token" },
  "password-changed": { name: "Dana" },
  "registration-attempt": { name: "Dana" },
  invite: {
    inviterName: "Sam",
    residenceName: "Maple Street House",
    role: "member",
    expiresOn: "2026-12-05",
    token: "sample-invite-token",
  },
  "handover-offered": {
    sellerName: "Sam",
    residenceName: "Maple Street House",
    expiresOn: "December 31, 2026",
    message: "The boiler manual is in the cellar.",
  },
  "task-escalation": {
    name: "Dana",
    taskTitle: "Replace smoke alarm batteries",
    residenceName: "Maple Street House",
    dueOn: "2026-11-23",
    daysOverdue: 5,
    assigneeName: "Sam",
    toAssignee: false,
    residenceId: "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
    taskId: "0b1c2d3e-4f5a-4b6c-9d7e-1f2a3b4c5d6e",
    unsubscribeUrl: unsubscribe,
  },
  "handoff-proposed": {
    name: "Dana",
    who: "Pat Fixit, Fixit Heating",
    amount: "$185.00",
    taskId: "0b1c2d3e-4f5a-4b6c-9d7e-1f2a3b4c5d6e",
    taskTitle: "Service the boiler",
    residenceName: "Maple Street House",
    unsubscribeUrl: unsubscribe,
  },
  "daily-digest": {
    name: "Dana",
    date: "2026-11-28",
    overdueCount: 2,
    todayCount: 1,
    soonCount: 3,
    overdue:
      "Clean gutters (Maple Street House) — due 2026-11-20\nTest smoke alarms (Cabin) — due 2026-11-25",
    today: "Replace HVAC filter (Maple Street House)",
    soon: "Flush water heater (Maple Street House) — due 2026-11-30\nWinterize sprinklers (Cabin) — due 2026-12-01\nSweep chimney <& co> (Cabin) — due 2026-12-03",
    unsubscribeUrl: unsubscribe,
  },
  "warranty-expiring": {
    name: "Dana",
    documentTitle: "Dishwasher warranty",
    residenceName: "Maple Street House",
    expiresOn: "2026-12-28",
    daysLeft: 30,
    residenceId: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
    documentId: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    unsubscribeUrl: unsubscribe,
  },
  "appliance-recall": {
    name: "Dana",
    applianceName: "Kitchen dishwasher",
    residenceName: "Maple Street House",
    recallTitle: "Whirlpool Recalls Dishwashers Due to Fire Hazard",
    remedy: "Stop using the dishwasher and contact Whirlpool for a free repair.",
    recallUrl: "https://www.cpsc.gov/Recalls/2026/Whirlpool-Recalls-Dishwashers-Due-to-Fire-Hazard",
    recalledOn: "2026-11-19",
    residenceId: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
    applianceId: "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a",
    unsubscribeUrl: unsubscribe,
  },
} satisfies Record<keyof typeof TEMPLATES, Record<string, unknown>>;

/** Example data for every template (a template without one does not compile), looked up by name. */
export const EMAIL_SAMPLES: Record<string, Record<string, unknown>> = SAMPLES;
