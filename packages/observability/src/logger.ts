import pino, { type Logger, type LoggerOptions } from "pino";

/**
 * Paths that must never reach a log line: credentials, tokens, password fields, cookies.
 * Fastify's request serializer logs headers; bodies are never logged.
 */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-metrics-token"]',
  "headers.authorization",
  "authorization",
  "password",
  "currentPassword",
  "newPassword",
  "token",
  "refreshToken",
  "accessToken",
  "code",
  "*.password",
  "*.currentPassword",
  "*.newPassword",
  "*.token",
  "*.refreshToken",
  "*.accessToken",
  "*.code",
  "*.secret",
  "*.authSecret",
  "*.authSecrets",
  "*.smtpUrl",
  "*.databaseUrl",
  "*.redisUrl",
];

export function loggerOptions(options: { level: string; role: string; mixin?: () => object }): LoggerOptions {
  return {
    level: options.level,
    base: { role: options.role },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    ...(options.mixin ? { mixin: options.mixin } : {}),
  };
}

/** How long an asynchronous logger holds a line at most before writing it out. */
export const LOG_FLUSH_MS = 250;

/**
 * The process logger. `async: true` (the API) writes through a buffered asynchronous destination, so a log
 * line never blocks the event loop on a write to stdout; `flushLogSync` empties that buffer before the
 * process exits (shutdown, fatal error), so no line is lost. Otherwise lines are written synchronously.
 */
export function createLogger(options: {
  level: string;
  role: string;
  mixin?: () => object;
  async?: boolean;
}): Logger {
  if (!options.async) return pino(loggerOptions(options));
  // Lines are gathered up to 4 KiB per write (a write per request line was 5-8 % of a hot request's CPU)
  // and whatever is gathered goes out at least every LOG_FLUSH_MS, so a quiet API's lines are not held.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => destination.flush(), LOG_FLUSH_MS).unref();
  destination.on("close", () => clearInterval(timer));
  return pino(loggerOptions(options), destination);
}

/** Writes out whatever an asynchronous logger still holds (no-op for a synchronous one). */
export function flushLogSync(log: Logger): void {
  // pino keeps its destination under a symbol its Logger type does not declare.
  const stream: { flushSync?: () => void } | undefined = Reflect.get(log, pino.symbols.streamSym);
  try {
    stream?.flushSync?.();
  } catch {
    // Nothing can be logged about a log that cannot be written (stdout closed).
  }
}

export type { Logger };
