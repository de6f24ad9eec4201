import "server-only";
import { headers } from "next/headers";

/**
 * The browser's address for the API. This server calls the API on behalf of browsers, so without it every
 * browser would share this pod's address, and with it the API's per-address limits (sign-in, codes,
 * unauthenticated routes) and its audit log see the real client. Next sets X-Forwarded-For to the
 * connection's peer when no proxy sent one and keeps a proxy's chain as it came; the API believes the chain
 * only from the hops listed in its TRUST_PROXY, which must include this app's pods (docs/security.md).
 */
export async function forwardedFor(): Promise<Record<string, string>> {
  const chain = (await headers()).get("x-forwarded-for");
  return chain ? { "x-forwarded-for": chain } : {};
}

/** `fetch` for the generated API client: every call carries the browser's X-Forwarded-For. */
export async function forwardingFetch(request: Request): Promise<Response> {
  for (const [name, value] of Object.entries(await forwardedFor())) request.headers.set(name, value);
  return fetch(request);
}
