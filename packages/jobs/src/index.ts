// The package's entry: the runtime (registry, outbox, relay, queues, runners, schedules) and what the apps
// call of the groups. The handlers are composed in handlers.ts (`@honeydue/jobs/handlers`).
export * from "./jobs/push/notify.ts";
export { runDigestTick } from "./jobs/reminders/digest.ts";
export * from "./runtime/embedded-runner.ts";
export * from "./runtime/embedded-schedules.ts";
export * from "./runtime/outbox.ts";
export * from "./runtime/outbox-failures.ts";
export * from "./runtime/queues.ts";
export * from "./runtime/reconciler.ts";
export * from "./runtime/registry.ts";
export * from "./runtime/relay.ts";
export * from "./runtime/timeout.ts";
