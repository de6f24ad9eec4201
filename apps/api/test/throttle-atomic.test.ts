import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { describe, test } from "node:test";
import { REDIS_SKIP_REASON, redisReachable } from "@honeydue/testkit";
import { createHousehold, createUser } from "./fixtures.ts";
import { signUp, startTestApi, type TestApi } from "./support.ts";

// Issue 16 item 1: attempts are counted BEFORE the password or code is checked, atomically, so parallel
// guesses cannot overtake the count; every route that checks a password spends one budget.
const LIMIT = 20; // LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR's default
const CODE_LIMIT = 10; // CODE_FAILURES_PER_USER
const PASSWORD = "correct horse battery";
const uniqueEmail = () => `atomic-${randomBytes(5).toString("hex")}@example.com`;
// Random addresses keep runs apart in a shared Redis (its windows outlive a test run).
const uniqueIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

async function register(api: TestApi, email: string) {
  const signed = await signUp(api, { email, password: PASSWORD, name: "Atomic" });
  return { authorization: `Bearer ${signed.accessToken}` };
}

function assert429(res: { statusCode: number; headers: Record<string, unknown>; body: string }, where = "") {
  assert.equal(res.statusCode, 429, `${where} ${res.body}`);
  const retryAfter = Number(res.headers["retry-after"]);
  assert.ok(retryAfter > 0 && retryAfter <= 3600, `Retry-After ${res.headers["retry-after"]}`);
}

const memoryApi = await startTestApi({ smtp: true });
const redisUp = await redisReachable();
const redisApi = redisUp ? await startTestApi({ redis: true, smtp: true }) : undefined;

function suite(api: TestApi) {
  test("60 parallel wrong passwords on one account: at most the limit are checked, the rest 429", async () => {
    const email = uniqueEmail();
    await register(api, email);
    const ip = uniqueIp();
    const answers = await Promise.all(
      Array.from({ length: 60 }, () =>
        api.app.inject({
          method: "POST",
          url: "/v1/auth/login",
          payload: { email, password: "wrong password" },
          remoteAddress: ip,
        }),
      ),
    );
    const checked = answers.filter((r) => r.statusCode === 401).length;
    const refused = answers.filter((r) => r.statusCode === 429);
    assert.ok(checked <= LIMIT, `${checked} passwords were checked (limit ${LIMIT})`);
    assert.equal(checked + refused.length, 60, answers.map((r) => r.statusCode).join(","));
    for (const res of refused) assert429(res);
    // The right password is refused too for the rest of the hour.
    assert429(
      await api.app.inject({
        method: "POST",
        url: "/v1/auth/login",
        payload: { email, password: PASSWORD },
        remoteAddress: uniqueIp(),
      }),
    );
  });

  test("sign-in, account deletion and password change spend one budget", async () => {
    const email = uniqueEmail();
    const auth = await register(api, email);
    const tries = [
      () =>
        api.app.inject({
          method: "POST",
          url: "/v1/auth/login",
          payload: { email, password: "wrong password" },
          remoteAddress: uniqueIp(),
        }),
      () =>
        api.app.inject({
          method: "DELETE",
          url: "/v1/me",
          headers: auth,
          payload: { password: "wrong password" },
          remoteAddress: uniqueIp(),
        }),
      () =>
        api.app.inject({
          method: "POST",
          url: "/v1/me/password",
          headers: auth,
          payload: { currentPassword: "wrong password", password: "another good passphrase" },
          remoteAddress: uniqueIp(),
        }),
    ];
    for (let i = 0; i < LIMIT; i++) {
      const res = await tries[i % 3]!();
      assert.ok([400, 401, 403].includes(res.statusCode), `try ${i}: ${res.statusCode} ${res.body}`);
    }
    for (const [i, attempt] of tries.entries()) assert429(await attempt(), `route ${i}`);
  });

  test("20 parallel wrong share codes: at most the code budget is spent, the rest 429", async () => {
    const home = await createHousehold(api.deps, { name: "Atomic House" });
    const ip = uniqueIp();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.app.inject({
          method: "POST",
          url: `/v1/share-codes/WRONG${String(i).padStart(3, "0")}/join`,
          headers: home.viewer.auth,
          remoteAddress: ip,
        }),
      ),
    );
    const looked = answers.filter((r) => r.statusCode === 404).length;
    assert.ok(looked <= 10, `${looked} codes were looked up (limit 10)`);
    for (const res of answers.filter((r) => r.statusCode !== 404)) assert429(res);
  });

  test("share-code joins and email verification codes spend one budget", async () => {
    const user = await createUser(api.deps, { verified: false });
    const tries = [
      (i: number) =>
        api.app.inject({
          method: "POST",
          url: `/v1/share-codes/WRONG${String(i).padStart(3, "0")}/join`,
          headers: user.auth,
          remoteAddress: uniqueIp(),
        }),
      () =>
        api.app.inject({
          method: "POST",
          url: "/v1/auth/verify-email",
          headers: user.auth,
          payload: { code: "000000" },
          remoteAddress: uniqueIp(),
        }),
    ];
    for (let i = 0; i < CODE_LIMIT; i++) {
      const res = await tries[i % 2]!(i);
      assert.ok([400, 404].includes(res.statusCode), `try ${i}: ${res.statusCode} ${res.body}`);
    }
    for (const [i, attempt] of tries.entries()) assert429(await attempt(99), `route ${i}`);
  });
}

describe("in memory (embedded mode)", () => suite(memoryApi));
describe("in Redis", { skip: redisApi ? false : REDIS_SKIP_REASON }, () => {
  if (redisApi) suite(redisApi);
});
