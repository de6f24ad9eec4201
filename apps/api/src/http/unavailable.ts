/** Seconds a client is told to wait before trying again while the database is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);
const MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /not queryable/i,
  /Connection refused/i,
];

/**
 * True when an error says the database is down, unreachable, restarting or too slow (statement_timeout),
 * rather than that the request was wrong: such a request answers 503 `unavailable` with Retry-After, never a
 * 500. SQLSTATE classes 08 (connection exception), 57P01–57P03 (shutdown, cannot connect now), 57014 (the
 * statement timeout cancelled the query) and 53300 (too many connections); the driver's network errors.
 * Drizzle wraps the driver's error, so the causes are walked too.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string") {
      if (NETWORK_CODES.has(code)) return true;
      if (/^08[0-9A-Z]{3}$/.test(code) || ["57P01", "57P02", "57P03", "57014", "53300"].includes(code))
        return true;
    }
    if (typeof message === "string" && MESSAGES.some((re) => re.test(message))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
