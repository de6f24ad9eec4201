import type { AddressInfo } from "node:net";
import { after } from "node:test";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: ParsedMail["headers"];
  raw: string;
}

export interface TestSmtpServer {
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Resolves with the first message to `to` that arrives (or has arrived), matching `predicate`. */
  waitFor(to: string, predicate?: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Makes the next `count` deliveries fail with a 451 temporary error (or `responseCode`, e.g. 550). */
  failNext(count: number, responseCode?: number): void;
  close(): Promise<void>;
}

/** A real SMTP server on a random loopback port that keeps every message it receives. */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const waiters: {
    to: string;
    predicate: (m: ReceivedMail) => boolean;
    resolve: (m: ReceivedMail) => void;
  }[] = [];
  let failures = 0;
  let failureCode = 451;
  const matches = (m: ReceivedMail, to: string, predicate: (m: ReceivedMail) => boolean) =>
    m.to.some((t) => t.toLowerCase() === to.toLowerCase()) && predicate(m);

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        if (failures > 0) {
          failures--;
          const error = new Error(failureCode >= 500 ? "Mailbox unavailable" : "Try again later") as Error & {
            responseCode: number;
          };
          error.responseCode = failureCode;
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        const parsed = await simpleParser(raw);
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: parsed.subject ?? "",
          text: parsed.text ?? "",
          html: typeof parsed.html === "string" ? parsed.html : "",
          headers: parsed.headers,
          raw,
        };
        messages.push(mail);
        for (const waiter of [...waiters]) {
          if (matches(mail, waiter.to, waiter.predicate)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(mail);
          }
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  after(close);
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    failNext(count, responseCode = 451) {
      failures = count;
      failureCode = responseCode;
    },
    // A deadline, not a speed check: generous, because a loaded CI machine (2 cores, three test files at
    // once) has delivered an invitation after more than 10 s.
    waitFor(to, predicate = () => true, timeoutMs = 60_000) {
      const found = messages.find((m) => matches(m, to, predicate));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no mail to ${to} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          to,
          predicate,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    close,
  };
}
