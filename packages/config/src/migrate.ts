import { resolve } from "node:path";
import Type from "typebox";
import { commonSettingsSchema } from "./common.ts";
import { parseEnv } from "./env.ts";

/** The migrate role (`npm run migrate`, the deploy's migrate Job) needs only the database. */
export const migrateSettingsSchema = Type.Object({
  NODE_ENV: commonSettingsSchema.properties.NODE_ENV,
  DATA_DIR: commonSettingsSchema.properties.DATA_DIR,
  DATABASE_URL: commonSettingsSchema.properties.DATABASE_URL,
});

export interface MigrateSettings {
  env: "development" | "production" | "test";
  dataDir: string;
  databaseUrl: string | undefined;
}

export function loadMigrateSettings(env: NodeJS.ProcessEnv = process.env): MigrateSettings {
  const parsed = parseEnv(migrateSettingsSchema, env);
  return { env: parsed.NODE_ENV, dataDir: resolve(parsed.DATA_DIR), databaseUrl: parsed.DATABASE_URL };
}
