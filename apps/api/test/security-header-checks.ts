import { ADMIN_COOKIE } from "../src/admin/session.ts";

// What every API answer must carry (issue 16 item 2, docs/security.md "Headers and CORS"), as a list of
// what is wrong with one answer: used by security-headers.test.ts on the route table and by the fuzz
// oracle on every generated request (2xx answers included, which the route-table test rarely reaches).

type Headers = Record<string, string | string[] | number | undefined>;

/**
 * Operations whose own Cache-Control is deliberate even for a credentialed request: a calendar app polls
 * the feed URL (its token is the URL) and may keep the answer for 5 minutes.
 */
export const OWN_CACHE_POLICY = new Set(["GET /v1/calendar/{token}.ics"]);

/** Did the request carry a credential (a bearer token, well formed or not, or the admin cookie)? */
export function isCredentialed(headers: Record<string, string | undefined>): boolean {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return lower.authorization !== undefined || (lower.cookie ?? "").includes(`${ADMIN_COOKIE}=`);
}

/**
 * Everything missing from an answer's security headers. `credentialed`: the request carried a credential,
 * so the answer must not be stored (`no-store`) unless `operation` has its own policy. 429s carry
 * Retry-After.
 */
export function securityHeaderProblems(
  headers: Headers,
  answer: { status: number; credentialed: boolean; operation?: string },
): string[] {
  const problems: string[] = [];
  const value = (name: string) => {
    const v = headers[name];
    return v === undefined ? "" : String(v);
  };
  if (!/max-age=31536000; includeSubDomains/.test(value("strict-transport-security")))
    problems.push(`Strict-Transport-Security is "${value("strict-transport-security")}"`);
  if (value("x-content-type-options") !== "nosniff")
    problems.push(`X-Content-Type-Options is "${value("x-content-type-options")}"`);
  if (value("x-frame-options") !== "DENY") problems.push(`X-Frame-Options is "${value("x-frame-options")}"`);
  if (!/frame-ancestors 'none'|sandbox/.test(value("content-security-policy")))
    problems.push(`Content-Security-Policy is "${value("content-security-policy")}"`);
  if (value("referrer-policy") !== "no-referrer")
    problems.push(`Referrer-Policy is "${value("referrer-policy")}"`);
  if (
    answer.credentialed &&
    !OWN_CACHE_POLICY.has(answer.operation ?? "") &&
    !/\bno-store\b/.test(value("cache-control"))
  )
    problems.push(`a credentialed answer has Cache-Control "${value("cache-control")}", not no-store`);
  if (answer.status === 429 && !(Number(value("retry-after")) > 0))
    problems.push(`a 429 has Retry-After "${value("retry-after")}"`);
  return problems;
}
