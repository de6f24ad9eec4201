export * from "./client.ts";
export * from "./migrate.ts";
export * from "./raw.ts";
export * from "./schema/index.ts";
