export { type AdminPanelSettings, adminPanelSettingsSchema, loadAdminPanelSettings } from "./admin-panel.ts";
export { type ApiSettings, apiSettingsSchema, loadApiSettings } from "./api.ts";
export { type CommonSettings, commonSettingsSchema, toCommonSettings } from "./common.ts";
export { Bool, parseEnv, SettingsError, settingsOrExit, Url } from "./env.ts";
export {
  type AuthSecrets,
  deriveKeyRing,
  derivePurposeKey,
  KEY_PURPOSES,
  type KeyPurpose,
  type KeyRing,
  keyIdOf,
  type PurposeKey,
  type PurposeKeys,
} from "./keys.ts";
export { loadMigrateSettings, type MigrateSettings, migrateSettingsSchema } from "./migrate.ts";
export {
  type MetricsSettings,
  observabilitySettingsSchema,
  parseOtlpHeaders,
  type TracingSettings,
} from "./observability.ts";
export { type RecallSettings, recallSettingsSchema } from "./recalls.ts";
export { loadWebAppSettings, type WebAppSettings, webAppSettingsSchema } from "./web-app.ts";
export {
  type FcmServiceAccount,
  loadPushSettings,
  loadWorkerSettings,
  PUSH_SENTINEL,
  type PushSettings,
  pushSettingsSchema,
  type WorkerSettings,
  workerSettingsSchema,
} from "./worker.ts";
