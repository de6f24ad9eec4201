import { EmailJobSchema } from "@honeydue/email";
import { define } from "../../runtime/definition.ts";

/**
 * The email group: one job for every email, its payload a union keyed by template (ids and content,
 * never a secret), so each call site is checked against its template's payload. Handler: handlers.ts.
 */
export const EMAIL_JOBS = {
  "email.send": define({ queue: "email", payload: EmailJobSchema, attempts: 10, timeoutMs: 60_000 }),
} as const;
