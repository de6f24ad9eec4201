export * from "./deliver.ts";
export * from "./load.ts";
export * from "./render.ts";
export * from "./template.ts";
export * from "./templates/index.ts";
export * from "./transport.ts";
export * from "./unsubscribe.ts";
