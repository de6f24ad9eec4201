import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after } from "node:test";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { waitFor } from "./wait.ts";

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: ParsedMail["headers"];
  raw: string;
}

/** Where a test reads the mail sent to its addresses: the SMTP server itself, or its `serveMailbox`. */
export interface Mailbox {
  /** Resolves with the first message to `to` that arrives (or has arrived), matching `predicate`. */
  waitFor(to: string, predicate?: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
}

export interface TestSmtpServer extends Mailbox {
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Makes the next `count` deliveries fail with a 451 temporary error (or `responseCode`, e.g. 550). */
  failNext(count: number, responseCode?: number): void;
  close(): Promise<void>;
}

/** A real SMTP server on a random loopback port that keeps every message it receives, closed after the file. */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const smtp = await createSmtpServer();
  after(smtp.close);
  return smtp;
}

/** `startSmtpServer` for a server that outlives one test file: the caller closes it. */
export async function createSmtpServer(): Promise<TestSmtpServer> {
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

/** What `serveMailbox` answers for one address: the messages to it so far, headers left out. */
type ServedMail = Omit<ReceivedMail, "headers">;

/**
 * The messages an SMTP server received, over HTTP for test files in other processes (node --test runs each
 * file in its own): GET /?to=address answers those to that address as JSON. Read with `remoteMailbox`.
 */
export async function serveMailbox(smtp: TestSmtpServer): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const to = new URL(request.url ?? "/", "http://mailbox").searchParams.get("to")?.toLowerCase();
    const found: ServedMail[] = smtp.messages
      .filter((m) => to !== undefined && m.to.some((t) => t.toLowerCase() === to))
      .map(({ headers: _headers, ...mail }) => mail);
    response.writeHead(to === undefined ? 400 : 200, { "content-type": "application/json" });
    response.end(JSON.stringify(found));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The `Mailbox` of a `serveMailbox` at `url` (the headers of a message are empty). */
export function remoteMailbox(url: string): Mailbox {
  return {
    waitFor: (to, predicate = () => true, timeoutMs = 60_000) =>
      waitFor(
        `mail to ${to}`,
        async () => {
          const answer = await fetch(`${url}?to=${encodeURIComponent(to)}`);
          if (!answer.ok) throw new Error(`mailbox answered ${answer.status}`);
          const found = ((await answer.json()) as ServedMail[])
            .map((m): ReceivedMail => ({ ...m, headers: new Map() }))
            .find(predicate);
          return found;
        },
        { timeoutMs, intervalMs: 100 },
      ),
  };
}
