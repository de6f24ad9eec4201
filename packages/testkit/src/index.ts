export * from "./accounts.ts";
export * from "./cpsc.ts";
export * from "./database.ts";
export * from "./net.ts";
export * from "./process.ts";
export * from "./redis.ts";
export * from "./servers.ts";
export * from "./smtp.ts";
