export { type ApiSettings, apiSettingsSchema, loadApiSettings } from "./api.ts";
export { type CommonSettings, commonSettingsSchema, toCommonSettings } from "./common.ts";
export { Bool, parseEnv, SettingsError, Url } from "./env.ts";
