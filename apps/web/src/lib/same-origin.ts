import "server-only";

/**
 * Whether a state-changing request to one of the web app's own route handlers came from its own pages: the
 * browser says so (Sec-Fetch-Site), or its Origin names this host. Server actions check the same themselves.
 */
export function fromOwnPages(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site) return site === "same-origin";
  const origin = request.headers.get("origin");
  const host = request.headers.get("host");
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
