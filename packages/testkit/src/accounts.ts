import type { Mailbox } from "./smtp.ts";

/** One JSON call to the API: `app.inject` in API tests, `fetch` against a running process elsewhere. */
export type ApiCall = (
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<{ status: number; body: unknown }>;

/** An `ApiCall` over HTTP to an API process at `baseUrl`. */
export function fetchApi(baseUrl: string): ApiCall {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

export interface SignedUp {
  user: { id: string; email: string; name: string; emailVerified: boolean; [key: string]: unknown };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** The token of the verification link in a mail's text. */
export function verificationTokenIn(text: string): string {
  const token = /\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (!token) throw new Error(`no verification link in the mail:\n${text}`);
  return token;
}

/**
 * Signs a new member up the way a person does: registers (202, no tokens), follows the link of the
 * verification email that reaches the real SMTP server, and signs in. Throws with the API's answer when a
 * step does not answer as it should, so a test never goes on from a failed setup.
 */
export async function signUpByEmail(
  call: ApiCall,
  smtp: Mailbox,
  input: { email: string; password: string; name: string; timezone?: string; deviceName?: string },
  /** Sent with every request, e.g. the `user-agent` the session should record. */
  headers: Record<string, string> = {},
): Promise<SignedUp> {
  const { deviceName, ...registration } = input;
  const expect = async (status: number, path: string, body: unknown) => {
    const res = await call("POST", path, body, headers);
    if (res.status !== status) {
      throw new Error(`POST ${path} answered ${res.status}, not ${status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  };
  await expect(202, "/v1/auth/register", registration);
  const mail = await smtp.waitFor(input.email, (m) => m.text.includes("/verify-email?token="), 30_000);
  await expect(200, "/v1/auth/verify-email", { token: verificationTokenIn(mail.text) });
  return (await expect(200, "/v1/auth/login", {
    email: input.email,
    password: input.password,
    ...(deviceName ? { deviceName } : {}),
  })) as SignedUp;
}
