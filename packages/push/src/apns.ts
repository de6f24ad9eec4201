import { type ClientHttp2Session, connect, constants } from "node:http2";
import { importPKCS8, SignJWT } from "jose";
import type { PushClient, PushMessage, PushResult } from "./types.ts";

export interface ApnsOptions {
  teamId: string;
  keyId: string;
  /** The .p8 auth key, PKCS#8 PEM. */
  privateKey: string;
  bundleId: string;
  /** https://api.push.apple.com, https://api.sandbox.push.apple.com, or a test server. */
  url: string;
  /** Extra trusted CA (PEM) for a test server with a self-signed certificate. */
  ca?: string;
  timeoutMs?: number;
  /**
   * Errors of the HTTP/2 connection itself (TLS refused, reset, GOAWAY), which have no request to fail:
   * the worker passes an error sink that logs (rate-limited) and counts them. A request in flight also
   * fails with its own error and is retried by its job.
   */
  onError?: (error: unknown) => void;
}

/** Apple accepts a provider token for up to an hour and rejects refreshes more often than every 20 minutes. */
const TOKEN_LIFETIME_MS = 40 * 60 * 1000;

/**
 * APNs over HTTP/2 with token-based authentication: an ES256 JWT (iss = team id, kid = key id) in the
 * `authorization: bearer` header, one long-lived connection reused for every request.
 */
export function createApnsClient(options: ApnsOptions): PushClient {
  let session: ClientHttp2Session | undefined;
  let token: { value: string; at: number } | undefined;
  let key: Promise<CryptoKey> | undefined;

  async function providerToken(): Promise<string> {
    if (token && Date.now() - token.at < TOKEN_LIFETIME_MS) return token.value;
    key ??= importPKCS8(options.privateKey, "ES256");
    const value = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: options.keyId })
      .setIssuer(options.teamId)
      .setIssuedAt()
      .sign(await key);
    token = { value, at: Date.now() };
    return value;
  }

  function connection(): ClientHttp2Session {
    if (session && !session.closed && !session.destroyed) return session;
    const s = connect(options.url, options.ca ? { ca: options.ca } : {});
    s.on("error", (error) => options.onError?.(error));
    s.on("close", () => {
      if (session === s) session = undefined;
    });
    s.unref();
    session = s;
    return s;
  }

  return {
    async send(deviceToken: string, message: PushMessage): Promise<PushResult> {
      const jwt = await providerToken();
      const body = JSON.stringify({
        aps: {
          alert: { title: message.title, body: message.body },
          sound: "default",
          ...(message.threadId ? { "thread-id": message.threadId } : {}),
        },
        ...message.data,
      });
      return new Promise<PushResult>((resolve) => {
        let req: ReturnType<ClientHttp2Session["request"]>;
        try {
          req = connection().request({
            [constants.HTTP2_HEADER_METHOD]: "POST",
            [constants.HTTP2_HEADER_PATH]: `/3/device/${encodeURIComponent(deviceToken)}`,
            authorization: `bearer ${jwt}`,
            "apns-topic": options.bundleId,
            "apns-push-type": "alert",
            "apns-priority": "10",
            "content-type": "application/json",
          });
        } catch (error) {
          resolve({ status: "failed", reason: (error as Error).message, retry: true });
          return;
        }
        req.setTimeout(options.timeoutMs ?? 10_000, () => {
          req.close(constants.NGHTTP2_CANCEL);
          resolve({ status: "failed", reason: "timeout", retry: true });
        });
        let status = 0;
        let apnsId: string | undefined;
        const chunks: Buffer[] = [];
        req.on("response", (headers) => {
          status = Number(headers[constants.HTTP2_HEADER_STATUS]);
          apnsId = headers["apns-id"] as string | undefined;
        });
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("error", (error) => resolve({ status: "failed", reason: error.message, retry: true }));
        req.on("end", () => {
          if (status === 200) return resolve({ status: "sent", ...(apnsId ? { id: apnsId } : {}) });
          let reason = `HTTP ${status}`;
          try {
            reason =
              (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { reason?: string }).reason ?? reason;
          } catch {}
          if (status === 410 || reason === "BadDeviceToken" || reason === "Unregistered")
            return resolve({ status: "gone", reason });
          resolve({ status: "failed", reason, retry: status === 429 || status >= 500 || status === 403 });
        });
        req.end(body);
      });
    },
    close() {
      session?.close();
      session = undefined;
    },
  };
}
