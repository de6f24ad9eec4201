import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { createUser } from "./fixtures.ts";
import { assertProblem } from "./problems.ts";
import { startTestApi } from "./support.ts";

// ASVS 5.0 V9.1: the access token's algorithm, key, issuer, audience, type and expiry are all checked.
// Tokens are forged by hand with the API's own access-token key (so a refusal is the check's doing, not a
// broken forgery: the untampered one is accepted), then tampered one way each.
const { app, deps } = await startTestApi();
const alice = await createUser(deps);
const bob = await createUser(deps);

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const claimsOf = (auth: { authorization: string }) =>
  JSON.parse(Buffer.from(auth.authorization.split(".")[1]!, "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;

function forge(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: Buffer | string = deps.keys["access-token"].current.key,
  hash = "sha256",
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest("base64url")}`;
}

const me = (token: string) =>
  app.inject({ method: "GET", url: "/v1/me", headers: { authorization: `Bearer ${token}` } });

test("forged, tampered, expired and foreign access tokens are all refused with 401", async () => {
  const kid = deps.keys["access-token"].current.id;
  const header = { alg: "HS256", typ: "JWT", kid };
  const now = Math.floor(Date.now() / 1000);
  const own = claimsOf(alice.auth);
  const payload = { ...own, iat: now, exp: now + 600 };
  const valid = forge(header, payload);
  const answer = await me(valid);
  assert.equal(answer.statusCode, 200, `the untampered forgery is accepted: ${answer.body}`);
  assert.equal(answer.json().id, own.sub);

  const [h, p, s] = valid.split(".") as [string, string, string];
  const flipped = `${s.slice(0, -2)}${s.at(-2) === "A" ? "B" : "A"}${s.at(-1)}`;
  const variants: Record<string, string> = {
    "alg none, no signature": `${b64({ ...header, alg: "none" })}.${p}.`,
    "alg none, the HS256 signature kept": `${b64({ ...header, alg: "none" })}.${p}.${s}`,
    "alg HS512 with the right key": forge({ ...header, alg: "HS512" }, payload, undefined, "sha512"),
    "alg RS256 header over an HMAC": forge({ ...header, alg: "RS256" }, payload),
    "signature altered": `${h}.${p}.${flipped}`,
    "signature removed": `${h}.${p}.`,
    "another user's id under the original signature": `${h}.${b64({ ...payload, sub: claimsOf(bob.auth).sub })}.${s}`,
    expired: forge(header, { ...payload, iat: now - 1200, exp: now - 600 }),
    "no expiry": forge(header, { ...payload, exp: undefined }),
    "wrong issuer": forge(header, { ...payload, iss: "someone-else" }),
    "wrong audience": forge(header, { ...payload, aud: "honeydue-admin" }),
    "not an access token": forge(header, { ...payload, typ: "refresh" }),
    "no key id": forge({ alg: "HS256", typ: "JWT" }, payload),
    "an unknown key id": forge({ ...header, kid: "AAAAAAAA" }, payload),
    "another purpose's key": forge(header, payload, deps.keys["verification-code"].current.key),
    "the root secret itself as the key": forge(header, payload, deps.settings.authSecrets.current),
    "another user's session under this user's id": forge(header, { ...payload, sid: claimsOf(bob.auth).sid }),
  };
  for (const [what, token] of Object.entries(variants)) {
    const res = await me(token);
    assert.equal(res.statusCode, 401, `${what}: ${res.body}`);
    assertProblem(res, 401);
  }
  assert.equal(Object.keys(variants).length, 17);
});
