// `npm run admin:create -- --email ops@example.com --role superadmin [--name "Ops"]`: creates an admin
// account. The password is asked on the terminal (never in argv, which other users can read in `ps`);
// piped standard input is read as the password for scripts. Docs: docs/admin.md.
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { loadApiSettings } from "@honeydue/config";
import { ADMIN_ROLES, type AdminRole, migrate, openDatabase } from "@honeydue/db";
import { checkPasswordPolicy } from "../accounts/passwords.ts";
import { createAdminAccount } from "./accounts.ts";

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = parseArgs({
  options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
});
if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) fail("--email <address> is required");
const role = (values.role ?? "support") as AdminRole;
if (!ADMIN_ROLES.includes(role)) fail(`--role must be one of ${ADMIN_ROLES.join(", ")}`);

/** Reads one line; on a terminal the typed characters are not echoed. */
function askPassword(prompt: string): Promise<string> {
  const tty = process.stdin.isTTY;
  // On a terminal readline echoes what is typed to its output: give it one that writes nothing.
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: process.stdin, output: tty ? silent : process.stdout, terminal: tty });
  if (tty) process.stdout.write(prompt);
  return new Promise((resolve) => {
    rl.once("line", (line) => {
      resolve(line);
      rl.close();
      if (tty) process.stdout.write("\n");
    });
    rl.once("close", () => resolve(""));
  });
}

const password = await askPassword("Password for the new admin (8-128 characters): ");
try {
  checkPasswordPolicy(password, "password");
} catch (error) {
  fail(`The password is not acceptable: ${(error as Error).message}`);
}

const settings = loadApiSettings();
const handle = await openDatabase({ url: settings.databaseUrl, dataDir: settings.dataDir, poolMax: 1 });
try {
  if (settings.migrateOnStart) await migrate(handle);
  const { admin } = await createAdminAccount(handle.db, {
    email: values.email,
    name: values.name ?? values.email.split("@")[0]!,
    role,
    password,
  });
  console.log(
    `created ${admin.role} ${admin.email}: sign in to the admin panel, then enrol an authenticator app`,
  );
} catch (error) {
  const code = (error as { cause?: { code?: string } }).cause?.code;
  fail(code === "23505" ? `an admin with the email ${values.email} exists already` : String(error));
} finally {
  await handle.close();
}
