import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, test } from "node:test";
import { emailMessages, outbox, userTokens } from "@honeydue/db";
import { createMailTransport, renderEmail, TEMPLATES } from "@honeydue/email";
import { enqueueJob } from "@honeydue/jobs";
import { createJobHandlers } from "@honeydue/jobs/handlers";
import { loggerOptions } from "@honeydue/observability";
import { mailRecipient, startSmtpServer } from "@honeydue/testkit";
import { eq } from "drizzle-orm";
import pino from "pino";
import { startTestApi } from "./support.ts";

// No embedded runner here: the tests run the email handler themselves.
const { deps } = await startTestApi();
const mail = await startSmtpServer();
const WEB = "https://web.honeydue.test";

function handlersFor(
  transport = createMailTransport({ smtpUrl: mail.url, dataDir: "/nonexistent" }),
  logLinks = false,
) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _e, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const log = pino(loggerOptions({ level: "info", role: "test" }), sink);
  after(() => transport.close());
  return {
    lines,
    handlers: createJobHandlers({
      db: deps.db,
      log,
      mail: {
        transport,
        from: "honeyDue <no-reply@honeydue.test>",
        publicWebUrl: WEB,
        publicApiUrl: deps.settings.publicApiUrl,
        keys: deps.keys,
        logLinks,
      },
      files: { storage: deps.storage, imageMaxPixels: deps.settings.storage.imageMaxPixels },
    }),
  };
}

/** A reset-password email job for a new account at `to`, as forgot-password writes it (ids only). */
async function writeJob(to: string, name = "Ada") {
  const userId = await mailRecipient(deps.db, to, name);
  const [token] = await deps.db
    .insert(userTokens)
    .values({
      userId,
      purpose: "reset_password",
      tokenHash: randomBytes(32),
      expiresAt: new Date(Date.now() + 3600_000),
    })
    .returning({ id: userTokens.id });
  const payload = { template: "reset-password" as const, userId, tokenId: token!.id };
  const jobId = await enqueueJob(deps.db, "email.send", payload);
  return { jobId, payload };
}

test("every template renders a subject, HTML and a plain-text alternative with links from PUBLIC_WEB_URL", async () => {
  for (const name of ["verify-email", "reset-password", "password-changed"]) {
    assert.ok(name in TEMPLATES);
    const rendered = await renderEmail(
      name,
      { name: "<Ada & Bob>", token: "tok_EN-1", code: "042042" },
      { publicWebUrl: WEB },
    );
    assert.ok(rendered.subject.length > 5, name);
    assert.match(rendered.html, /^<!doctype html>/i, name);
    assert.ok(rendered.html.includes("&lt;Ada &amp; Bob&gt;"), `${name}: values are HTML-escaped`);
    assert.ok(!rendered.html.includes("<Ada & Bob>"), name);
    assert.ok(rendered.text.includes("<Ada & Bob>"), `${name}: text keeps the value as is`);
    assert.ok(
      !/\{\{\w+\}\}/.test(rendered.html + rendered.text + rendered.subject),
      `${name}: placeholders left`,
    );
    assert.ok(rendered.html.includes(WEB) && rendered.text.includes(WEB), name);
  }
  await assert.rejects(renderEmail("no-such-template", {}, { publicWebUrl: WEB }), /Unknown email template/);
  await assert.rejects(renderEmail("verify-email", { name: "x" }, { publicWebUrl: WEB }), /code/);
});

test("a retried email job sends its message once", async () => {
  const to = `once-${randomBytes(4).toString("hex")}@example.com`;
  const { handlers } = handlersFor();
  const { jobId, payload } = await writeJob(to);
  await handlers["email.send"](payload, { jobId, attempt: 1 });
  await mail.waitFor(to);
  // The runner lost track (e.g. crashed before marking the job done) and runs it again:
  await handlers["email.send"](payload, { jobId, attempt: 2 });
  // A later message to the same address proves the second run did not send (SMTP delivery is in order).
  const marker = { template: "password-changed" as const, userId: payload.userId };
  const markerId = await enqueueJob(deps.db, "email.send", marker);
  await handlers["email.send"](marker, { jobId: markerId, attempt: 1 });
  await mail.waitFor(to, (m) => /password was changed|changed/i.test(m.subject));
  assert.equal(mail.messages.filter((m) => m.to.includes(to)).length, 2);

  const [row] = await deps.db.select().from(emailMessages).where(eq(emailMessages.outboxId, jobId));
  assert.equal(row!.status, "sent");
  assert.equal(row!.template, "reset-password");
  assert.equal(row!.toAddress, to);
  assert.ok(row!.sentAt);
  // The job never held the token: it was minted when the message was sent, only its hash is stored.
  const [job] = await deps.db.select().from(outbox).where(eq(outbox.id, jobId));
  assert.deepEqual(job!.payload, payload);
  const received0 = mail.messages.find((m) => m.to.includes(to))!;
  const mailed = /reset-password\?token=([\w-]+)/.exec(received0.text)![1]!;
  const [stored] = await deps.db.select().from(userTokens).where(eq(userTokens.id, payload.tokenId));
  assert.ok(stored!.tokenHash.equals(createHash("sha256").update(mailed).digest()));
  // The Message-ID is derived from the job id.
  const received = mail.messages.find((m) => m.to.includes(to))!;
  assert.match(received.raw, new RegExp(`Message-ID: <${jobId}@honeydue\\.test>`, "i"));
});

test("an SMTP failure marks the message failed and the retry sends it", async () => {
  const to = `retry-${randomBytes(4).toString("hex")}@example.com`;
  const { handlers } = handlersFor();
  const { jobId, payload } = await writeJob(to);
  mail.failNext(1);
  await assert.rejects(handlers["email.send"](payload, { jobId, attempt: 1 }));
  const [failed] = await deps.db.select().from(emailMessages).where(eq(emailMessages.outboxId, jobId));
  assert.equal(failed!.status, "failed");
  assert.match(failed!.error ?? "", /451|Try again/);
  await handlers["email.send"](payload, { jobId, attempt: 2 });
  await mail.waitFor(to);
  const [sent] = await deps.db.select().from(emailMessages).where(eq(emailMessages.outboxId, jobId));
  assert.equal(sent!.status, "sent");
});

test("without SMTP_URL each message is an .eml file and its link is logged (embedded mode)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "honeydue-mail-"));
  after(() => rm(dir, { recursive: true, force: true }));
  const { handlers, lines } = handlersFor(createMailTransport({ smtpUrl: undefined, dataDir: dir }), true);
  const to = `files-${randomBytes(4).toString("hex")}@example.com`;
  const { jobId, payload } = await writeJob(to, "Eml");
  await handlers["email.send"](payload, { jobId, attempt: 1 });
  const files = await readdir(join(dir, "mail"));
  assert.equal(files.length, 1);
  assert.match(files[0]!, /\.eml$/);
  const eml = await readFile(join(dir, "mail", files[0]!), "utf8");
  assert.match(eml, new RegExp(`To: ${to}`));
  assert.match(eml, /Subject: Reset your honeyDue password/);
  const logged = lines.map((l) => JSON.parse(l)).find((l) => l.link);
  // The logged link is the one mailed, with the token minted at send time (only its hash is stored).
  const token = /^https:\/\/web\.honeydue\.test\/reset-password\?token=([\w-]{43})$/.exec(logged?.link)?.[1];
  assert.ok(token, logged?.link);
  assert.ok(eml.replace(/=\r?\n/g, "").includes(token), "the .eml holds the link");
  const [stored] = await deps.db.select().from(userTokens).where(eq(userTokens.id, payload.tokenId));
  assert.ok(stored!.tokenHash.equals(createHash("sha256").update(token).digest()));
});
