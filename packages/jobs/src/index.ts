// The package's entry: the runtime (registry, outbox, relay, runners, schedules, the queues' contract) and
// what the apps call of the groups. The handlers are composed in handlers.ts (`@honeydue/jobs/handlers`);
// the BullMQ runtime (connections, queues, workers) is `@honeydue/jobs/queues`, the worker's alone.
export * from "./jobs/push/notify.ts";
export { runDigestTick } from "./jobs/reminders/digest.ts";
export * from "./runtime/embedded-runner.ts";
export * from "./runtime/embedded-schedules.ts";
export * from "./runtime/outbox.ts";
export * from "./runtime/outbox-failures.ts";
export * from "./runtime/queue-contract.ts";
export * from "./runtime/reconciler.ts";
export * from "./runtime/registry.ts";
export * from "./runtime/relay.ts";
export * from "./runtime/timeout.ts";
