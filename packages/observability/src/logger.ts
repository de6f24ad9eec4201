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

export function createLogger(options: { level: string; role: string; mixin?: () => object }): Logger {
  return pino(loggerOptions(options));
}

export type { Logger };
