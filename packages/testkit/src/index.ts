export * from "./database.ts";
export * from "./net.ts";
export * from "./redis.ts";
export * from "./smtp.ts";
