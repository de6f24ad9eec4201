export * from "./database.ts";
export * from "./process.ts";
export * from "./redis.ts";
export * from "./smtp.ts";
