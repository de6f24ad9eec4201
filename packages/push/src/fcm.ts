import type { FcmServiceAccount } from "@honeydue/config";
import { importPKCS8, SignJWT } from "jose";
import type { PushClient, PushMessage, PushResult } from "./types.ts";

export interface FcmOptions {
  serviceAccount: FcmServiceAccount;
  /** https://fcm.googleapis.com or a test server. */
  url: string;
  timeoutMs?: number;
}

const SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

/**
 * FCM HTTP v1: an OAuth 2.0 access token obtained with the service account's JWT bearer grant (RS256,
 * RFC 7523), cached until shortly before it expires, then `POST /v1/projects/{id}/messages:send`.
 */
export function createFcmClient(options: FcmOptions): PushClient {
  const account = options.serviceAccount;
  let access: { token: string; expiresAt: number } | undefined;
  let key: Promise<CryptoKey> | undefined;
  const timeout = () => AbortSignal.timeout(options.timeoutMs ?? 10_000);

  async function accessToken(): Promise<string> {
    if (access && Date.now() < access.expiresAt - 60_000) return access.token;
    key ??= importPKCS8(account.privateKey, "RS256");
    const assertion = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuer(account.clientEmail)
      .setAudience(account.tokenUri)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(await key);
    const res = await fetch(account.tokenUri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
      signal: timeout(),
    });
    if (!res.ok) throw new Error(`FCM OAuth token request failed: HTTP ${res.status}`);
    const json = (await res.json()) as { access_token: string; expires_in?: number };
    access = { token: json.access_token, expiresAt: Date.now() + (json.expires_in ?? 3600) * 1000 };
    return access.token;
  }

  return {
    async send(token: string, message: PushMessage): Promise<PushResult> {
      let res: Response;
      try {
        const bearer = await accessToken();
        res = await fetch(
          `${options.url}/v1/projects/${encodeURIComponent(account.projectId)}/messages:send`,
          {
            method: "POST",
            headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
            body: JSON.stringify({
              message: {
                token,
                notification: { title: message.title, body: message.body },
                ...(message.data ? { data: message.data } : {}),
                android: {
                  priority: "high",
                  ...(message.threadId ? { notification: { tag: message.threadId } } : {}),
                },
              },
            }),
            signal: timeout(),
          },
        );
      } catch (error) {
        return { status: "failed", reason: (error as Error).message, retry: true };
      }
      const json = (await res.json().catch(() => ({}))) as {
        name?: string;
        error?: { status?: string; message?: string; details?: { errorCode?: string }[] };
      };
      if (res.ok) return { status: "sent", ...(json.name ? { id: json.name } : {}) };
      if (res.status === 401) access = undefined;
      const code =
        json.error?.details?.find((d) => d.errorCode)?.errorCode ??
        json.error?.status ??
        `HTTP ${res.status}`;
      if (code === "UNREGISTERED" || res.status === 404) return { status: "gone", reason: code };
      return {
        status: "failed",
        reason: code,
        retry: res.status === 429 || res.status >= 500 || res.status === 401,
      };
    },
    close() {},
  };
}
