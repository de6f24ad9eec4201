/** What a push says. `data` values are strings (FCM requires it; APNs gets them as custom keys). */
export interface PushMessage {
  title: string;
  body: string;
  data?: Record<string, string>;
  /** Groups related pushes on the device (APNs thread-id, FCM tag). */
  threadId?: string;
}

/**
 * The provider's verdict: `sent`; `gone` when the provider says the token is no longer valid (the device is
 * removed); `failed` with `retry` when trying again later may work.
 */
export type PushResult =
  | { status: "sent"; id?: string }
  | { status: "gone"; reason: string }
  | { status: "failed"; reason: string; retry: boolean };

export interface PushClient {
  send(token: string, message: PushMessage): Promise<PushResult>;
  close(): void;
}
