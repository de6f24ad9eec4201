import { createConnection } from "node:net";

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

let reachable: Promise<boolean> | undefined;
/** True when the test Redis answers PING. With CI=true an unreachable Redis is an error, not a skip. */
export function redisReachable(): Promise<boolean> {
  reachable ??= new Promise<boolean>((resolve, reject) => {
    const url = new URL(TEST_REDIS_URL);
    const socket = createConnection({ host: url.hostname, port: Number(url.port || 6379) });
    const fail = (error: unknown) => {
      socket.destroy();
      if (process.env.CI === "true")
        reject(new Error(`CI=true but Redis is not reachable at ${TEST_REDIS_URL}`, { cause: error }));
      else resolve(false);
    };
    socket.setTimeout(2000, () => fail(new Error("timeout")));
    socket.once("error", fail);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
  });
  return reachable;
}

/** The reason a Redis-only test gives when it skips. */
export const REDIS_SKIP_REASON = `Redis not reachable at ${TEST_REDIS_URL} (set CI=true to require it)`;
