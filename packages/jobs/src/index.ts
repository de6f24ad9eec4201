export * from "./embedded-runner.ts";
export * from "./outbox.ts";
export * from "./registry.ts";
