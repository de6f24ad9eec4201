export * from "./client.ts";
export * from "./migrate.ts";
export * from "./prepared.ts";
export * from "./raw.ts";
export * from "./schema/index.ts";
