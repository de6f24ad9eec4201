import type { PushSettings } from "@honeydue/config";
import { createApnsClient } from "./apns.ts";
import { createFcmClient } from "./fcm.ts";
import type { PushClient } from "./types.ts";

export * from "./apns.ts";
export * from "./fcm.ts";
export * from "./types.ts";

export interface PushProviders {
  /** False while FEATURE_PUSH_ENABLED is off: callers skip (and count the skip); no connection is made. */
  enabled: boolean;
  ios: PushClient;
  android: PushClient;
  close(): void;
}

const disabled: PushClient = {
  async send() {
    throw new Error("push is disabled (FEATURE_PUSH_ENABLED=false)");
  },
  close() {},
};

/** The APNs and FCM clients for the settings; clients are lazy, so building them opens no connection. */
export function createPushProviders(
  settings: PushSettings,
  options: { apnsCa?: string; onApnsError?: (error: unknown) => void } = {},
): PushProviders {
  if (!settings.enabled) return { enabled: false, ios: disabled, android: disabled, close() {} };
  const ios = createApnsClient({
    ...settings.apns,
    ...(options.apnsCa ? { ca: options.apnsCa } : {}),
    onError: options.onApnsError,
  });
  const android = createFcmClient(settings.fcm);
  return {
    enabled: true,
    ios,
    android,
    close() {
      ios.close();
      android.close();
    },
  };
}
