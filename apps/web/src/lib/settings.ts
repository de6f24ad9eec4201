import "server-only";
import { loadWebAppSettings } from "@honeydue/config/web-app";

/** Parsed once per server process. */
export const settings = loadWebAppSettings();
