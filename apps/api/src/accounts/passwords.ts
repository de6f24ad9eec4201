import { argon2, randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { invalidField } from "../http/problem.ts";

/** Argon2id parameters (OWASP's minimum): 19 MiB of memory, 2 passes, 1 lane, 16-byte salt, 32-byte tag. */
const PARAMS = { memory: 19456, passes: 2, parallelism: 1, tagLength: 32 } as const;
const SALT_BYTES = 16;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

function derive(
  password: string,
  salt: Buffer,
  params: { memory: number; passes: number; parallelism: number; tagLength: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    argon2("argon2id", { message: password, nonce: salt, ...params }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const b64 = (buf: Buffer) => buf.toString("base64").replace(/=+$/, "");

/** PHC string: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (unpadded base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, PARAMS);
  return `$argon2id$v=19$m=${PARAMS.memory},t=${PARAMS.passes},p=${PARAMS.parallelism}$${b64(salt)}$${b64(hash)}`;
}

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Checks a password against a PHC string with a constant-time comparison; false for any malformed hash. */
export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const m = PHC.exec(phc);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, "base64");
  const actual = await derive(password, Buffer.from(m[4]!, "base64"), {
    memory: Number(m[1]),
    passes: Number(m[2]),
    parallelism: Number(m[3]),
    tagLength: expected.length,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A real hash of a random password, used to spend the same time on an unknown email address as on a
 * known one (login, forgot password), so response times do not reveal which addresses have accounts.
 */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  await verifyPassword(password, await dummyHash);
}

let common: Set<string> | undefined;
/** The 3,000 most common passwords (ranked list from zxcvbn, derived from real leaks), lower-cased. */
export function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(new URL("./data/common-passwords.txt", import.meta.url), "utf8")
      .split("\n")
      .filter((line) => line && !line.startsWith("#")),
  );
  return common;
}

/**
 * The password rules: 8 to 128 characters exactly as typed (no trimming), not one of the 3,000 most
 * common passwords (compared case-insensitively). Throws a 400 naming `field`.
 */
export function checkPasswordPolicy(password: string, field: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN) throw invalidField(field, `must be at least ${PASSWORD_MIN} characters`);
  if (length > PASSWORD_MAX) throw invalidField(field, `must be at most ${PASSWORD_MAX} characters`);
  if (commonPasswords().has(password.toLowerCase())) {
    throw invalidField(field, "is one of the most common passwords; choose a less guessable one");
  }
}
