export * from "./appliances.ts";
export * from "./dates.ts";
export * from "./due-state.ts";
export * from "./escalation.ts";
export * from "./recurrence.ts";
export * from "./templates-catalog.ts";
export * from "./usage.ts";
