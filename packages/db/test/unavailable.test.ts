import assert from "node:assert/strict";
import { test } from "node:test";
import { startPostgresServer } from "@honeydue/testkit";
import { sql } from "drizzle-orm";
import { openDatabase } from "../src/client.ts";

test("a pool whose PostgreSQL goes away fails its queries without crashing and recovers when it is back", {
  timeout: 120_000,
}, async () => {
  const server = await startPostgresServer();
  const handle = await openDatabase({ url: server.url, poolMax: 4, statementTimeoutMs: 300 });
  try {
    // statement_timeout cancels a slow query (SQLSTATE 57014) instead of holding the connection.
    await assert.rejects(
      handle.db.execute(sql`SELECT pg_sleep(5)`),
      (error: unknown) =>
        JSON.stringify(error, Object.getOwnPropertyNames(error)).includes("57014") ||
        (error as { cause?: { code?: string } }).cause?.code === "57014",
    );

    // PostgreSQL dies while clients are checked out, one of them idle inside a transaction: the
    // transaction fails, idle and busy clients alike emit errors the pool must absorb.
    await handle.db.execute(sql`SELECT 1`);
    const transaction = handle.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT 1`);
      await server.stop("SIGKILL");
      await new Promise((r) => setTimeout(r, 300));
      await tx.execute(sql`SELECT 1`);
    });
    await assert.rejects(transaction);
    await assert.rejects(handle.db.execute(sql`SELECT 1`));

    await server.start();
    const end = Date.now() + 30_000;
    for (;;) {
      try {
        await handle.db.execute(sql`SELECT 1`);
        break;
      } catch (error) {
        if (Date.now() > end) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await handle.close().catch(() => {});
  }
});
