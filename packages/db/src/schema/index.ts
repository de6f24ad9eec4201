// One file per domain; each is mirrored by a committed SQL migration in packages/db/migrations.
export * from "./accounts.ts";
export * from "./admin.ts";
export * from "./appliances.ts";
export * from "./escalation.ts";
export * from "./files.ts";
export * from "./handover.ts";
export * from "./households.ts";
export * from "./meters.ts";
export * from "./notifications.ts";
