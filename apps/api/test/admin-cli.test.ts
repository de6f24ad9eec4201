import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { adminUsers } from "@honeydue/db";
import { createTestDatabase } from "@honeydue/testkit";
import { eq } from "drizzle-orm";
import { verifyPassword } from "../src/accounts/passwords.ts";

const cli = fileURLToPath(new URL("../src/admin/create-cli.ts", import.meta.url));

test("npm run admin:create reads the password from standard input, never from argv", async (t) => {
  const database = await createTestDatabase();
  if (!database.url) return t.skip("needs PostgreSQL (the CLI opens its own connection)");
  const run = (args: string[], input: string) =>
    spawnSync(process.execPath, [cli, ...args], {
      input,
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: database.url, NODE_ENV: "test", LOG_LEVEL: "silent" },
    });
  const created = run(
    ["--email", "ops@example.test", "--role", "superadmin", "--name", "Ops"],
    "a long admin passphrase\n",
  );
  assert.equal(created.status, 0, created.stderr);
  assert.match(created.stdout, /created superadmin ops@example\.test/);
  const [row] = await database.handle.db
    .select()
    .from(adminUsers)
    .where(eq(adminUsers.email, "ops@example.test"));
  assert.equal(row!.role, "superadmin");
  assert.equal(row!.mustChangePassword, false);
  assert.ok(await verifyPassword("a long admin passphrase", row!.passwordHash));

  const duplicate = run(["--email", "OPS@example.test", "--role", "support"], "another long passphrase\n");
  assert.equal(duplicate.status, 2);
  assert.match(duplicate.stderr, /exists already/);
  const weak = run(["--email", "x@example.test"], "password\n");
  assert.equal(weak.status, 2);
  const badRole = run(["--email", "x@example.test", "--role", "root"], "a long admin passphrase\n");
  assert.equal(badRole.status, 2);
});
