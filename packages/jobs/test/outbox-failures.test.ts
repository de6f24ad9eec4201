import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { outbox } from "@honeydue/db";
import { createTestDatabase } from "@honeydue/testkit";
import { eq } from "drizzle-orm";
import {
  countFailedOutboxRows,
  discardFailedOutboxRow,
  listFailedOutboxRows,
  retryFailedOutboxRow,
} from "../src/runtime/outbox-failures.ts";

test("failed outbox rows are listed newest first with masked payloads, counted, retried and discarded", async () => {
  const { handle } = await createTestDatabase();
  const db = handle.db;
  const failedAt = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
  const [older, newer, push] = [randomUUID(), randomUUID(), randomUUID()];
  await db.insert(outbox).values([
    {
      id: older,
      job: "email.send",
      payload: { template: "password-reset", to: "a@example.test", data: { link: "https://x/t0k3n" } },
      failedAt: failedAt(10),
      lastError: "SMTP refused the message: 550 no such user",
      attempts: 1,
      publishedAt: failedAt(11),
    },
    {
      id: newer,
      job: "email.send",
      payload: { template: "verify-email", to: "b@example.test", data: { code: "123456" } },
      failedAt: failedAt(1),
      lastError: "Unknown email template",
      attempts: 1,
    },
    { id: push, job: "push.send", payload: { userId: "u1", token: "secret" }, failedAt: failedAt(5) },
    // Not failed: never listed.
    { job: "email.send", payload: { template: "x", to: "c@example.test", data: {} } },
  ]);

  assert.equal(await countFailedOutboxRows(db), 3);
  assert.equal(await countFailedOutboxRows(db, { job: "email.send" }), 2);
  const rows = await listFailedOutboxRows(db);
  assert.deepEqual(
    rows.map((r) => r.id),
    [newer, push, older],
  );
  const first = rows[0]!;
  assert.equal(first.job, "email.send");
  assert.equal(first.lastError, "Unknown email template");
  assert.ok(first.failedAt instanceof Date && first.createdAt instanceof Date);
  assert.deepEqual(first.payloadSummary, {
    template: "verify-email",
    to: "b@example.test",
    data: "[masked]",
  });
  assert.deepEqual(rows[1]!.payloadSummary, { userId: "u1", token: "[masked]" });
  assert.deepEqual(
    (await listFailedOutboxRows(db, { limit: 1, offset: 1 })).map((r) => r.id),
    [push],
  );
  assert.deepEqual(
    (await listFailedOutboxRows(db, { job: "push.send" })).map((r) => r.id),
    [push],
  );

  // Retry: the row is new again (the runner or the relay picks it up); a second retry finds nothing to do.
  assert.equal(await retryFailedOutboxRow(db, older), true);
  assert.equal(await retryFailedOutboxRow(db, older), false);
  const [retried] = await db.select().from(outbox).where(eq(outbox.id, older));
  assert.equal(retried!.failedAt, null);
  assert.equal(retried!.publishedAt, null);
  assert.equal(retried!.attempts, 0);
  assert.ok(retried!.retriedAt);
  assert.equal(await countFailedOutboxRows(db), 2);

  // Discard deletes only failed rows; unknown or malformed ids are false, never an error.
  assert.equal(await discardFailedOutboxRow(db, older), false, "no longer failed");
  assert.equal(await discardFailedOutboxRow(db, newer), true);
  assert.equal(await discardFailedOutboxRow(db, randomUUID()), false);
  assert.equal(await discardFailedOutboxRow(db, "not-a-uuid"), false);
  assert.equal(await retryFailedOutboxRow(db, "'; DROP TABLE outbox; --"), false);
  assert.equal(await countFailedOutboxRows(db), 1);
});
